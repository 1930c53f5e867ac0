"""The covering fonts of the staff pages (issue 13): the style sheet's @font-face rules cover every ideograph the
forms cover, and the center serves each font under a versioned, immutable URL (gzipped when asked)."""

from __future__ import annotations

import gzip
import re
import unicodedata

import pytest
import requests
from fontTools.ttLib import TTFont

import resources
from tests.domain.names_corpus import NAMES
from tests.sync.live_server import ServerHandle

_FACE = re.compile(
    r'@font-face\s*\{[^}]*font-family:\s*"([^"]+)"[^}]*url\("fonts/([^"]+)"\)[^}]*unicode-range:([^;]+);'
)


def _css(server: ServerHandle) -> str:
    reply = requests.get(server.url + "/center/static/center.css", timeout=10)
    assert reply.status_code == 200
    return reply.text


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


def _cmap(versioned: str) -> set[int]:
    file = re.sub(r"\.[0-9a-f]{12}\.ttf$", ".ttf", versioned)
    return set(TTFont(resources.path(f"fonts/{file}"), lazy=True).getBestCmap())


def _ideographs() -> list[int]:
    """Ext A, URO after GBK, compatibility, Ext B-F: every ideograph Unicode 14 assigns there."""
    spans = [(0x3400, 0x4DBF), (0x9FA6, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF)]
    return [c for lo, hi in spans for c in range(lo, hi + 1) if unicodedata.name(chr(c), "")]


def test_every_ideograph_beyond_gbk_has_a_face_that_draws_it(live_server: ServerHandle) -> None:
    css = _css(live_server)
    faces = _faces(css)
    assert [f[0] for f in faces] == ["BabelStone Han", "HanaMinA", "HanaMinB"]
    # first in the body's stack (their unicode-range keeps them off GBK text); the .mono fields fall back to them
    stack = re.search(r"--han:([^;]+);", css)
    assert stack and [f.strip() for f in stack[1].split(",")][:3] == ['"BabelStone Han"', '"HanaMinA"', '"HanaMinB"']
    assert re.search(r"body \{[^}]*font-family: var\(--han\), sans-serif;", css)
    assert re.search(r"\.mono \{ font-family: [^}]*var\(--han\), monospace; \}", css)
    cmaps = [(ranges, _cmap(url)) for _family, url, ranges in faces]
    # a face whose range holds the character but whose font lacks it hands it on to the next family (as a browser)
    missing = [
        f"U+{c:04X}"
        for c in _ideographs()
        if not any(c in cmap and any(c in r for r in ranges) for ranges, cmap in cmaps)
    ]
    assert missing == []
    # the corpus: every character that GBK lacks (Ext G excepted: no font of ours has it)
    rare = {ch for key, name in NAMES.items() if key != "ext_g" for ch in name if not _in_gbk(ch)}
    assert rare and all(
        any(ord(ch) in cmap and any(ord(ch) in r for r in ranges) for ranges, cmap in cmaps) for ch in rare
    )


def _in_gbk(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def test_fonts_are_served_immutable_under_their_digest(live_server: ServerHandle) -> None:
    urls = [url for _family, url, _ranges in _faces(_css(live_server))]
    base = live_server.url + "/center/static/fonts/"
    small = next(u for u in urls if u.startswith("BabelStoneHan-supplement."))
    plain = requests.get(base + small, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert plain.status_code == 200 and plain.headers["Content-Type"] == "font/ttf"
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.content == resources.path("fonts/BabelStoneHan-supplement.ttf").read_bytes()
    zipped = requests.get(base + small, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30)
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.raw.read()) == plain.content
    again = requests.get(base + small, headers={"If-None-Match": plain.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    # only the digest the style sheet names, and only the covering fonts
    for name in ("BabelStoneHan-supplement.ttf", "BabelStoneHan-supplement.000000000000.ttf", "gbsn00lp.ttf"):
        assert requests.get(base + name, timeout=30).status_code == 404
    assert requests.get(base + "..%2F..%2Fcenter.css", timeout=30).status_code == 404


@pytest.mark.parametrize("name", ["HanaMinA", "HanaMinB"])
def test_the_big_fonts_stream_the_file_when_gzip_is_not_accepted(live_server: ServerHandle, name: str) -> None:
    (url,) = [u for _f, u, _r in _faces(_css(live_server)) if u.startswith(name + ".")]
    with requests.get(
        live_server.url + "/center/static/fonts/" + url,
        stream=True,
        timeout=60,
        headers={"Accept-Encoding": "identity"},
    ) as reply:
        assert reply.status_code == 200 and "Content-Encoding" not in reply.headers
        assert int(reply.headers["Content-Length"]) == resources.path(f"fonts/{name}.ttf").stat().st_size
