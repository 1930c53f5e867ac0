"""The center's return files name its key, and add its signature once the station showed it reads two lines.

SQLite and PostgreSQL. A station enrolled before the keys and never online since learns from the manifest
that the center reads station keys (an older station ignores the field, and still finds one signature
line, exactly the HMAC it compares). Once the station offered a key of its own (pending or registered) the
file also carries the center's Ed25519 line; once registered, it names the station key the center holds.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.transfer import read_center_transfer
from sync.protocol.transfer import key_fingerprint, public_key_hex, signing_key
from sync.server.services.signing_keys import confirm_station_key
from sync.server.services.transfer import export_center_file

from .conftest import Station
from .live_server import in_center, record_center
from .test_pending_keys import _file
from .test_transfer import CENTER_KEY, _import


def _export(station: Station) -> bytes:
    return in_center(station.server.database_url, lambda s: export_center_file(s, station.station_id, CENTER_KEY))


def test_return_files_name_the_centers_key_and_sign_once_the_station_reads_keys(station: Station) -> None:
    db, sid, token = station.server.database_url, station.station_id, station.client.token or ""
    case_id = station.chain.new_case()
    station.client.push(station.chain.events)
    decision = record_center(db, sid, "case.center_accept", {"case_id": case_id}, "镇窗口")
    center = public_key_hex(CENTER_KEY)

    # a station that never offered a key: one line, exactly the HMAC a reader from before the keys compares
    data = _export(station)
    archive = zipfile.ZipFile(io.BytesIO(data))
    old_readers_check = hmac.new(signing_key(token), archive.read("manifest.json"), hashlib.sha256).hexdigest()
    assert archive.read("manifest.sig").decode() == old_readers_check
    read = read_center_transfer(data, station_id=sid, token=token)
    assert read.events == [decision] and read.named_key == center
    assert read.signed_by is None and read.registered_station_key is None

    # its next file offers its key (pending at the center): the center's file is now signed too
    key = Ed25519PrivateKey.generate()
    station.chain.new_case()
    _import(db, _file(station, key))
    read = read_center_transfer(_export(station), station_id=sid, token=token)
    assert read.signed_by == center and read.registered_station_key is None

    # registered by the director: the file names the key the center holds
    in_center(db, lambda s: confirm_station_key(s, sid, key_fingerprint(public_key_hex(key))))
    read = read_center_transfer(_export(station), station_id=sid, token=token)
    assert read.signed_by == center and read.registered_station_key == public_key_hex(key)
