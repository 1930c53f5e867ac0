"""Installing a downloaded station release at the start of the app, after the clerk clicked 安装.

Only when nothing is unsent (a sync is tried first; what the center has not confirmed stays in the outbox
until it has) and after a backup of the station database (``升级前备份``). The platform's own step runs
behind ``PlatformStep`` so tests can substitute it:

* Windows (``WindowsStep``): the per-user Inno Setup installer with ``/SILENT /SUPPRESSMSGBOXES /NORESTART``
  into the folder the app runs from, after a copy of that folder is kept in ``<data dir>/updates/previous``;
* 信创 Linux (``DebStep``): ``pkexec dpkg -i`` of the ``.deb`` (or, without pkexec, the command to type),
  the package of the running version kept for a rollback when it came as an update.

Then the installed program's own ``--self-test`` decides: passed, the new version starts; failed, the
previous program is put back (``rollback``) and the clerk is told so in Chinese. The data folder is never
touched by either step. Neither step could be run on Windows or a 信创 PC here (docs/packaging.md).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import sync
from desktop.store import backup as backup_store
from sync.client.releases import release_path
from sync.domain.errors import DomainError

from ..context import ServiceContext
from ..safety import backup
from . import updates
from .center_sync import outbox

log = logging.getLogger(__name__)

SELF_TEST_SECONDS = 300
INSTALL_SECONDS = 900
#: Under ``<data dir>/updates``: the package of the running version, when it came as an update (Linux rollback).
KEPT_PACKAGE = "installed-package"


class InstallFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlatformStep(Protocol):
    """How this platform installs a release file, checks the installed program and puts the old one back."""

    def install(self, package: Path) -> None:
        """Install ``package`` over the running program's installation; ``InstallFailed`` (Chinese) else."""

    def self_test(self, outdir: Path) -> bool:
        """Whether the installed program's ``--self-test`` passed."""

    def rollback(self) -> str:
        """Put the previous program back; what was done, in Chinese."""


@dataclass(frozen=True)
class InstallResult:
    message: str
    installed: bool = False
    rolled_back: bool = False
    postponed: bool = False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _unsent(ctx: ServiceContext) -> int:
    return outbox(ctx).events


def apply_pending_update(
    ctx: ServiceContext,
    step: PlatformStep | None,
    *,
    push: Callable[[], object] | None = None,
    running: str = sync.__version__,
) -> InstallResult | None:
    """At start: install the release the clerk asked for, if it is still sound, nothing is unsent (after
    ``push`` tried) and the backup is made; None when no install was asked for."""
    held = updates.current_offer(ctx, running=running)
    if held is None or not held.install_requested:
        return None
    version = held.version
    if step is None:
        return _done(ctx, InstallResult("从源代码运行的代办通不能自动安装新版本，请用安装程序安装", postponed=True))
    package = release_path(updates.updates_folder(ctx), held.manifest)
    if _sha256(package) != held.manifest.sha256:
        package.unlink(missing_ok=True)
        updates._put(ctx, downloaded="", install_requested=False)
        return _done(ctx, InstallResult("新版本安装文件已被改动，已删除；下次同步时重新下载"))
    unsent = _unsent(ctx)
    if unsent and push is not None:
        try:
            push()
        except Exception as exc:  # noqa: BLE001 - any failure only leaves the work unsent: counted below
            log.info("sync before the update did not finish: %s", type(exc).__name__)
        unsent = _unsent(ctx)
    if unsent:
        message = f"还有 {unsent} 条记录未上传镇中心，新版本 {version} 暂不安装；同步完成后，下次启动时再安装"
        return _done(ctx, InstallResult(message, postponed=True))
    try:
        made = backup.backup_now(ctx, backup_store.BEFORE_MIGRATION)
    except (DomainError, OSError) as exc:
        reason = getattr(exc, "message", None) or str(exc)
        return _done(ctx, InstallResult(f"安装新版本前的备份未完成（{reason}），新版本暂不安装", postponed=True))
    log.info("installing station release %s after backup %s", version, made.path.name)
    try:
        step.install(package)
    except InstallFailed as exc:
        updates._put(ctx, install_requested=False)
        return _done(ctx, InstallResult(f"新版本 {version} 未能安装（{exc.message}），仍使用原版本 {running}"))
    with tempfile.TemporaryDirectory(prefix="daibantong-selftest-") as outdir:
        passed = step.self_test(Path(outdir))
    if not passed:
        restored = step.rollback()
        log.error("station release %s failed its self-test: rolled back", version)
        updates._put(ctx, install_requested=False, failed=held.manifest.sha256)
        message = f"新版本 {version} 自检未通过，{restored}，继续使用原版本 {running}；数据未受影响（安装前已备份）"
        return _done(ctx, InstallResult(message, rolled_back=True))
    updates._put(ctx, release=None, downloaded="", install_requested=False, error="")
    _keep_installed(ctx, package)
    return _done(ctx, InstallResult(f"已安装新版本 {version}（安装前已备份）", installed=True))


def _keep_installed(ctx: ServiceContext, package: Path) -> None:
    """The package now installed, kept (alone) for the rollback of the next update (``DebStep``)."""
    kept = updates.updates_folder(ctx) / KEPT_PACKAGE
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True, exist_ok=True)
    try:
        package.replace(kept / package.name)
    except OSError:
        package.unlink(missing_ok=True)


def _done(ctx: ServiceContext, result: InstallResult) -> InstallResult:
    updates._put(ctx, result=result.message)
    (log.info if result.installed else log.warning)("update at start: %s", result.message)
    return result


def _self_test(executable: Path, outdir: Path) -> bool:
    try:
        done = subprocess.run(
            [str(executable), "--self-test", str(outdir)], capture_output=True, timeout=SELF_TEST_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("self-test of the installed program did not run: %s", exc)
        return False
    return done.returncode == 0


class WindowsStep:
    """The per-user Inno Setup installer (packaging/windows), run silently into the folder the app runs from."""

    def __init__(self, install_dir: Path, keep_dir: Path) -> None:
        self.install_dir = install_dir
        self.keep_dir = keep_dir
        self.executable = install_dir / "daibantong.exe"

    def install(self, package: Path) -> None:
        shutil.rmtree(self.keep_dir, ignore_errors=True)
        shutil.copytree(self.install_dir, self.keep_dir)
        command = [str(package), "/SILENT", "/SUPPRESSMSGBOXES", "/NORESTART", f"/DIR={self.install_dir}"]
        try:
            done = subprocess.run(command, timeout=INSTALL_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InstallFailed(f"安装程序未能运行：{exc}") from exc
        if done.returncode != 0:
            raise InstallFailed(f"安装程序返回错误代码 {done.returncode}")

    def self_test(self, outdir: Path) -> bool:
        return _self_test(self.executable, outdir)

    def rollback(self) -> str:
        try:
            shutil.copytree(self.keep_dir, self.install_dir, dirs_exist_ok=True)
        except OSError as exc:
            return f"未能恢复原程序（{exc}），请用原版本的安装程序重新安装"
        return "已恢复原程序"


class DebStep:
    """The 信创 Linux package: ``pkexec dpkg -i``; the previous version's package, when kept, for a rollback."""

    def __init__(self, executable: Path, previous_package: Path | None) -> None:
        self.executable = executable
        self.previous = previous_package

    def _dpkg(self, package: Path) -> None:
        pkexec = shutil.which("pkexec")
        if pkexec is None:
            raise InstallFailed(f"本机没有 pkexec，请在终端运行：sudo dpkg -i {package}")
        try:
            done = subprocess.run([pkexec, "dpkg", "-i", str(package)], timeout=INSTALL_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InstallFailed(f"安装未能运行：{exc}") from exc
        if done.returncode != 0:
            raise InstallFailed(f"dpkg 返回错误代码 {done.returncode}（未输入管理员密码，或安装包不适用于本机）")

    def install(self, package: Path) -> None:
        self._dpkg(package)

    def self_test(self, outdir: Path) -> bool:
        return _self_test(self.executable, outdir)

    def rollback(self) -> str:
        if self.previous is None or not self.previous.exists():
            return "本机没有原版本的安装包，请向镇中心索取原版本后用 sudo dpkg -i 重新安装"
        try:
            self._dpkg(self.previous)
        except InstallFailed as exc:
            return f"未能恢复原程序（{exc.message}）"
        return "已恢复原程序"


def platform_step(ctx: ServiceContext) -> PlatformStep | None:
    """The step of this PC; None when the app runs from source (not an installed bundle)."""
    if not getattr(sys, "frozen", False):
        return None
    executable = Path(sys.executable)
    if sys.platform == "win32":
        return WindowsStep(executable.parent, updates.updates_folder(ctx) / "previous")
    kept = sorted((updates.updates_folder(ctx) / KEPT_PACKAGE).glob("*.deb"))
    return DebStep(executable, kept[0] if kept else None)
