"""First run and the stable entry points of the station app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.services.context import ServiceContext
from desktop.services.station import current_station, setup_station
from desktop.ui.setup_dialog import SetupDialog

from .keyboard import type_text

ROOT = Path(__file__).resolve().parents[3]


def test_first_run_records_the_station(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = ServiceContext.open(tmp_path)
    dialog = SetupDialog(partial(setup_station, ctx))
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.code_edit, "qh01")
    type_text(qtbot, dialog.name_edit, "青禾村政务服务代办站")
    type_text(qtbot, dialog.village_edit, "青禾村")
    type_text(qtbot, dialog.town_edit, "")
    type_text(qtbot, dialog.clerk_edit, "李代办")
    dialog.submit()
    assert "请填写所属镇（街道）" in dialog.error_label.text()
    assert current_station(ctx) is None
    type_text(qtbot, dialog.town_edit, "青禾镇")
    dialog.submit()
    station = current_station(ctx)
    assert station is not None and station.code == "QH01" and station.town == "青禾镇"
    assert dialog.result() == SetupDialog.DialogCode.Accepted
    ctx.close()


def test_bad_station_code_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = ServiceContext.open(tmp_path)
    dialog = SetupDialog(partial(setup_station, ctx))
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.code_edit, "Q-1")
    dialog.submit()
    assert "代办站编码" in dialog.error_label.text()
    assert current_station(ctx) is None
    ctx.close()


def test_python_m_desktop_help_names_the_data_dir_option() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "desktop", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert "--data-dir" in out.stdout


def test_bench_prints_one_json_object_per_line(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-m", "bench", "desktop"], capture_output=True, text=True, cwd=ROOT, timeout=240, env=env
    )
    assert out.returncode == 0, out.stdout + out.stderr
    figures = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert figures and {"name", "value", "unit", "target"} <= set(figures[0])
    start = next(f for f in figures if f["name"] == "app_start_to_usable_window")
    assert 0 < start["value"] < 60_000
