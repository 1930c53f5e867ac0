"""packaging/icu_data.py, which build.spec uses to shrink Qt's ICU data library in the Linux bundle (issue 18).

The bundle build itself (`.ci/bundle`, packaging/check_bundle.py) compares Qt's answers with both libraries;
these tests check the package format round trip and the keep list without building a bundle.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# by path: `packaging` is also the name of a PyPI package
_spec = importlib.util.spec_from_file_location("icu_data", ROOT / "packaging" / "icu_data.py")
assert _spec is not None and _spec.loader is not None
icu_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(icu_data)

PySide6 = pytest.importorskip("PySide6")
LIBRARY = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"), None)
needs_linux_icu = pytest.mark.skipif(
    not sys.platform.startswith("linux") or LIBRARY is None or shutil.which("objdump") is None,
    reason="the wheel's ICU data library and binutils (Linux)",
)


def test_keeps_chinese_collation_and_converters_drops_the_rest() -> None:
    for name in ("coll/zh.res", "coll/root.res", "coll/ucadata.icu", "gb18030.cnv", "cnvalias.icu", "zh_Hans_CN.res"):
        assert icu_data.kept(f"icudt73l/{name}"), name
    for name in ("coll/de.res", "brkitr/char.brk", "curr/fr.res", "ibm-37_P100-1995.cnv", "translit/root.res"):
        assert not icu_data.kept(f"icudt73l/{name}"), name


@needs_linux_icu
def test_repacking_every_item_gives_the_same_items() -> None:
    assert LIBRARY is not None
    _, package = icu_data._exported_data(LIBRARY)
    header, items = icu_data._items(package)
    assert len(items) > 1000
    assert icu_data._items(icu_data._package(header, items)) == (header, items)


@needs_linux_icu
def test_trimmed_library_exports_the_same_symbol_with_the_kept_items(tmp_path: Path) -> None:
    assert LIBRARY is not None
    small = icu_data.trimmed_icu_data(LIBRARY, tmp_path)
    symbol, package = icu_data._exported_data(small)
    assert symbol == icu_data._exported_data(LIBRARY)[0]
    names = [name for name, _ in icu_data._items(package)[1]]
    assert names == sorted(names) and all(icu_data.kept(n) for n in names)
    assert any(n.endswith("/coll/zh.res") for n in names)
    assert small.stat().st_size < 6 * 2**20 < LIBRARY.stat().st_size
