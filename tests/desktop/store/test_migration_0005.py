"""Migration 0005 with the data key at hand: the rows it seals with its frozen code read back through the app."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.store.crypto import DataKey
from desktop.store.db import Database, migrate
from desktop.store.personal_data import KEY_RECORD, SEALED_FLAG, sealed_with
from sync.crypto import case_aad, event_aad, id_index, phone_index
from sync.domain.personal_data import merge

APPLICANT = {"name": "阿依古丽•买买提", "id_number": "11010519491231002x", "phone": "0731-5551234"}
DOCUMENT = {"case_no": "CS01-20261123-0001", "item_name": "低保申请", "applicant": APPLICANT}
PAYLOAD = {"case_id": "c1", "applicant": APPLICANT, "signature_data": [[1, 2], [3, 4]]}


def _at_0004(tmp_path: Path) -> Database:
    db = Database(tmp_path)
    migrate(db.engine, "0004")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO cases (case_id, case_no, kind, case_type, state, applicant_name, id_number, phone, "
            "item_name, registered_at, due_on, last_seq, data, search_text) VALUES ('c1', 'CS01-20261123-0001', "
            "'agency', 'promised', 'accepted', ?, ?, ?, '低保申请', '2026-11-23T01:00:00', NULL, 1, ?, '')",
            (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"], json.dumps(DOCUMENT, ensure_ascii=False)),
        )
        conn.exec_driver_sql(
            "INSERT INTO events (seq, id, station_id, type, case_id, payload, actor, occurred_at, prev_hash, hash, "
            "origin) VALUES (1, 'e1', 's1', 'case.registered', 'c1', ?, '李代办', '2026-11-23T01:00:00', '', 'h', "
            "'local')",
            (json.dumps(PAYLOAD, ensure_ascii=False),),
        )
    return db


def test_with_the_key_the_rows_are_sealed_in_the_migration_and_open_with_it(tmp_path: Path) -> None:
    db = _at_0004(tmp_path)
    key = DataKey.generate()
    migrate(db.engine, "0005", data_key=key, key_record={"key_id": key.key_id})
    with db.engine.connect() as conn:
        payload, sealed = conn.exec_driver_sql("SELECT payload, sealed FROM events WHERE id = 'e1'").one()
        assert "0731-5551234" not in payload and "1949" not in payload and "signature_data" not in payload
        assert merge(json.loads(payload), key.open(sealed, event_aad("e1"))) == PAYLOAD
        row = conn.exec_driver_sql(
            "SELECT data, sealed, id_number_masked, phone_masked, id_number_index, phone_index, search_text "
            "FROM cases WHERE case_id = 'c1'"
        ).one()
        assert merge(json.loads(row[0]), key.open(row[1], case_aad("c1"))) == DOCUMENT
        assert row[2:6] == (
            "110105********002X",
            "0731-***1234",
            id_index(key, "11010519491231002X"),
            phone_index(key, "07315551234"),
        )
        assert row[6].split("\x1f") == [
            "阿依古丽·买买提",
            "CS01-20261123-0001",
            "0731-***1234",
            "110105********002X",
            "低保申请",
        ]
        assert sealed_with(conn) == key.key_id
        record = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (KEY_RECORD,)).scalar()
        assert json.loads(record) == {"key_id": key.key_id}
    db.close()


def test_without_the_key_the_rows_wait_for_the_first_login(tmp_path: Path) -> None:
    db = _at_0004(tmp_path)
    migrate(db.engine, "0005")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE sealed IS NULL").scalar() == 1
        assert conn.exec_driver_sql("SELECT sealed, phone_masked FROM cases").one() == (None, "0731-***1234")
        assert conn.exec_driver_sql("SELECT count(*) FROM settings WHERE key = ?", (SEALED_FLAG,)).scalar() == 0
    db.close()
