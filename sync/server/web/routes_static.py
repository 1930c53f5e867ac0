"""The staff pages' style sheets and the covering fonts they fall back to (issue 13: every villager's name drawn).

The fonts are the app's own (``resources/fonts``: 花園明朝A/B and the BabelStone Han supplement), cut into small
slices (``font_slices``): a browser asks for a slice only when a page holds a character of its range. The
slices and the style sheet declaring them carry a digest in their URL, so they are served ``immutable`` for a
year and a browser downloads each at most once; a browser that accepts gzip gets it gzipped (WOFF2 would need
brotli, which we don't ship).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from fastapi import APIRouter, Request, Response

from .font_slices import font_slices, han_fonts_css, han_fonts_css_name, slice_cache

router = APIRouter(include_in_schema=False)

_CSS_FILE = Path(__file__).resolve().parent / "static" / "center.css"
_INBOX_JS = Path(__file__).resolve().parent / "static" / "inbox.js"
FONT_MEDIA_TYPE = "font/ttf"
IMMUTABLE = "public, max-age=31536000, immutable"


@router.get("/static/center.css")
def stylesheet() -> Response:
    return Response(
        _CSS_FILE.read_text(encoding="utf-8"), media_type="text/css", headers={"Cache-Control": "max-age=3600"}
    )


@router.get("/static/inbox.js")
def inbox_script() -> Response:
    """The inbox's poll of its counts (a few lines of plain JavaScript, no framework)."""
    return Response(
        _INBOX_JS.read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Cache-Control": "max-age=3600"},
    )


@router.get("/static/han-fonts.{version}.css")
def han_fonts(version: str) -> Response:
    if f"han-fonts.{version}.css" != han_fonts_css_name():
        return Response("没有这个样式表", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(han_fonts_css(), media_type="text/css", headers={"Cache-Control": IMMUTABLE})


@router.get("/static/fonts/{name}")
def font(name: str, request: Request) -> Response:
    found = font_slices().get(name)
    if found is None:
        return Response("没有这个字体文件", status_code=404, media_type="text/plain; charset=utf-8")
    etag = f'"{found.digest[:32]}"'
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = slice_cache.gzipped(found)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(body, media_type=FONT_MEDIA_TYPE, headers=headers | {"Content-Encoding": "gzip"})
    return Response(gzip.decompress(body), media_type=FONT_MEDIA_TYPE, headers=headers)
