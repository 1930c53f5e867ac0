"""Personal data at rest: which values are sealed, how rows are split and put back together.

The 身份证 number, the phone and the signature ink (``signature_data``) are
sealed wherever they are stored: in event payloads (station and center logs)
and in the ``cases`` projection. A stored row keeps its JSON with those values
*masked* (``110105********002X``, ``138****8000``; ink left out) and the real
values in one AES-GCM envelope in its ``sealed`` column, bound to the row
(``event:<id>`` / ``case:<id>``). So:

* anything that reads a JSON column directly gets masked values, never the
  real ones (safe by default);
* ``merge`` puts the real values back: ``event_log.to_event`` and
  ``event_log.load_case`` do, so hash chain, sync, USB export and printing see
  exactly the plaintext event as before (the hash is over the plaintext);
* ``cases`` also keeps masked columns for the list and keyed blind indexes of
  the full numbers for exact search.

``seal_existing_rows`` converts a database written before encryption right
after the first login where no keyring exists (migration 0005, when the key is
at hand, seals with its own frozen copy of this code).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import QueryContext, Session
from sqlalchemy.orm.attributes import set_committed_value

from sync.crypto import case_aad, event_aad, seal_tree, sealed_case
from sync.domain.personal_data import (
    masked_phone,
    merge,
)
from sync.domain.text import normalize_name
from sync.domain.validation import mask_id_number, normalize_id_number

from .crypto import DataKey, key_slot
from .models import CaseRow, CenterEventRow, EventRow

#: Settings row naming the key the existing rows were sealed with (absent: rows written before encryption remain).
SEALED_FLAG = "personal_data_sealed"
#: Settings row with the key's record (id, check value, wrapped copies: ``desktop.services.safety.data_key``).
KEY_RECORD = "data_key"

SEARCH_SEP = "\x1f"
#: Where a case document's sealed values list the villager's phone (``sync.domain.personal_data.split``).
PHONE_PATH = ["applicant", "phone"]


def search_text(name: str, case_no: str, phone_masked: str, id_masked: str, item_name: str) -> str:
    """The list filter's one string: upper-case, masked numbers only (full numbers go by blind index).

    The name as search normalises a query (``normalize_name``), so a name stored before the dots were
    normalised is found too (migration 0006 rebuilt the rows written before).
    """
    return SEARCH_SEP.join((normalize_name(name), case_no, phone_masked, id_masked, item_name)).upper()


def case_columns(key: DataKey, case_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``cases`` columns that hold personal data, from the case's plaintext document (``sealed_case``, and
    the station's masked columns and search text for its list)."""
    applicant = data.get("applicant") or {}
    id_number, phone = str(applicant.get("id_number", "")), str(applicant.get("phone", ""))
    id_masked, phone_masked = mask_id_number(normalize_id_number(id_number)), masked_phone(phone)
    return sealed_case(key, case_id, data) | {
        "id_number_masked": id_masked,
        "phone_masked": phone_masked,
        "search_text": search_text(
            str(applicant.get("name", "")),
            str(data.get("case_no", "")),
            phone_masked,
            id_masked,
            str(data.get("item_name", "")),
        ),
    }


def applicant_phones(session: Session, case_ids: Sequence[str]) -> dict[str, str]:
    """The villager's full phone of each case, opening only that value (a home list calls a few hundred
    villagers: loading their whole rows would copy every case document to put its sealed values back)."""
    rows = session.execute(select(CaseRow.case_id, CaseRow.sealed, CaseRow.data).where(CaseRow.case_id.in_(case_ids)))
    phones: dict[str, str] = {}
    for case_id, sealed, data in rows:
        phone = (data.get("applicant") or {}).get("phone", "")
        if sealed:
            secrets = key_slot(session).require().open(sealed, case_aad(case_id))
            phone = next((value for path, value in secrets if path == PHONE_PATH), phone)
        phones[case_id] = str(phone).strip()
    return phones


# -- rows loaded through a session get their real values back (the session's database key) -------------------------


def _open_case_row(target: CaseRow, context: QueryContext) -> None:
    if target.sealed:
        secrets = key_slot(context.session).require().open(target.sealed, case_aad(target.case_id))
        set_committed_value(target, "data", merge(target.data, secrets))


def _remember_slot(target: EventRow | CenterEventRow, context: QueryContext) -> None:
    # Opened lazily by event_log.to_event, also after the session has closed.
    target.__dict__["_key_slot"] = key_slot(context.session)


event.listen(CaseRow, "load", _open_case_row)
for _model in (EventRow, CenterEventRow):
    event.listen(_model, "load", _remember_slot)


# -- rows written before encryption ----------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def sealed_with(connection: Connection) -> str | None:
    """The key id the existing rows were sealed with, or None if rows written before encryption may remain."""
    value = connection.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": SEALED_FLAG}).scalar()
    return str(_json(value)) if value is not None else None


def _put_setting(connection: Connection, name: str, value: Any, replace: bool = True) -> None:
    conflict = "DO UPDATE SET value = excluded.value" if replace else "DO NOTHING"
    connection.execute(
        text(f"INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) {conflict}"),
        {"k": name, "v": _dump(value)},
    )


def seal_existing_rows(
    connection: Connection, key: DataKey, key_record: Mapping[str, Any] | None = None, chunk: int = 2000
) -> int:
    """Seal every row still holding personal data in plain text; return how many rows changed.

    Idempotent (rows already sealed are skipped), in the caller's transaction;
    ``key_record`` (a new key's record) is stored in the same transaction, so
    no row is ever sealed with a key the database does not name. Marks the
    database as sealed with ``key`` at the end.
    """
    if key_record is not None:
        _put_setting(connection, KEY_RECORD, dict(key_record), replace=False)
    changed = 0
    for table in ("events", "center_events"):
        last = 0
        while True:
            rows = connection.execute(
                text(
                    f"SELECT seq, id, payload FROM {table} WHERE seq > :last AND sealed IS NULL ORDER BY seq LIMIT :n"
                ),
                {"last": last, "n": chunk},
            ).all()
            if not rows:
                break
            for seq, event_id, payload in rows:
                masked, sealed = seal_tree(key, _json(payload), event_aad(event_id))
                if sealed is not None:
                    connection.execute(
                        text(f"UPDATE {table} SET payload = :p, sealed = :s WHERE seq = :seq"),
                        {"p": _dump(masked), "s": sealed, "seq": seq},
                    )
                    changed += 1
            last = rows[-1][0]
    last_id = ""
    while True:
        rows = connection.execute(
            text("SELECT case_id, data FROM cases WHERE case_id > :last AND sealed IS NULL ORDER BY case_id LIMIT :n"),
            {"last": last_id, "n": chunk},
        ).all()
        if not rows:
            break
        for case_id, data in rows:
            document = _json(data)
            if isinstance(document, Mapping) and document.get("applicant"):
                columns = case_columns(key, case_id, document)
                columns["data"] = _dump(columns["data"])
                sets = ", ".join(f"{name} = :{name}" for name in columns)
                connection.execute(
                    text(f"UPDATE cases SET {sets} WHERE case_id = :case_id"), {**columns, "case_id": case_id}
                )
                changed += 1
        last_id = rows[-1][0]
    _put_setting(connection, SEALED_FLAG, key.key_id)
    return changed
