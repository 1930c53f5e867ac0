"""Is each character of a name really drawn? Character boxes from the PDF, ink from the raster.

pdfminer.six reads every character the PDF shows with its box and its text (through the
font's ToUnicode map); ``pdftoppm`` (poppler) rasterises the page; a character whose box holds
no dark pixels printed as a blank (a missing glyph draws nothing in the body font).
``pdftotext`` (poppler) is the reader the issue names for copy and search.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTComponent, LTContainer
from PIL import Image

DPI = 150


@dataclass(frozen=True)
class Char:
    page: int  # 1-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def chars(pdf: bytes) -> list[Char]:
    """Every character shown, in content-stream order, with its box (PDF points, y up)."""
    out: list[Char] = []

    def walk(item: LTComponent, page: int) -> Iterator[Char]:
        if isinstance(item, LTChar):
            yield Char(page, item.get_text(), item.x0, item.y0, item.x1, item.y1)
        elif isinstance(item, LTContainer):
            for child in item:
                yield from walk(child, page)

    for number, page in enumerate(extract_pages(io.BytesIO(pdf), laparams=LAParams(all_texts=True)), 1):
        out.extend(walk(page, number))
    return out


def find(found: list[Char], name: str) -> list[list[Char]]:
    """Each run of consecutive characters spelling ``name`` (line breaks inside allowed)."""
    target = [c for c in name if not c.isspace()]
    seq = [c for c in found if not c.text.isspace()]
    hits = []
    for start in range(len(seq) - len(target) + 1):
        if all(seq[start + i].text == target[i] for i in range(len(target))):
            hits.append(seq[start : start + len(target)])
    return hits


def pages(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(Path(tmp) / "p")], check=True)
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [Image.open(f).convert("L") for f in files]


def ink(image: Image.Image, char: Char, page_height: float, dpi: int = DPI) -> int:
    """Dark pixels inside the character's box (shrunk by a pixel so neighbours and rules don't count)."""
    scale = dpi / 72
    left, right = char.x0 * scale + 1, char.x1 * scale - 1
    top, bottom = (page_height - char.y1) * scale + 1, (page_height - char.y0) * scale - 1
    box = image.crop((int(left), int(top), int(right + 0.999), int(bottom + 0.999)))
    return sum(box.convert("L").histogram()[:128])


def blank_chars(pdf: bytes, name: str, page_height: float) -> tuple[int, list[str]]:
    """(how many times ``name`` was found, the characters drawn without ink)."""
    hits = find(chars(pdf), name)
    images = pages(pdf) if hits else []
    blank = []
    for hit in hits:
        for char in hit:
            if ink(images[char.page - 1], char, page_height) == 0:
                blank.append(char.text)
    return len(hits), blank


def pdftotext(pdf: bytes) -> str:
    """``pdftotext -raw`` (content order: a wrapped cell's lines stay together), whitespace removed."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(src), "-"], check=True, capture_output=True)
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))
