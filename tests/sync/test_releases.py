"""Station releases: the center publishes one (CLI, hostile input refused in Chinese), a station learns of it,
checks the signature against the center key it trusts and downloads it over a cut link that resumes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.client.client import SyncClient
from sync.client.errors import ChainMismatch, SyncError
from sync.client.releases import part_path, release_path
from sync.domain.errors import DomainError
from sync.domain.releases import is_newer, parse_version, version_key
from sync.protocol.releases import UNSIGNED, ReleaseManifest, SignedRelease, sign_release, verify_release
from sync.protocol.transfer import new_private_key, public_key_from_hex

from .conftest import enroll_station
from .fault_proxy import CuttingProxy
from .live_server import ServerHandle, center_cli, serving

FIXED_TIME_ENV = "DAIBANTONG_FIXED_TIME"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def center(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """A center of its own (releases are center-wide: other tests' servers never see these)."""
    key_file = tmp_path_factory.mktemp("keys") / "center.pem"
    with serving(request.param, tmp_path_factory, env={"DAIBANTONG_SIGNING_KEY_FILE": str(key_file)}) as handle:
        yield handle


def installer(tmp_path: Path, name: str, size: int, seed: int = 0) -> Path:
    path = tmp_path / name
    block = hashlib.sha256(f"{name}-{seed}".encode()).digest()
    path.write_bytes((block * (size // len(block) + 1))[:size])
    return path


def publish(server: ServerHandle, path: Path, version: str, platform: str = "windows", notes: str = "修复若干问题"):
    return center_cli(
        server, "publish-release", str(path), "--version", version, "--platform", platform, "--notes", notes
    )


def test_versions_compare_number_by_number() -> None:
    assert is_newer("1.10.0", "1.9.3") and not is_newer("1.9.3", "1.10.0") and not is_newer("1.3.0", "1.3.0")
    assert version_key("1.10.0") > version_key("1.9.3")
    assert not is_newer("2.0", "1.0.0") and not is_newer("1.0.0", "dev")
    for bad in ("1.3", "v1.3.0", "01.2.3", "1.2.3-beta", "1.2.3.4", " ", "１.２.３"):
        with pytest.raises(DomainError, match="版本号"):
            parse_version(bad)


def test_a_forged_or_altered_manifest_is_refused() -> None:
    center, other = new_private_key(), new_private_key()
    manifest = ReleaseManifest(
        version="1.3.0", platform="windows", size=10, sha256="a" * 64, notes="说明", published_at="2026-12-06T00:00:00Z"
    )
    good = sign_release(center, manifest)
    assert verify_release(center.public_key(), good) == manifest
    with pytest.raises(DomainError, match=UNSIGNED):
        verify_release(center.public_key(), sign_release(other, manifest))
    altered = SignedRelease(manifest=manifest.model_copy(update={"sha256": "b" * 64}), signature=good.signature)
    with pytest.raises(DomainError, match=UNSIGNED):
        verify_release(center.public_key(), altered)
    with pytest.raises(DomainError, match="签名密钥"):
        verify_release(None, good)


def test_publish_cli_and_its_refusals(center: ServerHandle, tmp_path: Path) -> None:
    good = installer(tmp_path, "daibantong-setup-1.3.0.exe", 5000)
    made = publish(center, good, "1.3.0")
    assert made.returncode == 0, made.stderr
    assert "已发布Windows 安装程序 1.3.0" in made.stdout
    listed = center_cli(center, "list-releases")
    assert "windows\t1.3.0" in listed.stdout

    refusals = {
        ("1.3", "windows", good.name): "版本号“1.3”格式不正确",
        ("1.3.0", "windows", good.name): "已发布过版本 1.3.0",
        ("1.2.9", "windows", "old.exe"): "已发布较新的版本 1.3.0",
        ("1.4.0", "macos", good.name): "平台“macos”不正确",
        ("1.4.0", "linux-deb", good.name): "应为 .deb 文件",
        ("1.4.0", "windows", "same-bytes.exe"): "同一个安装文件已作为另一版本发布过",
    }
    for (version, platform, name), message in refusals.items():
        path = tmp_path / name
        if not path.exists():
            path.write_bytes(good.read_bytes() if name == "same-bytes.exe" else b"older")
        refused = publish(center, path, version, platform)
        assert refused.returncode == 1 and message in refused.stderr, (message, refused.stderr)
        assert "Traceback" not in refused.stderr

    huge = tmp_path / "huge.exe"
    with huge.open("wb") as out:  # sparse: nothing of it is read before the size is refused
        out.truncate(401 * 1024 * 1024)
    refused = publish(center, huge, "1.5.0")
    assert refused.returncode == 1 and "安装文件过大" in refused.stderr
    missing = publish(center, tmp_path / "missing.exe", "1.5.0")
    assert missing.returncode == 1 and "找不到安装文件" in missing.stderr
    control = publish(center, installer(tmp_path, "ctl.exe", 100), "1.5.0", notes="坏\x07说明")
    assert control.returncode == 1 and "控制字符" in control.stderr
    assert "windows\t1.3.0" in center_cli(center, "list-releases").stdout
    assert "1.5.0" not in center_cli(center, "list-releases").stdout


def test_station_learns_verifies_and_downloads_over_a_cut_link(center: ServerHandle, tmp_path: Path) -> None:
    deb = installer(tmp_path, "daibantong_2.0.0_amd64.deb", 300_000, seed=1)
    assert publish(center, deb, "2.0.0", "linux-deb", "新增：更新自动下载").returncode == 0
    station = enroll_station(center)
    trusted = public_key_from_hex(station.client.center_signing_key)
    offered = station.client.latest_release("linux-deb")
    assert offered is not None
    manifest = verify_release(trusted, offered)
    assert (manifest.version, manifest.size, manifest.notes) == ("2.0.0", deb.stat().st_size, "新增：更新自动下载")
    assert manifest.sha256 == hashlib.sha256(deb.read_bytes()).hexdigest()

    proxy = CuttingProxy(center.port, seed=7, cut_rate=1.0, max_offset=2000, max_offset_down=90_000)
    try:
        cut = SyncClient(proxy.url, token=station.client.token, allow_http=True, timeout=(5, 10))
        folder = tmp_path / "updates"
        failures, sizes = 0, []
        for _ in range(200):
            try:
                done = cut.download_release(manifest, folder, chunk_size=32 * 1024)
                break
            except SyncError:
                failures += 1
                part = part_path(folder, manifest)
                sizes.append(part.stat().st_size if part.exists() else 0)
        else:
            pytest.fail("download never finished")
    finally:
        proxy.stop()
    assert failures > 0 and proxy.cuts > 0  # the link was really cut
    assert sizes == sorted(sizes) and sizes[-1] > 0  # each try went on from where the last stopped
    assert done == release_path(folder, manifest) and done.read_bytes() == deb.read_bytes()
    assert not part_path(folder, manifest).exists()


def test_a_file_that_does_not_match_its_manifest_is_deleted(center: ServerHandle, tmp_path: Path) -> None:
    station = enroll_station(center)
    offered = station.client.latest_release("linux-deb") or station.client.latest_release("windows")
    assert offered is not None
    lying = offered.manifest.model_copy(update={"sha256": "c" * 64})
    with pytest.raises(SyncError):  # the center has no file under that hash
        station.client.download_release(lying, tmp_path)
    wrong = tmp_path / f"{offered.manifest.sha256}.part"
    wrong.write_bytes(b"\0" * (offered.manifest.size - 10))  # a part file someone tampered with
    with pytest.raises(ChainMismatch, match="校验值不符"):
        station.client.download_release(offered.manifest, tmp_path)
    assert not wrong.exists() and not release_path(tmp_path, offered.manifest).exists()
    assert station.client.download_release(offered.manifest, tmp_path).exists()  # the next try starts over


def test_no_release_and_unknown_platform(center: ServerHandle) -> None:
    station = enroll_station(center)
    assert station.client.latest_release("nothing-here") is None
    headers = {"Authorization": f"Bearer {station.client.token}"}
    for garbage in ("\x1b8\x8a\x00K", "windows\x00", "' OR 1=1 --"):  # a NUL once made PostgreSQL answer 500
        reply = requests.get(
            center.url + "/api/v1/releases/latest", params={"platform": garbage}, headers=headers, timeout=30
        )
        assert reply.status_code == 200 and reply.json()["release"] is None, garbage


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migration_0113_matches_the_release_models(backend: str, tmp_path: Path) -> None:
    from contextlib import nullcontext

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sync.server.core.db import make_engine
    from sync.server.core.migrate import upgrade_head
    from sync.server.core.models import Base
    from tests.conftest import require_postgres

    from .live_server import postgres_schema_url, sqlite_url

    tables = {"station_releases", "station_release_chunks"}

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in tables

    urls = nullcontext(sqlite_url(tmp_path)) if backend == "sqlite" else postgres_schema_url(require_postgres())
    with urls as url:
        engine = make_engine(url)
        try:
            upgrade_head(engine)
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"include_object": include})
                assert compare_metadata(context, Base.metadata) == []
        finally:
            engine.dispose()
