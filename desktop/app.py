"""Composition root of the station app: ``python -m desktop [--data-dir DIR]``."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from pathlib import Path

import platformdirs

from desktop.log_masking import MaskingFormatter

APP_NAME = "daibantong"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m desktop", description="代办通：村（居）代办站办件系统")
    parser.add_argument("--data-dir", type=Path, default=None, help="数据文件夹（默认在用户数据目录）")
    parser.add_argument(
        "--self-test",
        type=Path,
        default=None,
        metavar="OUTDIR",
        help="自检：在临时代办站登记办件、打印委托书到 OUTDIR 并备份后退出",
    )
    # Benchmarks only (bench/bench_desktop.py): write the time the first window was on screen to this file.
    parser.add_argument("--ready-file", type=Path, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def configure_logging(data_dir: Path) -> None:
    """A rotating log file in the data folder (no personal data is logged; numbers that slip through are masked)."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / "daibantong.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def ensure_std_streams() -> None:
    """Give a windowed Windows build somewhere to write. PyInstaller's ``console=False`` executable starts with
    ``sys.stdout`` and ``sys.stderr`` set to None, so argparse's usage message or any library's warning would
    raise AttributeError instead of being shown or ignored: they go to the null device (UTF-8) instead."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process


def main(argv: list[str] | None = None) -> int:
    ensure_std_streams()
    args = parse_args(argv)
    if args.self_test is not None:  # the bundle's smoke test: no Qt, no user data touched
        from desktop import selftest

        return selftest.main([str(args.self_test)])
    data_dir: Path = args.data_dir or default_data_dir()
    configure_logging(data_dir)
    from desktop.ui.application import run  # Qt is loaded only here

    return run(data_dir, ready_file=args.ready_file)
