"""personal data at rest: sealed columns, masked list columns, blind indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

``events``, ``center_events`` and ``cases`` get a ``sealed`` column (the
personal data of the row, AES-GCM). ``cases.id_number`` and ``cases.phone``
(plain text) are replaced by masked columns for the list and keyed blind
indexes for exact search; ``search_text`` is rebuilt with masked numbers.

When the app knows the data key at migration time (it is in the OS keyring,
the usual case), the existing rows are sealed in this same transaction. Where
no keyring exists the key is only opened at the first login, which seals the
rows then (``desktop.services.safety.data_key``); until that login the rows keep
their plain text, as before this migration. Either way the app rewrites the
file afterwards (VACUUM) so no plain text stays in free pages.

What it needs of the app (masking, the search string, the sealing of rows) is
copied below as it stood at commit f8c1950, so the migration keeps doing that
however the app's modules change. From the app it takes only the unlocked
key (its ``raw`` bytes and ``key_id``), handed in through the config.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("events", "center_events"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sealed", sa.Text(), nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("id_number_masked", sa.String(length=18), server_default="", nullable=False))
        batch.add_column(sa.Column("phone_masked", sa.String(length=20), server_default="", nullable=False))
        batch.add_column(sa.Column("id_number_index", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("phone_index", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("sealed", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT case_id, case_no, applicant_name, id_number, phone, item_name FROM cases")
    ).all()
    for case_id, case_no, name, id_number, phone, item_name in rows:
        id_masked = _mask_id_number(_normalize_id_number(id_number or ""))
        phone_masked = _masked_phone(phone or "")
        connection.execute(
            sa.text("UPDATE cases SET id_number_masked = :i, phone_masked = :p, search_text = :s WHERE case_id = :c"),
            {
                "i": id_masked,
                "p": phone_masked,
                "s": _search_text(name, case_no, phone_masked, id_masked, item_name),
                "c": case_id,
            },
        )
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_id_number")
        batch.drop_column("id_number")
        batch.drop_column("phone")
        batch.create_index("ix_cases_id_number_index", ["id_number_index"], unique=False)
        batch.create_index("ix_cases_phone_index", ["phone_index"], unique=False)
    config = op.get_context().config
    attributes = config.attributes if config else {}
    if attributes.get("data_key") is not None:
        _seal_existing_rows(connection, attributes["data_key"], attributes.get("data_key_record"))


def downgrade() -> None:
    raise NotImplementedError("personal data is not decrypted back into plain columns")


# -- frozen at commit f8c1950: sync.domain.validation, sync.domain.text, sync.domain.personal_data ----------------

_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + n): str(n) for n in range(10)}, "Ｘ": "X", "ｘ": "x", "－": "-", "—": "-", "‐": "-"}
)
_BLANKS = re.compile(r"\s+")
_PUA = str.maketrans(
    {
        "\ue81e": "\u9fb4",
        "\ue826": "\u9fb5",
        "\ue82b": "\u9fb6",
        "\ue82c": "\u9fb7",
        "\ue832": "\u9fb8",
        "\ue843": "\u9fb9",
        "\ue854": "\u9fba",
        "\ue864": "\u9fbb",
    }
)
_TO_MIDDLE_DOT = str.maketrans(dict.fromkeys("\u2022\uff0e\u30fb\uff65\u2027\u2219\u22c5\ufe52", "\u00b7"))
_SPACED_DOT = re.compile(r"\s*\u00b7\s*")
_SENSITIVE = frozenset({"id_number", "phone", "signature_data"})


def _normalize_id_number(raw: str) -> str:
    return _BLANKS.sub("", raw.translate(_FULL_WIDTH)).upper()


def _mask_id_number(number: str) -> str:
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _masked_phone(phone: str) -> str:
    phone = phone.strip()
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    if not phone:
        return phone
    area, _, number = phone.rpartition("-")
    if area and len(number) > 4:
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return "*" * max(0, len(phone) - 4) + phone[-4:]


def _normalize_name(text: str) -> str:
    nfc = unicodedata.normalize("NFC", text.translate(_PUA))
    return _SPACED_DOT.sub("\u00b7", nfc.translate(_TO_MIDDLE_DOT)).strip()


def _search_text(name: str, case_no: str, phone_masked: str, id_masked: str, item_name: str) -> str:
    return "\x1f".join((_normalize_name(name), case_no, phone_masked, id_masked, item_name)).upper()


def _masked(key: str, value: Any) -> Any:
    if key == "id_number" and isinstance(value, str):
        return _mask_id_number(_normalize_id_number(value))
    if key == "phone" and isinstance(value, str):
        return _masked_phone(value)
    return None  # ink and anything else: left out


def _split(tree: Any, path: list[Any], secrets: list[list[Any]]) -> Any:
    """``tree`` with every personal value masked or left out; the real values appended to ``secrets``."""
    if isinstance(tree, Mapping):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            if key in _SENSITIVE and value not in (None, "", {}, []):
                secrets.append([[*path, key], value])
                masked = _masked(key, value)
                if masked is not None:
                    out[key] = masked
            else:
                out[key] = _split(value, [*path, key], secrets)
        return out
    if isinstance(tree, list):
        return [_split(v, [*path, i], secrets) for i, v in enumerate(tree)]
    return tree


# -- frozen at commit f8c1950: sync.crypto (envelope ``enc1:``, blind indexes), desktop.store.personal_data ----------


class _Sealer:
    """What sealing needs of the data key: AES-256-GCM and the HMAC blind index, from sub-keys of ``raw``."""

    def __init__(self, raw: bytes) -> None:
        self._aead = AESGCM(self._subkey(raw, b"field-encryption"))
        self._index_key = self._subkey(raw, b"blind-index")

    @staticmethod
    def _subkey(raw: bytes, purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"daibantong/" + purpose).derive(raw)

    def seal(self, value: Any, aad: str) -> str:
        plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        nonce = os.urandom(12)
        blob = nonce + self._aead.encrypt(nonce, plain, aad.encode("utf-8"))
        return "enc1:" + base64.urlsafe_b64encode(blob).decode("ascii")

    def seal_tree(self, tree: Any, aad: str) -> tuple[Any, str | None]:
        secrets: list[list[Any]] = []
        masked = _split(tree, [], secrets)
        return masked, (self.seal(secrets, aad) if secrets else None)

    def blind_index(self, kind: str, normalized: str) -> str:
        return hmac.new(self._index_key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()[:32]


def _case_columns(sealer: _Sealer, case_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    applicant = data.get("applicant") or {}
    id_number, phone = str(applicant.get("id_number", "")), str(applicant.get("phone", ""))
    masked, sealed = sealer.seal_tree(data, f"case:{case_id}")
    id_masked, phone_masked = _mask_id_number(_normalize_id_number(id_number)), _masked_phone(phone)
    return {
        "id_number_masked": id_masked,
        "phone_masked": phone_masked,
        "id_number_index": sealer.blind_index("id", _normalize_id_number(id_number)) if id_number else None,
        "phone_index": sealer.blind_index("phone", re.sub(r"[\s\-－]", "", phone)) if phone else None,
        "data": masked,
        "sealed": sealed,
        "search_text": _search_text(
            str(applicant.get("name", "")),
            str(data.get("case_no", "")),
            phone_masked,
            id_masked,
            str(data.get("item_name", "")),
        ),
    }


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _put_setting(connection: sa.Connection, name: str, value: Any, replace: bool = True) -> None:
    conflict = "DO UPDATE SET value = excluded.value" if replace else "DO NOTHING"
    connection.execute(
        sa.text(f"INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) {conflict}"),
        {"k": name, "v": _dump(value)},
    )


def _seal_existing_rows(connection: sa.Connection, key: Any, key_record: Mapping[str, Any] | None) -> None:
    """Seal every row still holding personal data in plain text, with ``key`` (the app's unlocked data key:
    only its ``raw`` bytes and ``key_id`` are used); store ``key_record`` (a new key's) and mark the database
    as sealed with it (settings ``data_key`` and ``personal_data_sealed``, which the app reads)."""
    sealer, chunk = _Sealer(key.raw), 2000
    if key_record is not None:
        _put_setting(connection, "data_key", dict(key_record), replace=False)
    for table in ("events", "center_events"):
        last = 0
        while True:
            rows = connection.execute(
                sa.text(
                    f"SELECT seq, id, payload FROM {table} WHERE seq > :last AND sealed IS NULL ORDER BY seq LIMIT :n"
                ),
                {"last": last, "n": chunk},
            ).all()
            if not rows:
                break
            for seq, event_id, payload in rows:
                masked, sealed = sealer.seal_tree(_json(payload), f"event:{event_id}")
                if sealed is not None:
                    connection.execute(
                        sa.text(f"UPDATE {table} SET payload = :p, sealed = :s WHERE seq = :seq"),
                        {"p": _dump(masked), "s": sealed, "seq": seq},
                    )
            last = rows[-1][0]
    last_id = ""
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT case_id, data FROM cases WHERE case_id > :last AND sealed IS NULL ORDER BY case_id LIMIT :n"
            ),
            {"last": last_id, "n": chunk},
        ).all()
        if not rows:
            break
        for case_id, data in rows:
            document = _json(data)
            if isinstance(document, Mapping) and document.get("applicant"):
                columns = _case_columns(sealer, case_id, document)
                columns["data"] = _dump(columns["data"])
                sets = ", ".join(f"{name} = :{name}" for name in columns)
                connection.execute(
                    sa.text(f"UPDATE cases SET {sets} WHERE case_id = :case_id"), {**columns, "case_id": case_id}
                )
        last_id = rows[-1][0]
    _put_setting(connection, "personal_data_sealed", key.key_id)
