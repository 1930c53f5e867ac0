"""A real station that never syncs online gets its signing key registered by fingerprint over the phone.

Enrolled over the network once, then only USB: its files carry its key, which the center's
``import-file`` keeps pending. The director types on the stations page (real HTTP) the fingerprint the
station's 代办站设置 shows; from then on a file forged with the token hash from the center's database is
refused, and the station's genuine files (and the center's return files) still go through.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing import signing_keys, transfer
from sync.domain.case_rules import CaseState
from sync.domain.clock import FixedClock
from sync.domain.events import new_event
from sync.protocol.transfer import FORGED, STATION_TO_CENTER, read_file, write_transfer
from sync.server.core.config import Settings
from sync.server.core.models import StationRow
from sync.server.core.signing import center_key, signing_key_path
from sync.server.services.center_events import record_center_event
from sync.server.services.errors import ServiceError
from sync.server.services.transfer import export_center_file, import_station_file
from tests.desktop.conftest import TODAY, complete_draft
from tests.server_web.helpers import staff_as
from tests.sync.live_server import ROOT, ServerHandle, in_center, row_counts

from .conftest import connect_station, token_hash


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    code = f"U{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "西岭村", "周代办")
    yield ctx
    ctx.close()


def _registered_key(database_url: str, station_id: str) -> str | None:
    return in_center(database_url, lambda s: s.get(StationRow, station_id).signing_public_key)


def test_a_usb_only_station_is_made_unforgeable_by_a_phone_call(
    station: ServiceContext, server: ServerHandle, tmp_path: Path
) -> None:
    ctx, db = station, server.database_url
    station_id = require_station(ctx).station_id
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, case_id)
    first = tmp_path / "first.dbt"
    transfer.export_to_file(ctx, first)  # no sync ever: the key goes in the file
    env = os.environ | {"DATABASE_URL": db}
    cli = [sys.executable, "-m", "sync.server", "import-file", str(first)]
    done = subprocess.run(cli, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    on_screen = signing_keys.fingerprint(ctx)  # what 代办站设置 shows the clerk
    assert not on_screen.registered and f"指纹 {on_screen.fingerprint}" in done.stdout
    assert _registered_key(db, station_id) is None  # imported on the HMAC, the key only pending

    director = staff_as(server, "director")
    assert on_screen.fingerprint in director.get("/stations").text
    reply = director.post(
        f"/stations/{station_id}/signing-key", {"fingerprint": on_screen.fingerprint, "shown": on_screen.fingerprint}
    )
    assert reply.status_code == 303, reply.text
    assert _registered_key(db, station_id) is not None

    # whoever holds a copy of the center's database forges the station's next event: refused, nothing stored
    stored = row_counts(db, station_id)["events"]
    forged = write_transfer(
        direction=STATION_TO_CENTER,
        station_id=station_id,
        events=[
            new_event(
                station_id=station_id,
                seq=stored + 1,
                type="case.withdraw",
                payload={"case_id": case_id, "reason": "伪造"},
                actor="伪造者",
                prev_hash=in_center(db, lambda s: s.get(StationRow, station_id).head_hash),
                occurred_at=ctx.clock.stamp(),
            )
        ],
        key=token_hash(db, station_id),
        created_at=ctx.clock.stamp(),
    )
    with pytest.raises(ServiceError) as caught:
        in_center(db, lambda s: import_station_file(s, forged))
    assert caught.value.message == FORGED and row_counts(db, station_id)["events"] == stored

    # the station's next genuine file goes through, and the center's return file still reaches it
    register_case(ctx, complete_draft(ctx))
    second = tmp_path / "second.dbt"
    transfer.export_to_file(ctx, second)
    result = in_center(db, lambda s: import_station_file(s, read_file(second)))
    assert result.accepted > 0 and not result.refused and not result.pending_fingerprint
    in_center(db, lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": case_id}, "窗口"))
    key = center_key(signing_key_path(Settings(database_url=db)))
    back = tmp_path / "to_station.dbt"
    back.write_bytes(in_center(db, lambda s: export_center_file(s, station_id, key)))
    transfer.import_from_file(ctx, back)
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS
