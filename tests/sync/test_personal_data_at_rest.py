"""Personal data at rest at the town center (issue 15, item 5): a raw ``pg_dump`` or a copy of the SQLite file
holds no pushed 身份证 number, phone, signature ink or scan; staff still see, search and print them.

Pushed over HTTP to the real server on both backends; the dump is the real ``pg_dump`` of the server's schema,
the SQLite copy is the database file with its WAL, read as bytes.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from sync.crypto import DataKey
from sync.domain.signature import Signature, encode_stroke
from sync.domain.validation import id_check_char
from sync.server.core.data_key import DataKeyMismatch, center_data_key
from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.core.migrate import upgrade_head
from sync.server.core.models import CaseRow, EventRow
from sync.server.core.sealing import check_data_key
from tests.domain.factories import ID_NUMBER, SIGNED_AT, registered_payload, signed_handover
from tests.server_web.helpers import staff_as
from tests.sync.conftest import Station
from tests.sync.live_server import ServerHandle

# A scan whose bytes are easy to find in a dump (hex in pg_dump's COPY of a bytea column, raw in SQLite).
SCAN_MARKER = b"SCAN-MARKER-" + bytes(range(40, 90))


def _secrets() -> tuple[str, str, Signature]:
    """A fresh valid 身份证 number, a fresh mobile number and pad ink with strokes no other test draws."""
    rng = random.Random()
    first17 = f"3301061988{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(100, 999)}"
    id_number = first17 + id_check_char(first17)
    phone = f"139{rng.randrange(10**7, 10**8)}"
    strokes = [[(rng.randrange(20, 380), rng.randrange(20, 180), t * 20) for t in range(12)]]
    return id_number, phone, Signature.from_pad("王五", "委托人", strokes, captured_at=SIGNED_AT)


def _push_case(station: Station, id_number: str, phone: str, ink: Signature) -> str:
    payload = registered_payload(case_no="CS01-20261123-0501")
    payload["applicant"] = {**payload["applicant"], "name": "王五", "id_number": id_number, "phone": phone}
    case_id = str(payload["case_id"])
    station.chain.add("case.registered", payload)
    station.chain.add("case.accept", {"case_id": case_id, "accepted_on": "2026-11-23", "due_on": "2026-11-30"})
    handover = signed_handover(case_id, "villager", "clerk", [{"name": "居民身份证", "original": False, "copies": 1}])
    handover["signatures"][0]["signature_sha256"] = ink.digest()
    handover["signature_data"] = {ink.digest(): ink.to_dict()}
    station.chain.add("case.handover", handover)
    scan = SCAN_MARKER + b"\x00" * 64
    station.client.upload_blob(scan)
    sha = hashlib.sha256(scan).hexdigest()
    station.chain.add(
        "case.attach",
        {"case_id": case_id, "sha256": sha, "filename": "户口簿.png", "size": len(scan), "mime": "image/png"},
    )
    pushed = station.client.push_all(station.chain.events)
    assert pushed.accepted == len(station.chain.events)
    return case_id


def _raw_copy(server: ServerHandle) -> bytes:
    """What someone who copied the database gets: ``pg_dump`` of the server's schema, or the SQLite files."""
    url = make_url(server.database_url)
    if url.get_backend_name() == "sqlite":
        database = Path(str(url.database))
        return b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())
    schema = re.search(r"search_path=(\w+)", str(url.query.get("options", ""))).group(1)  # type: ignore[union-attr]
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed for this test (postgresql-client)"
    where = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    dumped = subprocess.run(
        [pg_dump, *where, "-n", schema, url.database or "test"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert b"CREATE TABLE" in dumped.stdout and b"COPY " in dumped.stdout  # a real dump, with the rows
    return dumped.stdout


def _forms(text: str) -> list[bytes]:
    """``text`` as it would sit in a dump: UTF-8, and inside JSON with non-ASCII escaped."""
    return [text.encode("utf-8"), json.dumps(text).strip('"').encode("ascii")]


def test_a_dump_of_the_center_holds_no_id_number_phone_ink_or_scan(station: Station) -> None:
    id_number, phone, ink = _secrets()
    case_id = _push_case(station, id_number, phone, ink)
    dump = _raw_copy(station.server)
    stroke = encode_stroke(ink.strokes[0])
    assert case_id.encode() in dump  # the case is in the copy: what follows is not vacuous
    for secret in (id_number, id_number[:14], phone, phone[3:], stroke[:40]):
        for form in _forms(secret):
            assert form not in dump, secret
    assert SCAN_MARKER not in dump and SCAN_MARKER.hex().encode() not in dump
    assert ID_NUMBER.encode() not in dump  # the other tests' villagers (the factories' number) are sealed too
    assert f"{id_number[:6]}********{id_number[-4:]}".encode() in dump  # the masked number is kept for lists

    # Staff still work with the real values: search by the whole number finds the case, the page reveals it.
    director = staff_as(station.server, "director")
    found = director.post("/search", {"q": id_number})
    assert found.status_code == 200 and case_id in found.text
    assert case_id in director.post("/search", {"q": phone}).text
    assert case_id not in director.post("/search", {"q": id_number[:17] + ("0" if id_number[-1] != "0" else "1")}).text
    assert id_number in director.post(f"/cases/{case_id}/reveal", {"field": "id"}).text
    assert id_number not in director.get(f"/cases/{case_id}").text  # shown masked until revealed (audited)


def test_rows_written_before_encryption_are_sealed_at_the_first_start(tmp_path: Path) -> None:
    """A center upgraded from 0107: its plaintext rows are sealed by the first start, and read back as they were."""
    url = f"sqlite:///{tmp_path / 'town_center.db'}"
    engine = make_engine(url)
    key = center_data_key(tmp_path / "key.json")
    id_number, phone, _ink = _secrets()
    try:
        upgrade_head(engine, key)
        with engine.begin() as connection:  # as 0107 left them: no key named, everything in clear
            connection.execute(sa.text("DELETE FROM data_keys"))
            connection.execute(
                sa.text(
                    "INSERT INTO stations (id, code, name, enrolled_at, revoked_reason, head_seq, head_hash, "
                    "center_seq, center_hash) VALUES ('s1', 'CS01', '一组', '2026-11-23', '', 1, 'h', 0, 'g')"
                )
            )
            payload = {"case_id": "c1", "applicant": {"name": "王五", "id_number": id_number, "phone": phone}}
            connection.execute(
                sa.text(
                    "INSERT INTO events (id, station_id, seq, type, payload, actor, occurred_at, prev_hash, hash, "
                    "origin, received_at) VALUES ('e1', 's1', 1, 'case.registered', :p, 'x', 't', 'g', 'h', "
                    "'station', 't')"
                ),
                {"p": json.dumps(payload)},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO cases (case_id, station_id, case_no, state, data, updated_at, conflict, "
                    "center_since_station, receipt_status) VALUES ('c1', 's1', 'CS01-1', 'registered', :d, 't', '', "
                    "false, '')"
                ),
                {"d": json.dumps({"case_id": "c1", "applicant": payload["applicant"]})},
            )
        upgrade_head(engine, key)
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT payload, sealed FROM events")).one()
            case = connection.execute(sa.text("SELECT data, sealed, id_number_index FROM cases")).one()
        assert id_number not in stored[0] and phone not in stored[0] and stored[1].startswith("enc1:")
        assert id_number not in case[0] and case[1].startswith("enc1:") and case[2]
        with make_sessionmaker(engine, data_key=key)() as session, session.begin():
            assert session.get(EventRow, "e1").payload["applicant"]["id_number"] == id_number  # type: ignore[union-attr]
            assert session.get(CaseRow, "c1").data["applicant"]["phone"] == phone  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_a_center_started_with_another_key_file_stops_with_a_chinese_message(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'town_center.db'}")
    try:
        upgrade_head(engine, center_data_key(tmp_path / "first.json"))
        with pytest.raises(DataKeyMismatch, match=r"个人信息密钥文件.*与数据库不符.*DAIBANTONG_DATA_KEY_FILE"):
            upgrade_head(engine, center_data_key(tmp_path / "second.json"))
        forged = DataKey(bytes(32), center_data_key(tmp_path / "first.json").key_id)  # same id, other bytes
        with engine.connect() as connection, pytest.raises(DataKeyMismatch, match="已损坏或被改动"):
            check_data_key(connection, forged)
    finally:
        engine.dispose()


def test_the_key_file_is_made_once_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "center.json"
    key = center_data_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    center_data_key.cache_clear()
    assert center_data_key(path).raw == key.raw  # read back, not made again
    path.write_text("not a key", encoding="utf-8")
    center_data_key.cache_clear()
    with pytest.raises(DataKeyMismatch, match="已损坏"):
        center_data_key(path)
