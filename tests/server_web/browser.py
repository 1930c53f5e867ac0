"""Headless Chromium from Debian's package, driven by Playwright (no browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def staff_pc_fonts(folder: Path) -> dict[str, str]:
    """Environment for a Chromium whose PC has, besides this machine's fonts, WenQuanYi Micro Hei (GBK, as a
    信创 Linux PC ships) and nothing for CJK Ext A-F: a fontconfig file in ``folder`` adding only that font."""
    import os

    import resources

    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    link = fonts / "wqy-microhei.ttc"
    if not link.exists():
        link.symlink_to(resources.path("fonts/wqy-microhei.ttc"))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return dict(os.environ) | {"FONTCONFIG_FILE": str(conf)}


@contextmanager
def chromium(env: dict[str, str] | None = None) -> Iterator[object]:
    """A launched browser; skips (fails under CI) when Debian's chromium is missing."""
    import os

    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI 需要 /usr/bin/chromium（.ci/setup 安装）")
        pytest.skip("chromium not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, env=env)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_profile(profile: Path, env: dict[str, str] | None = None) -> Iterator[object]:
    """A browser with a staff PC's own profile at ``profile`` (a disk cache that outlives tabs and restarts,
    unlike a fresh context's memory cache, which keeps no 18 MB font); yields its one browser context."""
    import os

    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI 需要 /usr/bin/chromium（.ci/setup 安装）")
        pytest.skip("chromium not installed")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=ARGS,
            viewport={"width": 1366, "height": 768},
            locale="zh-CN",
            env=env,
        )
        try:
            yield context
        finally:
            context.close()
