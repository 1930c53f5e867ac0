"""A station enrolled before the signing keys, never online since, learns the center's key by USB and a phone call.

It knows no center key, so its first export carries no key of its own (an older center would refuse the
second signature line). The center's return file (real ``export-file``) names the center's key: the
station starts signing its exports and keeps the center's key pending. The clerk types the fingerprint the
center's stations page shows (real HTTP), as the center reads it to him by phone; a wrong one changes
nothing. From then on a "center decision" forged with the token hash from the center's database is
refused, with or without a key of the forger's, and the center's genuine return file goes through.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing import signing_keys, transfer
from desktop.store import settings
from sync.domain.case_rules import CaseState
from sync.domain.clock import FixedClock
from sync.domain.errors import DomainError
from sync.protocol.transfer import CENTER_TO_STATION, Signer, key_fingerprint, write_transfer
from sync.server.services.center_events import center_events_after, record_center_event
from sync.server.services.signing_keys import confirm_station_key
from tests.desktop.conftest import TODAY, complete_draft
from tests.server_web.helpers import staff_as
from tests.sync.live_server import ServerHandle, center_cli, in_center

from .conftest import connect_station, token_hash


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    """Enrolled online once, by a release from before the keys: it kept no center key."""
    code = f"K{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "东坡村", "吴代办")
    with ctx.db.transaction() as session:
        settings.put(session, signing_keys.CENTER_KEY, {})
    yield ctx
    ctx.close()


def _manifest(path: Path) -> tuple[dict[str, object], list[str]]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return json.loads(archive.read("manifest.json")), archive.read("manifest.sig").decode().split()


def _cli(server: ServerHandle, *args: str) -> str:
    done = center_cli(server, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _export_back(server: ServerHandle, station_id: str, path: Path) -> str:
    """The center's return file (the real CLI); the fingerprint it prints for the operator."""
    out = _cli(server, "export-file", "--station-id", station_id, "--out", str(path))
    found = re.search(r"镇中心签名密钥指纹 ((?:\d{4} ){5}\d{4})", out)
    assert found, out
    return found.group(1)


def test_a_station_from_before_the_keys_learns_the_centers_by_usb_and_a_phone_call(
    station: ServiceContext, server: ServerHandle, tmp_path: Path
) -> None:
    ctx, db = station, server.database_url
    station_id = require_station(ctx).station_id
    first_case = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, first_case)
    first = tmp_path / "first.dbt"
    transfer.export_to_file(ctx, first)
    manifest, lines = _manifest(first)
    assert "signing_public_key" not in manifest and len(lines) == 1  # what a center from before the keys reads
    assert "待主任确认" not in _cli(server, "import-file", str(first))

    # the center's return file names its key; one signature line, since the station never showed it reads two
    in_center(db, lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": first_case}, "窗口"))
    back = tmp_path / "back.dbt"
    printed = _export_back(server, station_id, back)
    manifest, lines = _manifest(back)
    assert key_fingerprint(str(manifest["signing_public_key"])) == printed and len(lines) == 1
    page = staff_as(server, "supervisor").get("/stations").text  # any staff sees it, to read it out by phone
    assert f'id="center-fingerprint">{printed}<' in page

    transfer.import_from_file(ctx, back)
    assert get_case(ctx, first_case).state is CaseState.IN_PROGRESS
    shown = signing_keys.center_fingerprint(ctx)
    assert shown.pending and shown.fingerprint == printed
    assert signing_keys.import_key(ctx) is None  # not trusted before the phone call

    # its next export carries its key, signed with it: the center keeps it pending, as for any USB-only station
    second_case = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, second_case)
    second = tmp_path / "second.dbt"
    transfer.export_to_file(ctx, second)
    manifest, lines = _manifest(second)
    own = signing_keys.fingerprint(ctx).fingerprint
    assert key_fingerprint(str(manifest["signing_public_key"])) == own and len(lines) == 2
    assert f"指纹 {own}" in _cli(server, "import-file", str(second))

    # the clerk types the fingerprint read to him: a wrong one changes nothing
    wrong = printed[:-1] + str((int(printed[-1]) + 3) % 10)
    with pytest.raises(DomainError, match="指纹不符"):
        signing_keys.confirm_center_key(ctx, wrong)
    assert signing_keys.import_key(ctx) is None and signing_keys.center_fingerprint(ctx).pending
    signing_keys.confirm_center_key(ctx, printed)
    assert signing_keys.import_key(ctx) is not None and not signing_keys.center_fingerprint(ctx).pending

    # whoever holds a copy of the center's database forges a "center decision": refused, the case unchanged
    in_center(db, lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": second_case}, "窗口"))
    decisions = in_center(db, lambda s: center_events_after(s, station_id, 0))
    for signer in (
        Signer(token_hash(db, station_id)),
        Signer(token_hash(db, station_id), Ed25519PrivateKey.generate()),  # with a key of the forger's own
    ):
        forged = tmp_path / "forged.dbt"
        forged.write_bytes(
            write_transfer(
                direction=CENTER_TO_STATION,
                station_id=station_id,
                events=decisions,
                key=signer,
                created_at=ctx.clock.stamp(),
            )
        )
        with pytest.raises(Exception, match="签名不符"):
            transfer.import_from_file(ctx, forged)
        assert get_case(ctx, second_case).state is CaseState.DELIVERED
        assert signing_keys.import_key(ctx) is not None and not signing_keys.center_fingerprint(ctx).pending

    # the director registers the station's key too; the center's genuine file goes through and says so
    in_center(db, lambda s: confirm_station_key(s, station_id, own))
    genuine = tmp_path / "genuine.dbt"
    _export_back(server, station_id, genuine)
    assert len(_manifest(genuine)[1]) == 2
    assert not signing_keys.fingerprint(ctx).registered
    transfer.import_from_file(ctx, genuine)
    assert get_case(ctx, second_case).state is CaseState.IN_PROGRESS
    assert signing_keys.fingerprint(ctx).registered  # learned from the signed file, without going online
    center = signing_keys.center_key(ctx).public_key
    assert center is not None and key_fingerprint(center.public_bytes_raw().hex()) == printed
