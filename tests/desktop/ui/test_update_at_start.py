"""新版本 at start: whatever goes wrong while installing, the station opens as it was and the clerk is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.context import ServiceContext
from desktop.services.syncing import update_install
from desktop.ui import application


def test_an_update_that_crashes_lets_the_station_start_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = ServiceContext.open(tmp_path / "data")

    def crashes(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the installer's folder vanished")

    monkeypatch.setattr(update_install, "apply_pending_update", crashes)
    started_new, note = application.install_requested_update(ctx)
    assert started_new is False
    assert note == application.UPDATE_CRASHED and "新版本没有装上" in note and "原版本" in note
    assert "the installer's folder vanished" in caplog.text  # the log keeps the cause
    ctx.close()


def test_no_pending_update_says_nothing(tmp_path: Path) -> None:
    ctx = ServiceContext.open(tmp_path / "data")
    assert application.install_requested_update(ctx) == (False, "")
    ctx.close()
