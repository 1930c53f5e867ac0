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
rows then (``desktop.services.data_key``); until that login the rows keep
their plain text, as before this migration. Either way the app rewrites the
file afterwards (VACUUM) so no plain text stays in free pages.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.personal_data import masked_phone, seal_existing_rows, search_text
from sync.domain.validation import mask_id_number, normalize_id_number

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
        id_masked = mask_id_number(normalize_id_number(id_number or ""))
        phone_masked = masked_phone(phone or "")
        connection.execute(
            sa.text("UPDATE cases SET id_number_masked = :i, phone_masked = :p, search_text = :s WHERE case_id = :c"),
            {
                "i": id_masked,
                "p": phone_masked,
                "s": search_text(name, case_no, phone_masked, id_masked, item_name),
                "c": case_id,
            },
        )
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_id_number")
        batch.drop_column("id_number")
        batch.drop_column("phone")
        batch.create_index("ix_cases_id_number_index", ["id_number_index"], unique=False)
        batch.create_index("ix_cases_phone_index", ["phone_index"], unique=False)
    attributes = op.get_context().config.attributes if op.get_context().config else {}
    if attributes.get("data_key") is not None:
        seal_existing_rows(connection, attributes["data_key"], attributes.get("data_key_record"))


def downgrade() -> None:
    raise NotImplementedError("personal data is not decrypted back into plain columns")
