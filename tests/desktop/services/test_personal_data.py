"""Personal data at rest (#6): 身份证, phone and signature ink never lie in the station's files in the clear.

Cases are made through the services with a known 身份证, phone and pad signature; the raw bytes of the
database file and its WAL are searched for them, while the app still shows, verifies and syncs them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import keyring
import pytest
import sqlalchemy as sa

from desktop.services import accounts
from desktop.services.casework.attachments import add_attachment_bytes, blob_bytes, blobs_named, read_attachment
from desktop.services.casework.case_detail import case_detail
from desktop.services.casework.cases import get_case, list_cases, search_cases
from desktop.services.casework.handovers import record_handover
from desktop.services.casework.records import CaseFilter
from desktop.services.context import ServiceContext
from desktop.services.safety import audit
from desktop.services.station import setup_station
from desktop.store import event_log
from desktop.store.crypto import DataKeyWrong, DataLocked
from desktop.store.db import DB_FILENAME
from desktop.store.personal_data import applicant_phones
from sync.domain.clock import FixedClock
from sync.domain.errors import DomainError
from tests.keyring_backend import NoKeyring

from ..conftest import TODAY
from ..store.test_upgrade_from_first_schema import FIXTURE
from .print_helpers import inked_handover
from .workflow_helpers import registered

ID = "11010519491231002X"
PHONE = "13800138000"
SCAN = b"%PDF-1.4 scan of the household register, page 1: 11010519491231002X " + bytes(range(256)) * 4


def raw_files(data_dir: Path) -> bytes:
    """Every byte the station keeps on disk: database, WAL, blobs."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file() and "logs" not in p.parts)


def assert_no_plain(data: bytes, *secrets: str | bytes) -> None:
    for secret in secrets:
        raw = secret.encode("utf-8") if isinstance(secret, str) else secret
        assert raw not in data, f"{secret!r} found in the clear"
        if isinstance(secret, str):
            assert secret.encode("utf-16-le") not in data


def _case_with_ink(ctx: ServiceContext) -> tuple[str, str]:
    """A registered case (known 身份证 and phone), a signed handover with pad ink, a scan attached."""
    case_id = registered(ctx)
    handover = inked_handover(ctx, case_id, "villager", "clerk")
    record_handover(ctx, case_id, handover)
    add_attachment_bytes(ctx, case_id, SCAN, "户口簿.pdf")
    ink = handover.signatures[0].data
    assert ink is not None
    return case_id, str(ink["strokes"][0])


def _checkpoint(ctx: ServiceContext) -> None:
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def test_the_raw_files_hold_no_id_number_phone_ink_or_scan(ctx: ServiceContext) -> None:
    case_id, stroke = _case_with_ink(ctx)
    assert len(stroke) > 20
    data_dir = ctx.db.data_dir
    assert_no_plain(raw_files(data_dir), ID, PHONE, stroke, SCAN[:40])  # WAL not yet checkpointed
    _checkpoint(ctx)
    assert_no_plain(ctx.db.path.read_bytes(), ID, PHONE, stroke)
    assert_no_plain(raw_files(data_dir), ID, PHONE, stroke, SCAN[:40])
    # masked values are there for lists
    assert b"110105********002X" in ctx.db.path.read_bytes() and b"138****8000" in ctx.db.path.read_bytes()

    # …while the app shows, verifies and hands out the real values
    view = get_case(ctx, case_id)
    assert (view.applicant.id_number, view.applicant.phone) == (ID, PHONE)
    assert case_detail(ctx, case_id).view.applicant.phone == PHONE
    assert audit.reveal_id_number(ctx, case_id, "核对身份") == ID
    assert read_attachment(ctx, hashlib.sha256(SCAN).hexdigest()) == SCAN
    with ctx.db.reading() as session:
        event_log.verify(session)
        events = list(event_log.iter_events(session))
    assert events[0].payload["applicant"]["id_number"] == ID
    handover = next(e for e in events if e.type == "case.handover")
    assert stroke in str(handover.payload["signature_data"])
    with ctx.db.transaction() as session:  # the projection rebuilt from the sealed log is the same
        assert event_log.rebuild_projection(session) == 1
    assert get_case(ctx, case_id) == view


def test_what_sync_and_usb_export_send_is_the_plaintext_as_before(ctx: ServiceContext) -> None:
    """The outbox (``iter_events`` after the acknowledged seq) and the blob bytes: what push and export send.

    The town center verifies the same hashes (tests/e2e push through a real server).
    """
    _, stroke = _case_with_ink(ctx)
    with ctx.db.reading() as session:
        pending = list(event_log.iter_events(session, 0))
    first = pending[0]
    assert first.payload["applicant"]["id_number"] == ID and first.payload["applicant"]["phone"] == PHONE
    assert all(e.compute_hash() == e.hash for e in pending)
    assert any(stroke in str(e.payload.get("signature_data")) for e in pending)
    assert [blob_bytes(ctx, sha) for sha in blobs_named(pending)] == [SCAN]


def test_case_list_finds_full_numbers_and_shows_them_masked(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    registered(ctx, applicant_name="赵四", id_number="440308199001011239", phone="13900139000")
    for rows in (
        list_cases(ctx, ID),
        list_cases(ctx, PHONE),
        list_cases(ctx, ID.lower()),
        search_cases(ctx, CaseFilter(id_number=ID, phone=PHONE)),
    ):
        assert [r.case_id for r in rows] == [case_id]
        assert (rows[0].id_masked, rows[0].phone_masked) == ("110105********002X", "138****8000")


def test_a_call_list_opens_each_phone_alone_sealed_or_from_before_encryption(ctx: ServiceContext) -> None:
    """``applicant_phones`` (the home page's lists to call) opens only the phone of a sealed row, and reads a
    row written before encryption (no ``sealed``) as it stands."""
    sealed = registered(ctx)
    old = registered(ctx, applicant_name="赵四", id_number="440308199001011239", phone="13900139000")
    with ctx.db.transaction() as session:  # as a row written before encryption: the real phone in its JSON
        data = json.loads(
            session.execute(sa.text("SELECT data FROM cases WHERE case_id = :c"), {"c": old}).scalar_one()
        )
        data["applicant"]["phone"] = " 13900139000 "
        session.execute(
            sa.text("UPDATE cases SET sealed = NULL, data = :d WHERE case_id = :c"),
            {"d": json.dumps(data, ensure_ascii=False), "c": old},
        )
    with ctx.db.reading() as session:
        phones = applicant_phones(session, [sealed, old, "no-such-case"])
        raw = session.execute(sa.text("SELECT data FROM cases WHERE case_id = :c"), {"c": sealed}).scalar_one()
    assert phones == {sealed: PHONE, old: "13900139000"}
    assert PHONE not in raw  # the sealed row keeps only the masked phone in its JSON


def test_a_wrong_key_in_the_keyring_is_a_clear_chinese_error(ctx: ServiceContext, memory_keyring: Any) -> None:
    case_id = registered(ctx)
    data_dir = ctx.db.data_dir
    ctx.close()
    (entry,) = [k for k in memory_keyring.store if k[1].startswith("data-key:")]
    memory_keyring.set_password(*entry, "A" * 43 + "=")  # 32 other bytes
    reopened = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [r.case_id for r in list_cases(reopened)] == [case_id]  # the list needs no key: masked columns
        with pytest.raises(DataKeyWrong) as err:
            get_case(reopened, case_id)
        assert "密钥" in err.value.message and "Traceback" not in err.value.message
        assert isinstance(err.value, DomainError)
    finally:
        reopened.close()


def test_a_tampered_ciphertext_does_not_open(ctx: ServiceContext) -> None:
    case_id = registered(ctx)
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cases SET sealed = (SELECT sealed FROM events WHERE seq = 1)")  # swapped in
    with pytest.raises(DataKeyWrong, match="无法解密"):
        get_case(ctx, case_id)


def test_without_a_keyring_the_clerks_password_unlocks_the_data(tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())
    data_dir = tmp_path / "data"
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    setup_station(
        ctx, code="CS01", name="城南村代办站", village="城南村", town="城关镇", clerk="李代办", password="mima123456"
    )
    case_id = registered(ctx)
    accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1")
    ctx.close()

    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert [r.case_id for r in list_cases(ctx)] == [case_id]
        with pytest.raises(DataLocked, match="登录"):
            get_case(ctx, case_id)
        with pytest.raises(DomainError, match="登录名或密码不正确"):
            accounts.login(ctx, "admin", "wrong-password")
        accounts.login(ctx, "zhang", "zhang-mima-1")  # the second clerk's own copy of the key
        assert get_case(ctx, case_id).applicant.id_number == ID
        accounts.change_password(ctx, "zhang", "zhang-mima-1", "zhang-mima-2")
    finally:
        ctx.close()
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        accounts.login(ctx, "zhang", "zhang-mima-2")
        assert get_case(ctx, case_id).applicant.phone == PHONE
    finally:
        ctx.close()
    assert_no_plain(raw_files(data_dir), ID, PHONE)


def _fixture_numbers() -> list[str]:
    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT id_number, phone FROM cases").fetchall()
    finally:
        conn.close()
    return [n for row in rows for n in row]


def _station_at_0001(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(FIXTURE, data_dir / DB_FILENAME)
    return data_dir


def test_an_old_unencrypted_database_is_encrypted_by_the_upgrade(tmp_path: Path) -> None:
    numbers = _fixture_numbers()
    assert len(numbers) == 6 and all(n.encode() in FIXTURE.read_bytes() for n in numbers)
    data_dir = _station_at_0001(tmp_path)
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert_no_plain(ctx.db.path.read_bytes() + Path(f"{ctx.db.path}-wal").read_bytes(), *numbers)
        with ctx.db.reading() as session:
            event_log.verify(session)
        full_id = numbers[0]
        found = list_cases(ctx, full_id)
        assert len(found) == numbers[0::2].count(full_id)
        assert get_case(ctx, found[0].case_id).applicant.id_number == full_id
    finally:
        ctx.close()


def test_without_a_keyring_an_old_database_is_encrypted_at_the_first_login(tmp_path: Path) -> None:
    keyring.set_keyring(NoKeyring())
    numbers = _fixture_numbers()
    data_dir = _station_at_0001(tmp_path)
    ctx = ServiceContext.open(data_dir, FixedClock.on(TODAY))
    try:
        assert numbers[0].encode() in ctx.db.path.read_bytes()  # no key before a login: still as it was
        accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
        accounts.login(ctx, "admin", "mima123456")
        assert_no_plain(ctx.db.path.read_bytes() + Path(f"{ctx.db.path}-wal").read_bytes(), *numbers)
        with ctx.db.reading() as session:
            event_log.verify(session)
        assert len(list_cases(ctx, numbers[1])) == numbers[1::2].count(numbers[1])
    finally:
        ctx.close()
