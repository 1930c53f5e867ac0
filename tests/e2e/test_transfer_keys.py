"""USB files between a real station and a real center once both know each other's signing key.

The station registers its key at its first sync (handshake over HTTP) and learns the center's. From
then on a file forged with the HMAC key (the token's hash, which a copy of the center's database
holds) is refused by the center, and a "center decision" made by the station for itself (it knows the
same HMAC key) is refused by the station; the genuine files of both sides still go through.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.casework.cases import get_case, register_case
from desktop.services.casework.workflow import deliver
from desktop.services.context import ServiceContext
from desktop.services.station import require_station
from desktop.services.syncing import center_sync, signing_keys, transfer
from sync.domain.case_rules import CaseState
from sync.domain.clock import FixedClock
from sync.domain.events import new_event
from sync.protocol.transfer import CENTER_TO_STATION, FORGED, STATION_TO_CENTER, read_file, write_transfer
from sync.server.core.config import Settings
from sync.server.core.models import StationRow
from sync.server.core.signing import center_key, signing_key_path
from sync.server.services.center_events import center_events_after, record_center_event
from sync.server.services.errors import ServiceError
from sync.server.services.transfer import export_center_file, import_station_file
from tests.desktop.conftest import TODAY, complete_draft
from tests.sync.live_server import ServerHandle, in_center, row_counts

from .conftest import connect_station, token_hash


@pytest.fixture
def station(tmp_path: Path, server: ServerHandle) -> Iterator[ServiceContext]:
    code = f"K{uuid.uuid4().hex[:6].upper()}"
    ctx = ServiceContext.open(tmp_path / "station", FixedClock.on(TODAY))
    connect_station(ctx, server, code, "东岭村", "孙代办")
    yield ctx
    ctx.close()


def test_keys_registered_at_sync_make_both_directions_unforgeable(
    station: ServiceContext, server: ServerHandle, tmp_path: Path
) -> None:
    ctx, db = station, server.database_url
    station_id = require_station(ctx).station_id
    center_sync.sync_now(ctx)  # the handshake registers the station's key and brings the center's
    known = signing_keys.center_key(ctx)
    assert known.public_key is not None and known.station_key_registered
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    deliver(ctx, case_id)

    # whoever holds a copy of the center's database forges the station's next events: refused, nothing stored
    stored = row_counts(db, station_id)["events"]
    forged_case = new_event(
        station_id=station_id,
        seq=stored + 1,
        type="case.withdraw",
        payload={"case_id": case_id, "reason": "伪造"},
        actor="伪造者",
        prev_hash=in_center(db, lambda s: s.get(StationRow, station_id).head_hash),
        occurred_at=ctx.clock.stamp(),
    )
    forged = write_transfer(
        direction=STATION_TO_CENTER,
        station_id=station_id,
        events=[forged_case],
        key=token_hash(db, station_id),
        created_at=ctx.clock.stamp(),
    )
    with pytest.raises(ServiceError) as caught:
        in_center(db, lambda s: import_station_file(s, forged))
    assert caught.value.message == FORGED and row_counts(db, station_id)["events"] == stored

    # the station's genuine file goes through
    path = tmp_path / "to_center.dbt"
    transfer.export_to_file(ctx, path)
    result = in_center(db, lambda s: import_station_file(s, read_file(path)))
    assert result.accepted > 0 and not result.refused

    # the center's genuine return file (its key file, as the server uses it) goes through
    in_center(db, lambda s: record_center_event(s, station_id, "case.center_accept", {"case_id": case_id}, "窗口"))
    key = center_key(signing_key_path(Settings(database_url=db)))
    back = tmp_path / "to_station.dbt"
    back.write_bytes(in_center(db, lambda s: export_center_file(s, station_id, key)))

    # a "center decision" the station makes for itself with the HMAC key it can compute: refused
    center_events = in_center(db, lambda s: center_events_after(s, station_id, 0))
    fake = tmp_path / "fake.dbt"
    fake.write_bytes(
        write_transfer(
            direction=CENTER_TO_STATION,
            station_id=station_id,
            events=center_events,
            key=token_hash(db, station_id),
            created_at=ctx.clock.stamp(),
        )
    )
    with pytest.raises(Exception, match="签名不符"):
        transfer.import_from_file(ctx, fake)
    assert get_case(ctx, case_id).state is CaseState.DELIVERED

    transfer.import_from_file(ctx, back)
    assert get_case(ctx, case_id).state is CaseState.IN_PROGRESS
