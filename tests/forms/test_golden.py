"""Every demo form, rendered at 50 dpi, matches its reviewed reference picture in golden/.

After an intended layout change, look at the new pictures and regenerate the references:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/forms/test_golden.py

On a mismatch the actual page and a difference picture are left in pytest's tmp_path
(the failure message says where).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from forms import demo, entrustment, images
from forms.data import MaterialLine
from forms.demo_files import DEMO_FILES
from tests.forms.golden_compare import compare, grey_png

GOLDEN = Path(__file__).parent / "golden"
DPI = 50
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _references(stem: str) -> list[Path]:
    """``stem-1.png``, ``stem-2.png`` … (not ``stem-生僻字-1.png``, another form's pictures)."""
    pages = [p for p in GOLDEN.glob(f"{stem}-*.png") if p.stem[len(stem) + 1 :].isdigit()]
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


@pytest.mark.parametrize("name", list(DEMO_FILES))
def test_demo_form_matches_golden(name: str, tmp_path: Path) -> None:
    stem = Path(name).stem
    pages = images.pdf_to_pngs(DEMO_FILES[name](), DPI)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        for old in _references(stem):
            old.unlink()
        for n, png in enumerate(pages, 1):
            (GOLDEN / f"{stem}-{n}.png").write_bytes(grey_png(png))
        return
    refs = _references(stem)
    assert refs, f"no reference picture for {name}; run with UPDATE_GOLDEN=1 and review tests/forms/golden/"
    assert len(pages) == len(refs), f"{name}: {len(pages)} pages, reference has {len(refs)}"
    for n, (png, ref) in enumerate(zip(pages, refs, strict=True), 1):
        difference, diff_image = compare(png, ref.read_bytes())
        if not difference.ok:
            (tmp_path / f"{stem}-{n}-actual.png").write_bytes(png)
            if diff_image is not None:
                diff_image.save(tmp_path / f"{stem}-{n}-diff.png")
        assert difference.ok, f"{name} page {n}: {difference}; pictures in {tmp_path}"


def _entrustment_page(data: object) -> bytes:
    return images.pdf_to_pngs(entrustment.render(data), DPI)[0]  # type: ignore[arg-type]


@pytest.mark.skipif(UPDATE, reason="references being regenerated")
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: dataclasses.replace(d, materials=(*d.materials, MaterialLine("村委会证明"))), id="row"),
        pytest.param(lambda d: dataclasses.replace(d, applicant_signature=None), id="signature"),
        pytest.param(lambda d: dataclasses.replace(d, scope=d.scope * 3), id="wrapped-text"),
    ],
)
def test_golden_catches_layout_changes(change: object) -> None:
    reference = _references(Path("代办服务委托书.pdf").stem)[0].read_bytes()
    changed = change(demo.entrustment())  # type: ignore[operator]
    difference, _ = compare(_entrustment_page(changed), reference)
    assert not difference.ok, difference
