"""新版本可用: station releases the town center publishes, learned at each sync (or from a USB return file).

The center offers the newest release for this PC's platform (``current_platform``) with the manifest it
signed (``sync.protocol.releases``). It is kept only when the center key this station already trusts
(``signing_keys.center_key``: learned online or confirmed by fingerprint) signed it and it is newer than the
running version; anything else is refused with a Chinese message kept in the update state and the log.
The file then downloads in the background (during the sync, off the GUI thread) into
``<data dir>/updates``, resuming after a cut link, and counts only when its SHA-256 is the manifest's.
The clerk's click (安装) asks for the install at the next start (``update_install``).

State: the settings row ``station_update`` = ``{"release": <signed release>, "downloaded": <file name> | "",
"install_requested": bool, "error": <last refusal or download problem> | "", "result": <what the last
install did> | ""}``.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sync
from desktop.store import settings
from sync.client.client import SyncClient
from sync.client.errors import SyncError
from sync.client.releases import release_path
from sync.domain.errors import DomainError
from sync.domain.releases import is_newer, size_text
from sync.protocol.releases import ReleaseManifest, SignedRelease, parse_signed_release, verify_release

from ..context import ServiceContext
from . import signing_keys

log = logging.getLogger(__name__)

STATE = "station_update"
FOLDER = "updates"
#: One ranged read of the download: ~30 s at 64 kbit/s, so a cut link loses at most that (as the scans' chunks).
DOWNLOAD_CHUNK = 256 * 1024


def current_platform() -> str:
    """``windows`` on Windows, else the 信创 Linux package (``linux-deb``)."""
    return "windows" if sys.platform == "win32" else "linux-deb"


def updates_folder(ctx: ServiceContext) -> Path:
    return ctx.db.data_dir / FOLDER


@dataclass(frozen=True)
class UpdateOffer:
    """What the window shows: 新版本可用 X.Y.Z, its notes, whether it is ready and whether the clerk asked."""

    version: str
    notes: str
    size: int
    downloaded: bool
    install_requested: bool
    error: str
    manifest: ReleaseManifest

    @property
    def banner(self) -> str:
        if self.install_requested:
            return f"新版本 {self.version} 将在下次启动代办通时安装（安装前自动备份）"
        if self.downloaded:
            return f"新版本可用 {self.version}（已下载 {size_text(self.size)}）"
        return f"新版本可用 {self.version}（正在后台下载 {size_text(self.size)}）"


def _state(ctx: ServiceContext) -> dict[str, Any]:
    with ctx.db.reading() as session:
        value = settings.get(session, STATE)
    return dict(value) if isinstance(value, dict) else {}


def _put(ctx: ServiceContext, **changes: Any) -> None:
    with ctx.db.transaction() as session:
        value = settings.get(session, STATE)
        state = dict(value) if isinstance(value, dict) else {}
        state.update(changes)
        settings.put(session, STATE, state)


def _trusted(ctx: ServiceContext, raw: object) -> ReleaseManifest:
    """The manifest of ``raw`` when the trusted center key signed it; ``DomainError`` else."""
    signed = parse_signed_release(raw)
    return verify_release(signing_keys.center_key(ctx).public_key, signed)


def offer(ctx: ServiceContext, signed: SignedRelease | None, *, running: str = sync.__version__) -> UpdateOffer | None:
    """Keep the release the center offers when its signature holds and it is newer than ``running``; a refusal
    is kept (Chinese) and logged, and an offer already held is left as it was."""
    if signed is None:
        return current_offer(ctx, running=running)
    raw = signed.model_dump()
    try:
        manifest = _trusted(ctx, raw)
        if manifest.platform != current_platform():
            raise DomainError(f"镇中心提供的是{manifest.platform}的安装文件，不适用于本机")
    except DomainError as exc:
        log.warning("station release refused: %s", exc.message)
        _put(ctx, error=exc.message)
        return current_offer(ctx, running=running)
    if not is_newer(manifest.version, running):
        return current_offer(ctx, running=running)
    held = _state(ctx).get("release")
    if not (isinstance(held, dict) and held.get("manifest", {}).get("sha256") == manifest.sha256):
        log.info("station release %s offered by the center", manifest.version)
        _put(ctx, release=raw, downloaded="", install_requested=False, error="")
    return current_offer(ctx, running=running)


def current_offer(ctx: ServiceContext, *, running: str = sync.__version__) -> UpdateOffer | None:
    """The release held, verified again, when it is newer than ``running``; None else."""
    state = _state(ctx)
    if not state.get("release"):
        return None
    try:
        manifest = _trusted(ctx, state["release"])
    except DomainError:
        return None
    if not is_newer(manifest.version, running):
        return None
    downloaded = bool(state.get("downloaded")) and release_path(updates_folder(ctx), manifest).exists()
    return UpdateOffer(
        manifest.version,
        manifest.notes,
        manifest.size,
        downloaded,
        bool(state.get("install_requested")) and downloaded,
        str(state.get("error") or ""),
        manifest,
    )


def last_result(ctx: ServiceContext) -> str:
    """What the last install at start did (shown once in the status bar), "" when nothing."""
    return str(_state(ctx).get("result") or "")


def clear_result(ctx: ServiceContext) -> None:
    _put(ctx, result="")


def refusal(ctx: ServiceContext) -> str:
    return str(_state(ctx).get("error") or "")


def unfinished(ctx: ServiceContext, *, running: str = sync.__version__) -> bool:
    """Whether a trusted release is held whose file is not yet downloaded (the next sync resumes it)."""
    held = current_offer(ctx, running=running)
    return held is not None and not held.downloaded


def check_and_download(
    ctx: ServiceContext, client: SyncClient, *, running: str = sync.__version__
) -> UpdateOffer | None:
    """During a sync: learn the latest release of this platform, keep it if trusted, and download it (resuming
    where a cut link stopped). A problem is kept in the update state and never fails the sync."""
    try:
        held = offer(ctx, client.latest_release(current_platform()), running=running)
        if held is None or held.downloaded:
            return held
        client.download_release(held.manifest, updates_folder(ctx), chunk_size=DOWNLOAD_CHUNK)
    except (SyncError, DomainError, OSError) as exc:
        message = getattr(exc, "message", None) or f"新版本下载未完成：{exc}"
        log.warning("station release not downloaded: %s", message)
        _put(ctx, error=message)
        return current_offer(ctx, running=running)
    mark_downloaded(ctx, held.manifest)
    log.info("station release %s downloaded and verified", held.version)
    return current_offer(ctx, running=running)


def mark_downloaded(ctx: ServiceContext, manifest: ReleaseManifest) -> None:
    """The verified file of ``manifest`` is in the updates folder."""
    _put(ctx, downloaded=release_path(updates_folder(ctx), manifest).name, error="")


def take_file(ctx: ServiceContext, signed: object, content: bytes, *, running: str = sync.__version__) -> str:
    """A release that came in a USB return file: verified like one from the sync; a message for the clerk."""
    manifest = _trusted(ctx, signed)
    if manifest.platform != current_platform() or not is_newer(manifest.version, running):
        return ""
    if len(content) != manifest.size or hashlib.sha256(content).hexdigest() != manifest.sha256:
        raise DomainError("U盘文件中的新版本安装文件与镇中心签发的校验值不符，已拒收")
    folder = updates_folder(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    target = release_path(folder, manifest)
    temp = target.with_suffix(".part")
    temp.write_bytes(content)
    temp.replace(target)
    _put(ctx, release=parse_signed_release(signed).model_dump(), downloaded=target.name, error="")
    return f"收到新版本 {manifest.version}，可在窗口上方点“安装”"


def request_install(ctx: ServiceContext) -> str:
    """The clerk's 安装: the install runs at the next start (after a backup, with nothing unsent)."""
    held = current_offer(ctx)
    if held is None or not held.downloaded:
        raise DomainError("新版本尚未下载完成，请稍后再试")
    _put(ctx, install_requested=True)
    return f"新版本 {held.version} 将在下次启动代办通时安装：请关闭代办通后重新打开"


def cancel_install(ctx: ServiceContext) -> None:
    _put(ctx, install_requested=False)
