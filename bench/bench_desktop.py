"""Station app: time from process start to a usable main window, from source and from the built bundle."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bench import figure
from sync.domain.clock import FixedClock


def _prepare(data_dir: Path, cases: int) -> None:
    import hashlib
    from dataclasses import replace

    from desktop.services.casework.cases import prepare_registration, register_case
    from desktop.services.casework.records import CaseDraft, MaterialDraft, SignatureInput
    from desktop.services.context import ServiceContext
    from desktop.services.station import setup_station

    ctx = ServiceContext.open(data_dir, FixedClock.on(date(2026, 11, 23)))
    # with a clerk's password, so the data key exists without a keyring (the probe opens the list without it)
    setup_station(
        ctx, code="BM01", name="基准测试代办站", village="基准村", town="基准镇", clerk="测试员", password="bench-mima"
    )
    item = ctx.catalog.items[0]
    materials = tuple(MaterialDraft(m.name, m.original, m.copies, m.required, True) for m in item.materials)
    for i in range(cases):
        draft = CaseDraft("agency", item.code, f"村民{i}", "11010519491231002X", "13800138000", materials=materials)
        sha = prepare_registration(ctx, draft).content_sha256
        signed = tuple(
            SignatureInput(name, role, hashlib.sha256(name.encode()).hexdigest(), sha)
            for name, role in ((f"村民{i}", "委托人"), ("测试员", "代办员"))
        )
        register_case(ctx, replace(draft, signatures=signed))
    ctx.close()


def app_start_ms(data_dir: Path) -> float:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "QT_LOGGING_RULES": "qt.qpa.*=false",
    }
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.startup_probe", str(data_dir)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    proc.wait(timeout=60)
    if line.strip() != "READY":
        raise RuntimeError("startup probe failed")
    return elapsed


ROOT = Path(__file__).resolve().parent.parent


def bundle_executable() -> Path | None:
    """The executable ``bash .ci/bundle`` built (build/dist/daibantong-<version>/daibantong), if there is one."""
    from sync import __version__

    folder = ROOT / "build" / "dist" / f"daibantong-{__version__}"
    for name in ("daibantong", "daibantong.exe"):
        if (folder / name).is_file():
            return folder / name
    return None


def window_start_s(command: list[str], data_dir: Path, timeout: float = 60.0) -> tuple[float, str, float]:
    """Seconds from spawning ``command`` until its first window (login, on a set-up station) is on screen.

    The app writes the wall-clock time the window was exposed to ``--ready-file``; it is then stopped.
    Returns (seconds, window class, CPU seconds of the process: less sensitive to a busy machine).
    """
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "QT_LOGGING_RULES": "qt.qpa.*=false",
    }
    ready = data_dir.parent / f"ready-{time.monotonic_ns()}.txt"
    start = time.time()
    proc = subprocess.Popen(
        [*command, "--data-dir", str(data_dir), "--ready-file", str(ready)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + timeout
        while not ready.exists() or not ready.read_text(encoding="utf-8").endswith("\n"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"no window from {command[0]} (exit {proc.returncode})")
            time.sleep(0.005)
        at, window = ready.read_text(encoding="utf-8").split()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ready.unlink(missing_ok=True)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    return float(at) - start, window, cpu.ru_utime + cpu.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 1_048_576


def _bundle_figures(data_dir: Path) -> Iterator[dict[str, Any]]:
    from desktop.services import accounts
    from desktop.services.context import ServiceContext
    from desktop.services.station import setup_station

    exe = bundle_executable()
    if exe is None:
        note = "no bundle in build/dist: run `bash .ci/bundle` first"
        yield {"name": "bundle_start_to_window_s", "value": None, "unit": "s", "target": 2.0, "skipped": note}
        return
    # A set-up station with a clerk account: the first window is the login, as on every start at a station.
    ctx = ServiceContext.open(data_dir)
    setup_station(ctx, code="BM02", name="基准测试代办站", village="基准村", town="基准镇", clerk="测试员")
    accounts.create_clerk(ctx, "ceshi", "测试员", "bench-password-1")
    ctx.close()
    source = [sys.executable, "-m", "desktop"]
    window_start_s([str(exe)], data_dir)  # warm the OS file cache, as on a PC that has run the app before
    bundle, window, cpu = min(window_start_s([str(exe)], data_dir) for _ in range(5))
    window_start_s(source, data_dir)
    from_source, _, source_cpu = min(window_start_s(source, data_dir) for _ in range(5))
    yield figure(
        "bundle_start_to_window_s",
        bundle,
        "s",
        2.0,
        window=window,
        cpu_s=round(cpu, 3),
        from_source_s=round(from_source, 3),
        from_source_cpu_s=round(source_cpu, 3),
    )
    yield figure("bundle_size_mb", _size_mb(exe.parent), "MB", None, files=sum(1 for _ in exe.parent.rglob("*")))


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield from _bundle_figures(Path(tmp) / "bundle-station")
        data_dir = Path(tmp) / "station"
        _prepare(data_dir, cases=50)
        app_start_ms(data_dir)  # warm the OS file cache once, as on a PC that has run the app before
        best = min(app_start_ms(data_dir) for _ in range(3))
        yield figure("app_start_to_usable_window", best, "ms", 2000, cases=50)
