"""A station that syncs only by USB: its key arrives pending in its file and is registered by fingerprint.

The file's only other proof is the HMAC, which a copy of the center's database can make, so the key it
offers is kept pending; the director registers it on the stations page by typing the fingerprint the
clerk reads from the station's screen (real HTTP, SQLite and PostgreSQL). From then on a file forged
with the token hash from the database is refused, the genuine one imported, and a forger's key offered
later changes nothing.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from sync.client.transfer import export_unsent
from sync.protocol.transfer import (
    FORGED,
    STATION_TO_CENTER,
    Signer,
    fingerprint_digits,
    key_fingerprint,
    public_key_hex,
    read_transfer,
    signing_key,
    write_transfer,
)
from sync.server.core.models import StationRow
from sync.server.core.staff_models import AuditRow
from sync.server.services.errors import ServiceError
from sync.server.services.signing_keys import MISMATCH
from tests.domain.factories import SIGNED_AT as MADE_AT
from tests.server_web.helpers import staff_as

from .conftest import Station
from .live_server import ROOT, in_center, row_counts
from .test_transfer import _import, _rezip


def _token_hash(database_url: str, station_id: str) -> bytes:
    query = sa.text("SELECT token_hash FROM tokens WHERE station_id = :s AND revoked_at IS NULL")
    return bytes.fromhex(in_center(database_url, lambda s: str(s.execute(query, {"s": station_id}).scalar_one())))


def _keys(database_url: str, station_id: str) -> tuple[str | None, str | None]:
    """(registered key, pending key) of the station at the center."""

    def read(session: Session) -> tuple[str | None, str | None]:
        row = session.get(StationRow, station_id)
        assert row is not None
        return row.signing_public_key, row.pending_signing_key

    return in_center(database_url, read)


def _audit(database_url: str) -> list[tuple[str, str]]:
    return in_center(
        database_url, lambda s: [(r.action, r.target) for r in s.scalars(sa.select(AuditRow).order_by(AuditRow.id))]
    )


def _file(station: Station, key: Ed25519PrivateKey, hmac_key: bytes | None = None) -> bytes:
    """The station's unsent events, signed as a station that knows the center's key signs them."""
    hmac_key = hmac_key or signing_key(station.client.token or "")
    return write_transfer(
        direction=STATION_TO_CENTER,
        station_id=station.station_id,
        events=station.chain.events,
        key=Signer(hmac_key, key),
        created_at=MADE_AT,
    )


def _row(page: str, station: Station) -> str:
    start = page.index(f'id="pending-key-{station.station_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_file_offers_its_key_and_any_reader_sees_it() -> None:
    key = Ed25519PrivateKey.generate()
    hmac_key = signing_key("dbt_x")
    data = export_unsent(station_id="s1", token="dbt_x", events=[], created_at=MADE_AT, private_key=key)
    contents = read_transfer(data, [hmac_key], direction=STATION_TO_CENTER)
    assert contents.offered_key == public_key_hex(key)
    # the HMAC holds but the Ed25519 line is not by the key the manifest names: imported, nothing offered
    hmac_line, _ed25519 = zipfile.ZipFile(io.BytesIO(data)).read("manifest.sig").decode().split("\n")
    other = Ed25519PrivateKey.generate().sign(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    mixed = _rezip(data, {"manifest.sig": f"{hmac_line}\ned25519:{other.hex()}".encode()})
    assert read_transfer(mixed, [hmac_key], direction=STATION_TO_CENTER).offered_key is None
    without = export_unsent(station_id="s1", token="dbt_x", events=[], created_at=MADE_AT)
    assert read_transfer(without, [hmac_key], direction=STATION_TO_CENTER).offered_key is None
    fingerprint = key_fingerprint(public_key_hex(key))
    assert len(fingerprint) == 29 and fingerprint.replace(" ", "").isdigit()
    assert fingerprint_digits("１２３４-5678 ９") == "123456789"


def test_a_usb_only_station_gets_its_key_registered_by_fingerprint(station: Station, tmp_path: Path) -> None:
    db, sid = station.server.database_url, station.station_id
    key = Ed25519PrivateKey.generate()
    fingerprint = key_fingerprint(public_key_hex(key))
    station.chain.new_case()
    first = len(station.chain.events)
    path = tmp_path / "station.dbt"
    path.write_bytes(_file(station, key))
    env = os.environ | {"DATABASE_URL": db}
    cli = [sys.executable, "-m", "sync.server", "import-file", str(path)]
    done = subprocess.run(cli, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"新增{first}条" in done.stdout and f"待主任确认：指纹 {fingerprint}" in done.stdout
    assert _keys(db, sid) == (None, public_key_hex(key))  # imported on the HMAC, the key only pending

    director = staff_as(station.server, "director")
    page = director.get("/stations").text
    assert "待确认的签名密钥" in page and fingerprint in _row(page, station)
    assert "签名密钥待确认" in page
    supervisor = staff_as(station.server, "supervisor")
    assert "核对并登记" not in _row(supervisor.get("/stations").text, station)
    refused = supervisor.post(f"/stations/{sid}/signing-key", {"fingerprint": fingerprint, "shown": fingerprint})
    assert refused.status_code == 403 and _keys(db, sid)[0] is None

    # a digit misread on the phone: a Chinese message, nothing changes
    wrong = ("0" if fingerprint[0] != "0" else "1") + fingerprint[1:]
    reply = director.post(f"/stations/{sid}/signing-key", {"fingerprint": wrong, "shown": fingerprint})
    assert reply.status_code == 422 and MISMATCH in reply.text
    assert _keys(db, sid) == (None, public_key_hex(key))
    # typed as read: in groups or not, full-width digits too
    typed = fingerprint.replace(" ", "").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    reply = director.post(f"/stations/{sid}/signing-key", {"fingerprint": typed, "shown": fingerprint})
    assert reply.status_code == 303, reply.text
    assert _keys(db, sid) == (public_key_hex(key), None)
    page = director.get(reply.headers["location"].removeprefix("/center")).text
    assert "指纹核对一致，已登记" in page and f'id="pending-key-{sid}"' not in page
    actions = [a for a, target in _audit(db) if "签名密钥" in a]
    assert actions[-2:] == ["核对签名密钥指纹（不符）", "登记代办站签名密钥（指纹已核对）"]

    # from now on: a file forged with the token hash read from the database is refused, nothing stored
    station.chain.new_case()
    stored = row_counts(db, sid)["events"]
    forged = write_transfer(
        direction=STATION_TO_CENTER,
        station_id=sid,
        events=station.chain.events,
        key=_token_hash(db, sid),
        created_at=MADE_AT,
    )
    with pytest.raises(ServiceError) as caught:
        _import(db, forged)
    assert caught.value.message == FORGED and row_counts(db, sid)["events"] == stored
    # the forger's own key, offered in a file with the valid HMAC: refused, and the registered key stays
    forger = Ed25519PrivateKey.generate()
    with pytest.raises(ServiceError) as caught:
        _import(db, _file(station, forger, _token_hash(db, sid)))
    assert caught.value.message == FORGED
    assert _keys(db, sid) == (public_key_hex(key), None)
    # the genuine file goes through
    total = len(station.chain.events)
    assert _import(db, _file(station, key)) == (total - first, first, total)


def test_a_forgers_key_replaces_a_pending_one_but_never_matches_the_stations_screen(station: Station) -> None:
    db, sid = station.server.database_url, station.station_id
    key, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    station.chain.new_case()
    _import(db, _file(station, key))
    assert _keys(db, sid) == (None, public_key_hex(key))
    # the database reader offers his key in a file with the HMAC: it is pending now, not trusted
    _import(db, _file(station, forger, _token_hash(db, sid)))
    assert _keys(db, sid) == (None, public_key_hex(forger))
    director = staff_as(station.server, "director")
    shown = key_fingerprint(public_key_hex(forger))
    assert shown in _row(director.get("/stations").text, station)
    reply = director.post(
        f"/stations/{sid}/signing-key", {"fingerprint": key_fingerprint(public_key_hex(key)), "shown": shown}
    )
    assert reply.status_code == 422 and MISMATCH in reply.text
    assert _keys(db, sid) == (None, public_key_hex(forger))
    # the station's next file brings its key back; confirmed, the forger's key is gone for good
    _import(db, _file(station, key))
    real = key_fingerprint(public_key_hex(key))
    assert director.post(f"/stations/{sid}/signing-key", {"fingerprint": real, "shown": real}).status_code == 303
    assert _keys(db, sid) == (public_key_hex(key), None)
    with pytest.raises(ServiceError):
        _import(db, _file(station, forger, _token_hash(db, sid)))
    assert _keys(db, sid) == (public_key_hex(key), None)


def test_a_confirmation_of_a_key_replaced_meanwhile_is_refused(station: Station) -> None:
    """The director confirms what the page showed; another file since then must be looked at again."""
    db, sid = station.server.database_url, station.station_id
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    station.chain.new_case()
    _import(db, _file(station, key))
    shown = key_fingerprint(public_key_hex(key))
    _import(db, _file(station, other))
    director = staff_as(station.server, "director")
    reply = director.post(f"/stations/{sid}/signing-key", {"fingerprint": shown, "shown": shown})
    assert reply.status_code == 422 and "没有待确认的签名密钥" in reply.text
    assert _keys(db, sid) == (None, public_key_hex(other))
