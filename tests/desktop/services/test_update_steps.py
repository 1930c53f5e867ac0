"""The platform steps of an update, run here with stand-ins for Inno Setup and the installed program
(shell scripts): what can be checked of them without Windows or pkexec."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from desktop.services.syncing.update_install import DebStep, InstallFailed, WindowsStep


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell for the stand-ins")
@pytest.mark.parametrize("passes", [True, False])
def test_windows_step_installs_keeps_the_old_folder_and_rolls_back(tmp_path: Path, passes: bool) -> None:
    install_dir = tmp_path / "Programs" / "代办通 1"  # a space and Chinese, as under a Chinese user name
    install_dir.mkdir(parents=True)
    script(install_dir / "daibantong.exe", "exit 0")
    (install_dir / "version.txt").write_text("old", encoding="utf-8")
    # the "installer": replaces the program with one whose self-test passes or fails
    installer = script(
        tmp_path / "setup.exe",
        'for a in "$@"; do case "$a" in /DIR=*) dir="${a#/DIR=}";; esac; done; echo new > "$dir/version.txt"; '
        f"printf '#!/bin/sh\\nexit {0 if passes else 3}\\n' > \"$dir/daibantong.exe\"",
    )
    step = WindowsStep(install_dir, tmp_path / "data" / "updates" / "previous")
    step.install(installer)
    assert (install_dir / "version.txt").read_text(encoding="utf-8").strip() == "new"
    assert step.self_test(tmp_path / "out") is passes
    if not passes:
        assert step.rollback() == "已恢复原程序"
        assert (install_dir / "version.txt").read_text(encoding="utf-8") == "old"
        assert step.self_test(tmp_path / "out")


def test_windows_step_reports_a_failing_installer(tmp_path: Path) -> None:
    install_dir = tmp_path / "app"
    install_dir.mkdir()
    step = WindowsStep(install_dir, tmp_path / "previous")
    with pytest.raises(InstallFailed, match="错误代码 5"):
        step.install(script(tmp_path / "setup.exe", "exit 5"))
    with pytest.raises(InstallFailed, match="未能运行"):
        step.install(tmp_path / "missing.exe")


def test_deb_step_without_pkexec_names_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    step = DebStep(tmp_path / "daibantong", None)
    with pytest.raises(InstallFailed, match="sudo dpkg -i"):
        step.install(tmp_path / "daibantong_1.3.0_amd64.deb")
    assert "原版本的安装包" in step.rollback()
