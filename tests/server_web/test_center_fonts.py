"""The covering fonts of the staff pages (issue 13): the han-fonts style sheet's @font-face rules cover every
ideograph the forms cover, one small slice per rule, and the center serves each slice under a versioned,
immutable URL (gzipped when asked)."""

from __future__ import annotations

import gzip
import io
import re
import unicodedata

import requests
from fontTools.ttLib import TTFont

import resources
from sync.server.web.font_slices import han_fonts_css_name
from tests.domain.names_corpus import NAMES
from tests.sync.live_server import ServerHandle

_FACE = re.compile(
    r'@font-face\s*\{[^}]*font-family:\s*"([^"]+)"[^}]*url\("fonts/([^"]+)"\)[^}]*unicode-range:([^;]+);'
)
_SOURCE = {"BabelStone Han": "BabelStoneHan-supplement.ttf", "HanaMinA": "HanaMinA.ttf", "HanaMinB": "HanaMinB.ttf"}


def _han_css(server: ServerHandle) -> tuple[str, str]:
    """(the han-fonts style sheet's URL as the pages link it, its text)."""
    page = requests.get(server.url + "/center/login", timeout=10).text
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert links == [f"/center/static/{han_fonts_css_name()}", "/center/static/center.css"]  # the same cuts here
    reply = requests.get(server.url + links[0], timeout=30)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/css")
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    return links[0], reply.text


def _faces(css: str) -> list[tuple[str, str, list[range]]]:
    """(family, versioned file name, unicode-range) of each @font-face, in the style sheet's order."""
    faces = []
    for family, url, spans in _FACE.findall(css):
        ranges = []
        for span in spans.split(","):
            lo, _, hi = span.strip().removeprefix("U+").partition("-")
            ranges.append(range(int(lo, 16), int(hi or lo, 16) + 1))
        faces.append((family, url, ranges))
    return faces


def _cmap(family: str) -> set[int]:
    return set(TTFont(resources.path(f"fonts/{_SOURCE[family]}"), lazy=True).getBestCmap())


def _ideographs() -> list[int]:
    """Ext A, URO after GBK, compatibility, Ext B-F: every ideograph Unicode 14 assigns there."""
    spans = [(0x3400, 0x4DBF), (0x9FA6, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF)]
    return [c for lo, hi in spans for c in range(lo, hi + 1) if unicodedata.name(chr(c), "")]


def test_every_ideograph_beyond_gbk_has_a_slice_that_draws_it(live_server: ServerHandle) -> None:
    _url, css = _han_css(live_server)
    faces = _faces(css)
    assert list(dict.fromkeys(f[0] for f in faces)) == ["BabelStone Han", "HanaMinA", "HanaMinB"]
    assert 100 <= len(faces) <= 250
    center = requests.get(live_server.url + "/center/static/center.css", timeout=10).text
    # first in the body's stack (their unicode-range keeps them off GBK text); the .mono fields fall back to them
    stack = re.search(r"--han:([^;]+);", center)
    assert stack and [f.strip() for f in stack[1].split(",")][:3] == ['"BabelStone Han"', '"HanaMinA"', '"HanaMinB"']
    assert re.search(r"body \{[^}]*font-family: var\(--han\), sans-serif;", center)
    assert re.search(r"\.mono \{ font-family: [^}]*var\(--han\), monospace; \}", center)
    cmaps = {family: _cmap(family) for family in _SOURCE}
    # a slice's range holds only characters its font has (the supplement's: characters HanaMin lacks; as a
    # browser, a face whose range holds a character its font lacks hands it on to the next family)
    for family, url, ranges in faces:
        if family != "BabelStone Han":
            assert all(c in cmaps[family] for r in ranges for c in r), url
    missing = [
        f"U+{c:04X}"
        for c in _ideographs()
        if not any(c in cmaps[family] and any(c in r for r in ranges) for family, _url, ranges in faces)
    ]
    assert missing == []
    # the corpus: every character that GBK lacks (Ext G excepted: no font of ours has it)
    rare = {ch for key, name in NAMES.items() if key != "ext_g" for ch in name if not _in_gbk(ch)}
    assert rare and all(
        any(ord(ch) in cmaps[family] and any(ord(ch) in r for r in ranges) for family, _url, ranges in faces)
        for ch in rare
    )


def _in_gbk(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def test_a_slice_is_small_immutable_and_holds_its_range(live_server: ServerHandle) -> None:
    css_url, css = _han_css(live_server)
    faces = _faces(css)
    base = live_server.url + "/center/static/fonts/"
    _family, url, ranges = next(f for f in faces if f[0] == "HanaMinB" and any(0x20BB7 in r for r in f[2]))  # 𠮷
    zipped = requests.get(base + url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60)
    assert zipped.status_code == 200 and zipped.headers["Content-Type"] == "font/ttf"
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    body = zipped.raw.read()
    assert len(body) < 200_000  # HanaMinB whole: 17.9 MB gzipped
    font = TTFont(io.BytesIO(gzip.decompress(body)))
    assert set(font.getBestCmap()) == {c for r in ranges for c in r}
    plain = requests.get(base + url, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers and plain.content == gzip.decompress(body)
    again = requests.get(base + url, headers={"If-None-Match": zipped.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    # the supplement is served whole
    supplement = next(u for f, u, _r in faces if f == "BabelStone Han")
    whole = requests.get(base + supplement, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert whole.content == resources.path("fonts/BabelStoneHan-supplement.ttf").read_bytes()
    # only the names the style sheet gives, nothing else under resources/fonts, no other style sheet
    stem, digest = url.removesuffix(".ttf").rsplit(".", 1)
    for name in (f"{stem}.000000000000.ttf", "HanaMinB.ttf", f"HanaMinB-999.{digest}.ttf", "gbsn00lp.ttf"):
        assert requests.get(base + name, timeout=30).status_code == 404
    assert requests.get(base + "..%2F..%2Fcenter.css", timeout=30).status_code == 404
    assert requests.get(live_server.url + "/center/static/han-fonts.000000000000.css", timeout=30).status_code == 404
    assert css_url.startswith("/center/static/han-fonts.")
