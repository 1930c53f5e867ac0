"""Whether a page's own text is drawn with real glyphs, judged from the pixels (issue 13).

Asking the browser which font it chose is not enough: Chromium 156 may load a covering font and still show an
empty box for text laid out before. So each character of an element is cut out of a screenshot of the page
(its box from a Range over the element's text) and compared, as ink (blurred by a pixel), with two
renderings at the same size in a probe box: the same character in the font that must draw it, and a character
no font has (Ext G, U+30000), i.e. the empty box. A drawn character is ink that is nearer the first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

#: Drawn by no font of ours nor of the PC: what an undrawable character looks like (box or blank).
UNDRAWABLE = "\U00030000"

_CELLS = """el => {
  const cells = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let at = 0;
    for (const ch of node.data) {
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + ch.length); at += ch.length;
      const box = range.getBoundingClientRect();
      if (ch.trim()) cells.push({ch, x: box.left, y: box.top, w: box.width, h: box.height});
    }
  }
  const style = getComputedStyle(el);
  return {cells, font: style.font, fontFamily: style.fontFamily, fontSize: style.fontSize,
          fontWeight: style.fontWeight, lineHeight: style.lineHeight};
}"""

_PROBE = """([text, families, style]) => {
  const box = document.createElement('div');
  box.id = 'drawn-text-probe';
  box.style.cssText = 'position:fixed; right:0; bottom:0; z-index:99999; background:#fff; color:#000; padding:4px;'
    + `font-size:${style.fontSize}; font-weight:${style.fontWeight}; line-height:${style.lineHeight};`;
  families.forEach((family, i) => {
    const line = document.createElement('div');
    line.style.fontFamily = family; line.style.whiteSpace = 'pre'; line.textContent = text[i];
    box.append(line);
  });
  document.body.append(box);
  return Promise.all(families.map((f, i) => document.fonts.load(`${style.fontSize} ${f}`, text[i])))
    .then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))
    .then(() => [...box.children].map(line => {
      const node = line.firstChild; const out = []; let at = 0;
      for (const ch of node.data) {
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + ch.length); at += ch.length;
        const b = range.getBoundingClientRect();
        out.push({ch, x: b.left, y: b.top, w: b.width, h: b.height});
      }
      return out;
    }));
}"""

_SETTLED = """() => document.fonts.ready.then(
  () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))"""


@dataclass(frozen=True)
class Verdict:
    ch: str
    ink: float  # the cell's mean ink, 0 (white) to 1 (black)
    off_empty: float  # its mean difference from the undrawable character's cell
    off_glyph: float  # its mean difference from the character's cell in its covering font

    @property
    def drawn(self) -> bool:
        return self.ink > 0.02 and self.off_empty > 0.03 and self.off_glyph < self.off_empty / 2


def _ink(
    image: Image.Image, cell: dict[str, float], size: tuple[int, int], shift: tuple[int, int] = (0, 0)
) -> Image.Image:
    """The cell as ink (255 where black), blurred by a pixel: a glyph drawn at another fraction of a pixel than
    its probe differs little, an empty box or a blank much."""
    x, y = round(cell["x"]) + shift[0], round(cell["y"]) + shift[1]
    grey = image.convert("L").crop((x, y, x + size[0], y + size[1]))
    return ImageOps.invert(grey).filter(ImageFilter.GaussianBlur(1))


def _share(ink: Image.Image) -> float:
    """The mean ink of the cell, 0 (white) to 1 (black)."""
    return float(ImageStat.Stat(ink).mean[0]) / 255


def _off(seen: Image.Image, image: Image.Image, cell: dict[str, float]) -> float:
    """How far ``seen`` is from the rendering in ``cell`` (the mean difference of ink), at the best of the offsets
    of up to 2 px each way (the probe's text sits elsewhere on the pixel grid than the page's)."""
    shifts = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)]
    return min(_share(ImageChops.difference(seen, _ink(image, cell, seen.size, s))) for s in shifts)


def _screenshot(page: Any) -> Image.Image:
    return Image.open(io.BytesIO(page.screenshot()))


def verdicts(page: Any, element: Any, faces: dict[str, str]) -> list[Verdict]:
    """A verdict for each character of ``element``'s text that ``faces`` names (character → the family that
    must draw it), from a screenshot of the page as it stands (after its fonts settle, never touched)."""
    element.scroll_into_view_if_needed()
    page.evaluate(_SETTLED)
    page.wait_for_timeout(300)  # a swap after the last font's load would be painted by now
    found = element.evaluate(_CELLS)
    shot = _screenshot(page)
    cells = [c for c in found["cells"] if c["ch"] in faces]
    assert cells, f"none of {''.join(faces)} in {''.join(c['ch'] for c in found['cells'])}"
    text = ["".join(c["ch"] for c in cells), UNDRAWABLE]
    families = [", ".join(f'"{faces[c["ch"]]}"' for c in cells), found["fontFamily"]]
    # one family per line: the glyphs line names the covering family of each character (all one family in use)
    lines = page.evaluate(_PROBE, [text, families, found])
    probe = _screenshot(page)
    page.evaluate("document.getElementById('drawn-text-probe').remove()")
    (empty_cell,) = lines[1]
    out = []
    for cell, glyph_cell in zip(cells, lines[0], strict=True):
        size = (max(1, round(cell["w"])), max(1, round(cell["h"])))
        seen = _ink(shot, cell, size)
        out.append(Verdict(cell["ch"], _share(seen), _off(seen, probe, empty_cell), _off(seen, probe, glyph_cell)))
    return out


def assert_drawn(page: Any, element: Any, faces: dict[str, str], attempts: int = 5) -> None:
    """Each character of ``element`` that ``faces`` names is drawn in the page (not an empty box, not blank).

    Looked at up to ``attempts`` times half a second apart: on a busy machine a screenshot may catch a row
    mid-paint; an empty box that is never redrawn (the failure this is for) stays one every time."""
    for attempt in range(attempts):
        found = verdicts(page, element, faces)
        bad = [v for v in found if not v.drawn]
        if not bad:
            return
        if attempt + 1 < attempts:
            page.wait_for_timeout(500)
    raise AssertionError(f"not drawn in {element}: {bad}")
