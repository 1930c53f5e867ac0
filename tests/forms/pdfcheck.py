"""Reading generated PDFs back: text, fonts, word boxes, expected field strings."""

from __future__ import annotations

import dataclasses
import enum
import io
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pypdf
from pypdf.generic import DictionaryObject, IndirectObject

from forms import layout
from forms.data import Signature, Station


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


def text(pdf: bytes) -> str:
    """All text of the PDF with every whitespace removed (wrapping inserts line breaks)."""
    return squash("".join(page_texts(pdf)))


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts(pdf: bytes) -> Iterator[tuple[str, DictionaryObject]]:
    """Every font dictionary used on any page (and inside form XObjects)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[tuple[str, DictionaryObject]]:
        resources = _resolve(resources)
        if not resources:
            return
        for _, ref in (_resolve(resources.get("/Font")) or {}).items():
            font = _resolve(ref)
            if id(font) in seen:
                continue
            seen.add(id(font))
            yield str(font.get("/BaseFont")), font
        for _, ref in (_resolve(resources.get("/XObject")) or {}).items():
            xobj = _resolve(ref)
            if xobj.get("/Subtype") == "/Form":
                yield from walk(xobj.get("/Resources"))

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _descriptor(font: DictionaryObject) -> Any:
    if font.get("/Subtype") == "/Type0":
        descendants: Any = _resolve(font["/DescendantFonts"])
        font = _resolve(descendants[0])
    return _resolve(font.get("/FontDescriptor"))


def font_is_embedded(font: DictionaryObject) -> bool:
    descriptor = _descriptor(font)
    if descriptor is None:
        return False
    return any(k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3"))


def has_font_file2(font: DictionaryObject) -> bool:
    """A TrueType font program embedded (what ReportLab writes for TTF/TTC subsets)."""
    descriptor = _descriptor(font)
    return descriptor is not None and "/FontFile2" in descriptor


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    page_width: float
    page_height: float


def words(pdf: bytes) -> list[Word]:
    """Word boxes from ``pdftotext -bbox`` (poppler-utils), y growing downwards."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        html = subprocess.run(["pdftotext", "-bbox", str(src), "-"], check=True, capture_output=True).stdout
    out: list[Word] = []
    page_no = 0
    width = height = 0.0
    for line in html.decode("utf-8").splitlines():
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if page:
            page_no += 1
            width, height = float(page.group(1)), float(page.group(2))
            continue
        word = re.search(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*)</word>', line)
        if word:
            x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
            out.append(Word(page_no, word.group(5), x0, y0, x1, y1, width, height))
    return out


def words_outside_body(pdf: bytes, tolerance: float = 1.5) -> list[Word]:
    """Words not inside the printable body (page minus the form margins; the footer band is allowed)."""
    bad = []
    for w in words(pdf):
        left = layout.LEFT_MARGIN - tolerance
        right = w.page_width - layout.RIGHT_MARGIN + tolerance
        top = layout.TOP_MARGIN - tolerance
        bottom = w.page_height - layout.FOOTER_Y + 4
        if w.x0 < left or w.x1 > right or w.y0 < top or w.y1 > bottom:
            bad.append(w)
    return bad


def fmt(value: Any) -> str | None:
    """How a field value appears on paper, or None when it is not printed as text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return layout.fmt_datetime(value)
    if isinstance(value, date):
        return layout.fmt_date(value)
    if isinstance(value, enum.Enum):
        return str(value.value) if isinstance(value.value, str) and not value.value.isascii() else None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value or None
    return None


def expected_strings(record: Any, skip: frozenset[str] = frozenset(), prefix: str = "") -> dict[str, str]:
    """``{"field.path": printed text}`` for every printable field of a record, recursively."""
    out: dict[str, str] = {}
    if isinstance(record, Signature):
        return out
    if isinstance(record, Station):
        skip = skip | {f"{prefix}case_url_base", f"{prefix}code", f"{prefix}phone", f"{prefix}town_center"}
    for f in dataclasses.fields(record):
        name = f"{prefix}{f.name}"
        if name in skip:
            continue
        value = getattr(record, f.name)
        if dataclasses.is_dataclass(value):
            out.update(expected_strings(value, skip, f"{name}."))
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if dataclasses.is_dataclass(item):
                    out.update(expected_strings(item, skip, f"{name}[{i}]."))
                else:
                    s = fmt(item)
                    if s:
                        out[f"{name}[{i}]"] = s
        else:
            s = fmt(value)
            if s:
                out[name] = s
    return out


def missing_fields(pdf: bytes, record: Any, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """The fields whose text cannot be found in the PDF (whitespace ignored)."""
    haystack = text(pdf)
    return {k: v for k, v in expected_strings(record, skip).items() if squash(v) not in haystack}
