"""Station updates through sync: the center publishes version N+1, a station on N learns of it, downloads it
over a cut link that resumes, refuses a forged one, and installs the good one at start only with nothing
unsent and after a backup; a release that fails its self-test is rolled back; the center sees the version."""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import sync.client.client as client_module
from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.safety import backup, credential_store
from desktop.services.station import require_station
from desktop.services.syncing import center_sync, update_install, updates
from desktop.services.syncing.transfer import import_from_file
from desktop.store import backup as backup_store
from sync.client.client import SyncClient
from sync.client.errors import SyncError
from sync.domain.clock import FixedClock
from sync.domain.releases import PLATFORMS
from sync.protocol.releases import ReleaseManifest, sign_release
from sync.protocol.transfer import (
    CENTER_TO_STATION,
    STATION_TO_CENTER,
    TransferFormatError,
    new_private_key,
    read_transfer,
    signing_key,
    write_transfer,
)
from tests.desktop.conftest import TODAY, complete_draft
from tests.server_web.helpers import staff_as
from tests.sync.fault_proxy import CuttingProxy
from tests.sync.live_server import ServerHandle, center_cli

from .conftest import connect_station

RUNNING = "0.1.0"
NEXT = "0.2.0"


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[tuple[ServiceContext, str]]:
    code = f"U{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "城南村", "钱代办")
    yield ctx, code
    ctx.close()


def publish(server: ServerHandle, tmp_path: Path, version: str, seed: str) -> Path:
    suffix = ".exe" if updates.current_platform() == "windows" else ".deb"
    package = tmp_path / f"daibantong-{version}-{seed}{suffix}"
    package.write_bytes(hashlib.sha256(seed.encode()).digest() * 6000)  # 192 KB
    args = ["publish-release", str(package), "--version", version, "--platform", updates.current_platform()]
    done = center_cli(server, *args, "--notes", "新增：自动更新")
    assert done.returncode == 0, done.stderr
    return package


class FakeStep:
    """The platform step of a test: records what it was asked, passes or fails the self-test."""

    def __init__(self, passes: bool) -> None:
        self.passes = passes
        self.installed: list[bytes] = []
        self.rolled_back = False

    def install(self, package: Path) -> None:
        self.installed.append(package.read_bytes())

    def self_test(self, outdir: Path) -> bool:
        return self.passes

    def rollback(self) -> str:
        self.rolled_back = True
        return "已恢复原程序"


def _sync_through_cuts(ctx: ServiceContext, proxy: CuttingProxy) -> updates.UpdateOffer:
    real = center_sync.make_client(ctx)
    cut = SyncClient(proxy.url, token=real.token, allow_http=True, timeout=(5, 10))
    parts: list[int] = []
    for _ in range(200):
        with contextlib.suppress(SyncError):  # a cut push or pull: the next sync goes on
            center_sync.sync_now(ctx, client=cut)
        held = updates.current_offer(ctx, running=RUNNING)
        if held is not None and held.downloaded:
            assert parts and parts == sorted(parts) and parts[-1] > 0  # cut, then continued where it stopped
            return held
        part = updates.updates_folder(ctx) / f"{held.manifest.sha256}.part" if held else None
        parts.append(part.stat().st_size if part is not None and part.exists() else 0)
    pytest.fail("the release never finished downloading")


def test_published_release_reaches_the_station_and_installs_after_backup(
    station: tuple[ServiceContext, str], server: ServerHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, code = station
    center_sync.sync_now(ctx)  # handshake: the station learns the center's key
    assert updates.current_offer(ctx, running=RUNNING) is None
    package = publish(server, tmp_path, NEXT, code)

    # a forged offer (another key) is refused and kept as the reason, the good one is unaffected
    forged = sign_release(
        new_private_key(),
        ReleaseManifest(
            version="9.9.9",
            platform=updates.current_platform(),
            size=10,
            sha256="e" * 64,
            notes="伪造",
            published_at="2026-12-06T00:00:00Z",
        ),
    )
    assert updates.offer(ctx, forged, running=RUNNING) is None
    assert "签名不符" in updates.refusal(ctx)

    monkeypatch.setattr(updates, "DOWNLOAD_CHUNK", 16 * 1024)
    proxy = CuttingProxy(server.port, seed=3, cut_rate=0.7, max_offset=4000, max_offset_down=60_000)
    try:
        held = _sync_through_cuts(ctx, proxy)
    finally:
        proxy.stop()
    assert (held.version, held.notes, held.install_requested) == (NEXT, "新增：自动更新", False)
    assert held.banner.startswith(f"新版本可用 {NEXT}")
    assert proxy.cuts > 0

    # asked to install while a registration is unsent: nothing is installed until it reached the center
    monkeypatch.setattr(updates.sync, "__version__", RUNNING)
    register_case(ctx, complete_draft(ctx))
    assert "下次启动" in updates.request_install(ctx)
    step = FakeStep(passes=True)
    before = len(backup.list_backups(ctx))
    waiting = update_install.apply_pending_update(ctx, step, push=None, running=RUNNING)
    assert waiting is not None and waiting.postponed and "未上传镇中心" in waiting.message
    assert step.installed == [] and len(backup.list_backups(ctx)) == before

    done = update_install.apply_pending_update(ctx, step, push=lambda: center_sync.sync_now(ctx), running=RUNNING)
    assert done is not None and done.installed, done
    assert step.installed == [package.read_bytes()]
    made = backup.list_backups(ctx)
    assert len(made) == before + 1 and made[0].reason == backup_store.BEFORE_MIGRATION
    assert center_sync.status(ctx).pending == 0
    assert updates.current_offer(ctx, running=RUNNING) is None and updates.last_result(ctx).startswith("已安装新版本")

    # the new version greets the center: its stations page shows it
    monkeypatch.setattr(client_module, "__version__", NEXT)
    monkeypatch.setattr(client_module, "_GREETED", set())
    center_sync.sync_now(ctx)
    page = staff_as(server, "supervisor").get("/stations").text
    row = re.search(rf"<tr[^>]*>\s*<td>{code}</td>.*?</tr>", page, re.S)
    assert row and NEXT in row[0]
    assert "已发布的代办站新版本" in page and f"{PLATFORMS[updates.current_platform()]} {NEXT}" in page


def test_a_release_that_fails_its_self_test_is_rolled_back(
    station: tuple[ServiceContext, str], server: ServerHandle, tmp_path: Path
) -> None:
    ctx, code = station
    center_sync.sync_now(ctx)
    held = updates.current_offer(ctx, running=RUNNING)  # the module's server already has a release
    if held is None:
        publish(server, tmp_path, NEXT, code)
        center_sync.sync_now(ctx)
        held = updates.current_offer(ctx, running=RUNNING)
    assert held is not None and held.downloaded
    updates.request_install(ctx)
    step = FakeStep(passes=False)
    result = update_install.apply_pending_update(ctx, step, running=RUNNING)
    assert result is not None and result.rolled_back and step.rolled_back and step.installed
    assert "自检未通过" in result.message and f"原版本 {RUNNING}" in result.message
    after = updates.current_offer(ctx, running=RUNNING)
    assert after is not None and not after.install_requested  # not tried again at every start
    assert update_install.apply_pending_update(ctx, step, running=RUNNING) is None


def test_a_tampered_download_is_not_installed(
    station: tuple[ServiceContext, str], server: ServerHandle, tmp_path: Path
) -> None:
    ctx, code = station
    center_sync.sync_now(ctx)
    held = updates.current_offer(ctx, running=RUNNING)
    if held is None:
        publish(server, tmp_path, NEXT, code)
        center_sync.sync_now(ctx)
        held = updates.current_offer(ctx, running=RUNNING)
    assert held is not None and held.downloaded
    updates.request_install(ctx)
    file = next(updates.updates_folder(ctx).glob(f"{held.manifest.sha256}.*"))
    file.write_bytes(b"tampered" + file.read_bytes()[8:])
    step = FakeStep(passes=True)
    result = update_install.apply_pending_update(ctx, step, running=RUNNING)
    assert result is not None and "已被改动" in result.message and step.installed == []
    assert not file.exists()


def test_the_release_travels_on_a_usb_stick(
    station: tuple[ServiceContext, str], server: ServerHandle, tmp_path: Path
) -> None:
    """A station that never syncs: the center's return file carries the release; a forged one is refused."""
    ctx, code = station  # enrolled: it knows the center's key, but never synced
    station_id = require_station(ctx).station_id
    publish(server, tmp_path, "0.3.0", code)
    out = tmp_path / "return.dbt"
    args = ["export-file", "--station-id", station_id, "--out", str(out)]
    exported = center_cli(server, *args, "--with-release", updates.current_platform())
    assert exported.returncode == 0, exported.stderr
    wrong = center_cli(server, *args, "--with-release", "macos")
    assert wrong.returncode == 1 and "平台“macos”不正确" in wrong.stderr

    # first a forged release in an otherwise good return file: the records go in, the release does not
    forged = sign_release(
        new_private_key(),
        ReleaseManifest(
            version="0.4.0",
            platform=updates.current_platform(),
            size=4,
            sha256=hashlib.sha256(b"evil").hexdigest(),
            published_at="2026-12-06T00:00:00Z",
        ),
    )
    token = credential_store.load_token(ctx, station_id)
    assert token
    bad = tmp_path / "forged.dbt"
    bad.write_bytes(
        write_transfer(
            direction=CENTER_TO_STATION,
            station_id=station_id,
            events=[],
            key=signing_key(token),
            created_at="2026-12-06T00:00:00Z",
            release=(forged.model_dump_json().encode(), b"evil"),
        )
    )
    assert "签名不符" in import_from_file(ctx, bad).message
    assert updates.current_offer(ctx, running=RUNNING) is None

    changed = import_from_file(ctx, out)
    assert "收到新版本 0.3.0" in changed.message
    held = updates.current_offer(ctx, running=RUNNING)
    assert held is not None and held.version == "0.3.0" and held.downloaded


def test_a_station_file_cannot_carry_a_release() -> None:
    release = (b"{}", b"x")
    data = write_transfer(
        direction=STATION_TO_CENTER,
        station_id="s1",
        events=[],
        key=b"k" * 32,
        created_at="2026-12-06T00:00:00Z",
        release=release,
    )
    with pytest.raises(TransferFormatError, match="只有镇中心"):
        read_transfer(data, [b"k" * 32], direction=STATION_TO_CENTER)
