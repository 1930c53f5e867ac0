"""cases.search_text rebuilt with names as search normalises them (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Since the character rules (``sync.domain.text``), the list search normalises
a query's name (NFC, look-alike dots such as "•" "．" "・" as "·" U+00B7) and
``search_text`` holds the name normalised the same way. Rows projected before
hold the name as it was typed, so 阿依古丽•买买提 was no longer found by any
spelling. Only the derived column is rewritten, from the row's own plain
columns (name, case number, masked numbers, matter): no key is needed and no
event or sealed value is touched. Page by page, so a large station never
holds every row in memory.

The search string and the name rules (``desktop.store.personal_data.search_text``,
``sync.domain.text.normalize_name``) are copied below as they stood at commit
f8c1950, so the migration keeps doing that however the app's modules change.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PAGE = 500

# -- frozen at commit f8c1950: sync.domain.text.normalize_name, desktop.store.personal_data.search_text -----------

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


def _normalize_name(text: str) -> str:
    nfc = unicodedata.normalize("NFC", text.translate(_PUA))
    return _SPACED_DOT.sub("\u00b7", nfc.translate(_TO_MIDDLE_DOT)).strip()


def _search_text(name: str, case_no: str, phone_masked: str, id_masked: str, item_name: str) -> str:
    return "\x1f".join((_normalize_name(name), case_no, phone_masked, id_masked, item_name)).upper()


def upgrade() -> None:
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT case_id, applicant_name, case_no, phone_masked, id_number_masked, item_name, search_text "
                "FROM cases WHERE case_id > :after ORDER BY case_id LIMIT :page"
            ),
            {"after": after, "page": PAGE},
        ).all()
        if not rows:
            return
        for case_id, name, case_no, phone_masked, id_masked, item_name, old in rows:
            new = _search_text(name or "", case_no or "", phone_masked or "", id_masked or "", item_name or "")
            if new != old:
                connection.execute(
                    sa.text("UPDATE cases SET search_text = :s WHERE case_id = :c"), {"s": new, "c": case_id}
                )
        after = rows[-1].case_id


def downgrade() -> None:
    pass  # derived data: nothing to put back
