"""The staff pages' style sheet and the covering fonts it falls back to (issue 13: every villager's name drawn).

The fonts are the app's own (``resources/fonts``: 花園明朝A/B and the BabelStone Han supplement). A browser
asks for one only when a page holds a character that no font of the PC draws: the style sheet declares them
with ``unicode-range`` after the PC's own fonts. Their URLs carry a digest of the file, so they are served
``immutable`` for a year and a browser downloads each at most once; a browser that accepts gzip gets the
file gzipped (HanaMinB: 30.7 MB as TrueType, 17.9 MB gzipped; WOFF2 would need brotli, which we don't ship).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

import resources

router = APIRouter(include_in_schema=False)

_CSS_FILE = Path(__file__).resolve().parent / "static" / "center.css"
#: In center.css: ``url("fonts/HanaMinB.ttf")``, relative to the style sheet, replaced by the versioned name.
_FONT_URL = re.compile(r'url\("fonts/([A-Za-z0-9-]+\.ttf)"\)')
FONT_MEDIA_TYPE = "font/ttf"
FONT_CACHE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class WebFont:
    file: str  # under resources/fonts
    digest: str  # sha256 of the file, hex

    @property
    def versioned_name(self) -> str:
        return f"{self.file.removesuffix('.ttf')}.{self.digest[:12]}.ttf"

    @property
    def path(self) -> Path:
        return resources.path(f"fonts/{self.file}")


#: The covering fonts the style sheet may name; nothing else under resources/fonts is served.
SERVED = ("BabelStoneHan-supplement.ttf", "HanaMinA.ttf", "HanaMinB.ttf")


@cache
def web_fonts() -> dict[str, WebFont]:
    """The served fonts by versioned name (the digests are read once, ~40 ms for the 53 MB)."""
    fonts = []
    for file in SERVED:
        with resources.path(f"fonts/{file}").open("rb") as f:
            fonts.append(WebFont(file, hashlib.file_digest(f, "sha256").hexdigest()))
    return {font.versioned_name: font for font in fonts}


@cache
def stylesheet_text() -> str:
    by_file = {font.file: font.versioned_name for font in web_fonts().values()}

    def versioned(match: re.Match[str]) -> str:
        return f'url("fonts/{by_file[match[1]]}")'  # a KeyError here is a typo in center.css

    return _FONT_URL.sub(versioned, _CSS_FILE.read_text(encoding="utf-8"))


_gzip_lock = threading.Lock()
_gzipped: dict[str, bytes] = {}


def _gzipped_body(font: WebFont) -> bytes:
    """The file gzipped, made on the first request (1 s for HanaMinB) and kept for the process's life."""
    with _gzip_lock:
        if font.file not in _gzipped:
            _gzipped[font.file] = gzip.compress(font.path.read_bytes(), compresslevel=6, mtime=0)
        return _gzipped[font.file]


@router.get("/static/center.css")
def stylesheet() -> Response:
    return Response(stylesheet_text(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/static/fonts/{name}")
def font(name: str, request: Request) -> Response:
    found = web_fonts().get(name)
    if found is None:
        return Response("没有这个字体文件", status_code=404, media_type="text/plain; charset=utf-8")
    etag = f'"{found.digest[:32]}"'
    headers = {"Cache-Control": FONT_CACHE, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = _gzipped_body(found)
        return Response(body, media_type=FONT_MEDIA_TYPE, headers=headers | {"Content-Encoding": "gzip"})
    return FileResponse(found.path, media_type=FONT_MEDIA_TYPE, headers=headers)
