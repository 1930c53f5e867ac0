"""Personal data at rest at the town center: 身份证 numbers, phones, signature ink and scans are sealed.

The same rule and envelopes as the station (``sync.domain.personal_data``, ``sync.crypto``): a stored row keeps
its JSON with those values *masked* (``110105********002X``, ``138****8000``; ink left out) and the real values
in one AES-GCM envelope in its ``sealed`` column, bound to the row (``event:<id>``, ``case:<id>``); scan chunks
are sealed whole (``blob:<station>:<sha256>:<offset>``). So a ``pg_dump`` or a copy of the SQLite file shows
none of them, and anything that reads a JSON column directly (a report, an aggregate) gets masked values only.

* **Rows loaded through a session** get their real values back: the ``load``/``refresh`` listeners below put
  them into ``payload`` / ``data`` (and a refused event's ``raw_payload``), so services, the hash chain, a
  station's catch-up and the staff pages see the events exactly as they were hashed.
* **Writes:** ``ingest`` seals the columns of the events it stores in bulk (``event_columns``); an event or
  a case row added through a session is sealed by the flush (``before_insert``/``before_update``) and holds
  its real values again afterwards. ``cases.id_number_index`` / ``phone_index`` are keyed blind indexes of
  the whole numbers, for the staff search (``services.case_search``).
* **The key** lives in a key file **outside the database** (``core.data_key``): ``DAIBANTONG_DATA_KEY_FILE``,
  else beside a SQLite database file, else in the center's data folder. It is made on first start (owner-only
  permissions). The database keeps the key's id and a check value (``data_keys``, migration 0108), so a
  center started with another key file stops with a Chinese message instead of writing under a second key.
  **Lose the file and the sealed values are lost**: back it up with the database, stored apart from dumps
  (docs/operations.md).
* **Rows written before** (a center upgraded to 0108) are sealed once, by the first start after the upgrade,
  in the migration's transaction and under its lock (``seal_at_rest``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.orm import Mapper, QueryContext, Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from sync.crypto import ENVELOPE, DataKey, DataKeyWrong, case_aad, event_aad, seal_tree, sealed_case
from sync.domain.clock import SYSTEM_CLOCK
from sync.domain.personal_data import merge

from .data_key import DataKeyMismatch
from .db import DATA_KEY
from .models import BlobChunkRow, CaseRow, CenterEventRow, DataKeyRow, EventRow

log = logging.getLogger(__name__)

#: Rows sealed per statement when ``seal_at_rest`` converts a database written before encryption.
_CHUNK = 1000


# -- sessions ----------------------------------------------------------------------------------------------------------


def key_of(session: Session) -> DataKey:
    """The data key of the center whose session this is (``core.db.make_sessionmaker`` puts it there)."""
    key = session.info.get(DATA_KEY)
    if not isinstance(key, DataKey):
        raise RuntimeError("a center session without the data key (use core.db.make_sessionmaker)")
    return key


def event_columns(key: DataKey, event_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` (masked) and ``sealed`` (the real values, or None when there is nothing personal)."""
    masked, sealed = seal_tree(key, payload, event_aad(event_id))
    return {"payload": masked, "sealed": sealed}


def seal_raw_payload(key: DataKey, event_id: str, raw: str) -> str:
    """A refused event's payload as sent (ASCII JSON, personal data and all), sealed whole."""
    return key.seal(raw, "raw-" + event_aad(event_id))


def chunk_aad(station_id: str, sha256: str, offset: int) -> str:
    return f"blob:{station_id}:{sha256}:{offset}"


def _opened(session: Session, tree: Any, sealed: str, aad: str, *, whole: bool = False) -> Any:
    """``tree`` with its sealed values put back (``whole``: the sealed value itself); as stored when they do not
    open or do not fit: the row was altered, so its hash no longer matches and ``verify-chains`` reports 篡改."""
    try:
        opened = key_of(session).open(sealed, aad)
        return opened if whole else merge(tree, opened)
    except (DataKeyWrong, KeyError, IndexError, TypeError) as exc:
        log.error("个人信息无法解密（%s）：记录可能被改动 %s", exc, aad)
        return tree


def _open_event(target: EventRow | CenterEventRow, context: QueryContext, *_: Any) -> None:
    if target.sealed:
        opened = _opened(context.session, target.payload, target.sealed, event_aad(target.id))
        set_committed_value(target, "payload", opened)
    raw = getattr(target, "raw_payload", None)
    if isinstance(raw, str) and raw.startswith(ENVELOPE):
        opened = _opened(context.session, raw, raw, "raw-" + event_aad(target.id), whole=True)
        set_committed_value(target, "raw_payload", opened)


def _open_case(target: CaseRow, context: QueryContext, *_: Any) -> None:
    if target.sealed:
        opened = _opened(context.session, target.data, target.sealed, case_aad(target.case_id))
        set_committed_value(target, "data", opened)


def _seal_case(_mapper: Mapper[Any], _connection: Connection, target: CaseRow) -> None:
    session = object_session(target)
    if session is None or target.data is None:
        return
    plain = target.data
    for name, value in sealed_case(key_of(session), target.case_id, plain).items():
        setattr(target, name, value)
    target.__dict__["_plain_data"] = plain


def _unseal_case(_mapper: Mapper[Any], _connection: Connection, target: CaseRow) -> None:
    plain = target.__dict__.pop("_plain_data", None)
    if plain is not None:
        set_committed_value(target, "data", plain)


def _seal_event(_mapper: Mapper[Any], _connection: Connection, target: EventRow | CenterEventRow) -> None:
    session = object_session(target)
    if session is None or target.sealed is not None:
        return  # sealed by whoever made the row (``ingest`` writes its rows in bulk, past these listeners)
    plain = target.payload
    for name, value in event_columns(key_of(session), target.id, plain).items():
        setattr(target, name, value)
    target.__dict__["_plain_payload"] = plain


def _unseal_event(_mapper: Mapper[Any], _connection: Connection, target: EventRow | CenterEventRow) -> None:
    plain = target.__dict__.pop("_plain_payload", None)
    if plain is not None:
        set_committed_value(target, "payload", plain)


for _model in (EventRow, CenterEventRow):
    event.listen(_model, "load", _open_event)
    event.listen(_model, "refresh", _open_event)
    event.listen(_model, "before_insert", _seal_event)
    event.listen(_model, "after_insert", _unseal_event)
event.listen(CaseRow, "load", _open_case)
event.listen(CaseRow, "refresh", _open_case)
event.listen(CaseRow, "before_insert", _seal_case)
event.listen(CaseRow, "before_update", _seal_case)
event.listen(CaseRow, "after_insert", _unseal_case)
event.listen(CaseRow, "after_update", _unseal_case)


# -- the key's record in the database, and rows written before encryption ----------------------------------------------


def check_data_key(connection: Connection, key: DataKey, path: Path | None = None) -> bool:
    """Whether the database already names ``key`` (False: no key yet). Stops the center on another key."""
    rows = connection.execute(select(DataKeyRow.key_id, DataKeyRow.check_value)).all()
    if not rows:
        return False
    where = f"（{path}）" if path is not None else ""
    for key_id, check in rows:
        if key_id == key.key_id:
            if not key.matches(check):
                raise DataKeyMismatch(f"个人信息密钥文件{where}已损坏或被改动：它打不开本数据库的个人信息")
            return True
    ids = "、".join(r.key_id for r in rows)
    raise DataKeyMismatch(
        f"个人信息密钥文件{where}与数据库不符：本数据库的个人信息是用另一把密钥（{ids}）加密的。"
        "请找回原来的密钥文件，用 DAIBANTONG_DATA_KEY_FILE 指定它（见 docs/operations.md）"
    )


def seal_at_rest(connection: Connection, key: DataKey, path: Path | None = None) -> int:
    """Name ``key`` in the database, sealing every row written before encryption; how many rows were sealed.

    Run once, in the migration's transaction (``core.migrate.upgrade_head``); later starts only check the key.
    """
    if check_data_key(connection, key, path):
        return 0
    changed = _seal_events(connection, key, EventRow) + _seal_events(connection, key, CenterEventRow)
    changed += _seal_cases(connection, key) + _seal_chunks(connection, key)
    values = {"key_id": key.key_id, "check_value": key.check_value(), "created_at": SYSTEM_CLOCK.stamp()}
    connection.execute(insert(DataKeyRow).values(**values))
    if changed:
        log.warning("已加密保存此前写入的个人信息：%d行", changed)
    return changed


def _pages(connection: Connection, query: Any, key_column: Any) -> Iterator[Sequence[Any]]:
    last: Any = None
    while True:
        page = query if last is None else query.where(key_column > last)
        rows = connection.execute(page.order_by(key_column).limit(_CHUNK)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _seal_events(connection: Connection, key: DataKey, model: type[EventRow] | type[CenterEventRow]) -> int:
    changed = 0
    raw_column = [EventRow.raw_payload] if model is EventRow else []
    query = select(model.id, model.payload, *raw_column).where(model.sealed.is_(None))
    for rows in _pages(connection, query, model.id):
        for row in rows:
            values = event_columns(key, row.id, _json(row.payload))
            raw = getattr(row, "raw_payload", None)
            if raw is not None and not raw.startswith(ENVELOPE):
                values["raw_payload"] = seal_raw_payload(key, row.id, raw)
            elif values["sealed"] is None:
                continue
            connection.execute(update(model).where(model.id == row.id).values(**values))
            changed += 1
    return changed


def _seal_cases(connection: Connection, key: DataKey) -> int:
    changed = 0
    query = select(CaseRow.case_id, CaseRow.data).where(CaseRow.sealed.is_(None))
    for rows in _pages(connection, query, CaseRow.case_id):
        for case_id, data in rows:
            values = sealed_case(key, case_id, _json(data))
            if values["sealed"] is not None:
                connection.execute(update(CaseRow).where(CaseRow.case_id == case_id).values(**values))
                changed += 1
    return changed


def _seal_chunks(connection: Connection, key: DataKey) -> int:
    changed = 0
    chunk = BlobChunkRow
    while True:  # each pass seals the first chunks still in clear, so no key order is needed
        rows = connection.execute(
            select(chunk.station_id, chunk.sha256, chunk.offset, chunk.data).where(chunk.sealed.is_(False)).limit(100)
        ).all()
        if not rows:
            return changed
        for station_id, sha256, offset, data in rows:
            where = (chunk.station_id == station_id, chunk.sha256 == sha256, chunk.offset == offset)
            sealed = key.seal_bytes(bytes(data), chunk_aad(station_id, sha256, offset))
            connection.execute(update(chunk).where(*where).values(data=sealed, sealed=True))
            changed += 1


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
