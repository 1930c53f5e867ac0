"""Transfer files signed with each side's own key: what a copy of the center's database cannot forge.

The HMAC key of a transfer file is the token's hash, which the center's database holds. Once a station
registered its Ed25519 key (at its authenticated handshake), the center imports only files that key
signed, and the station reads only return files the center's key signed (real HTTP, both backends).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.errors import TransferFileError
from sync.client.transfer import export_unsent, read_center_file
from sync.protocol.transfer import (
    CENTER_TO_STATION,
    FORGED,
    STATION_TO_CENTER,
    Signer,
    TransferFormatError,
    public_key_from_hex,
    public_key_hex,
    read_transfer,
    signing_key,
    write_transfer,
)
from sync.server.core.config import Settings
from sync.server.core.signing import center_key, signing_key_path
from sync.server.services.errors import ServiceError
from sync.server.services.transfer import export_center_file
from tests.domain.factories import SIGNED_AT as MADE_AT

from .conftest import Station
from .factories import Chain
from .live_server import in_center, issue_enrollment_code, record_center, revoke, row_counts
from .test_transfer import _export_center, _import


def _chain(station_id: str = "s1") -> Chain:
    chain = Chain(station_id)
    chain.new_case()
    return chain


def test_a_reader_that_knows_the_writers_key_takes_only_its_signature() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    hmac_key = signing_key("dbt_x")
    events = _chain().events

    def made(signer: Signer | bytes) -> bytes:
        return write_transfer(
            direction=STATION_TO_CENTER, station_id="s1", events=events, key=signer, created_at=MADE_AT
        )

    signed = made(Signer(hmac_key, key))
    public = [key.public_key()]
    assert read_transfer(signed, [hmac_key], direction=STATION_TO_CENTER, public_keys=public).events == events
    # a reader that does not know keys yet (an older center) still checks the HMAC line
    assert read_transfer(signed, [hmac_key], direction=STATION_TO_CENTER).events == events
    for forged in (made(hmac_key), made(Signer(hmac_key, other))):
        with pytest.raises(TransferFormatError) as caught:
            read_transfer(forged, [hmac_key], direction=STATION_TO_CENTER, public_keys=public)
        assert caught.value.message == FORGED


def _token_hash(database_url: str, station_id: str) -> str:
    """What anyone holding a copy of the center's database reads."""
    query = sa.text("SELECT token_hash FROM tokens WHERE station_id = :s AND revoked_at IS NULL")
    return in_center(database_url, lambda session: str(session.execute(query, {"s": station_id}).scalar_one()))


def _registered(station: Station, key: Ed25519PrivateKey) -> bool:
    """Handshake with ``key``; whether the center now holds it."""
    return station.client.handshake(station.station_id, signing_public_key=public_key_hex(key)).station_key_registered


def _exported(station: Station, key: Ed25519PrivateKey) -> bytes:
    token = station.client.token or ""
    events = station.chain.events
    return export_unsent(station_id=station.station_id, token=token, events=events, created_at=MADE_AT, private_key=key)


def _server_key(database_url: str) -> Ed25519PrivateKey:
    """The live server's own key (its key file, found as the server finds it)."""
    return center_key(signing_key_path(Settings(database_url=database_url)))


def test_a_file_forged_from_a_copy_of_the_center_database_is_refused(station: Station) -> None:
    key = Ed25519PrivateKey.generate()
    reply = station.client.handshake(station.station_id, signing_public_key=public_key_hex(key))
    assert reply.station_key_registered and re.fullmatch("[0-9a-f]{64}", reply.center_signing_key)
    db = station.server.database_url
    station.chain.new_case()
    events = station.chain.events
    forged = write_transfer(
        direction=STATION_TO_CENTER,
        station_id=station.station_id,
        events=events,
        key=bytes.fromhex(_token_hash(db, station.station_id)),  # the HMAC key, from the database
        created_at=MADE_AT,
    )
    with pytest.raises(ServiceError) as caught:
        _import(db, forged)
    assert caught.value.message == FORGED
    assert row_counts(db, station.station_id)["events"] == 0  # and the real station's next seq is still free
    genuine = export_unsent(
        station_id=station.station_id,
        token=station.client.token or "",
        events=events,
        created_at=MADE_AT,
        private_key=key,
    )
    assert _import(db, genuine) == (len(events), 0, len(events))


def test_another_key_is_not_taken_until_the_station_is_enrolled_again(station: Station) -> None:
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert station.client.handshake(station.station_id, signing_public_key=public_key_hex(first)).station_key_registered
    assert station.client.handshake(station.station_id, signing_public_key=public_key_hex(first)).station_key_registered
    assert not station.client.handshake(
        station.station_id, signing_public_key=public_key_hex(second)
    ).station_key_registered
    db = station.server.database_url
    station.chain.new_case()
    with pytest.raises(ServiceError):
        _import(db, _exported(station, second))
    # a reinstalled PC: the center stops the old enrollment and gives a new code; the new key is then taken
    revoke(db, station.station_id, "更换电脑")
    code = issue_enrollment_code(db, station.code, "重新登记")
    station.client.enroll(code, station_id=station.station_id, station_code=station.code)
    assert station.client.center_signing_key == public_key_hex(_server_key(db))
    assert station.client.handshake(
        station.station_id, signing_public_key=public_key_hex(second)
    ).station_key_registered
    assert _import(db, _exported(station, second))[0] == len(station.chain.events)


def test_a_station_cannot_forge_the_centers_return_file(station: Station) -> None:
    key = Ed25519PrivateKey.generate()
    reply = station.client.handshake(station.station_id, signing_public_key=public_key_hex(key))
    center_public = public_key_from_hex(reply.center_signing_key)
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    db = station.server.database_url
    decision = record_center(db, station.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口")
    token = station.client.token or ""

    genuine = in_center(db, lambda session: export_center_file(session, station.station_id, _server_key(db)))
    assert read_center_file(genuine, station_id=station.station_id, token=token, center_key=center_public) == [decision]
    # the station knows the HMAC key (its own token's hash): a "center decision" it makes for itself
    forged = write_transfer(
        direction=CENTER_TO_STATION,
        station_id=station.station_id,
        events=[decision],
        key=signing_key(token),
        created_at=MADE_AT,
    )
    with pytest.raises(TransferFileError) as caught:
        read_center_file(forged, station_id=station.station_id, token=token, center_key=center_public)
    assert caught.value.message == FORGED
    # signed by a key that is not the center's (a test center's)
    with pytest.raises(TransferFileError):
        read_center_file(
            _export_center(db, station.station_id), station_id=station.station_id, token=token, center_key=center_public
        )
