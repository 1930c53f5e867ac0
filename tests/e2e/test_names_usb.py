"""Issue 13 on a USB stick: every corpus name reaches the center's database (SQLite and PostgreSQL) exactly."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from desktop.services.casework.cases import register_case
from desktop.services.context import ServiceContext
from desktop.services.syncing import transfer
from sync.server.services.transfer import import_station_file
from tests.desktop.conftest import complete_draft
from tests.domain.names_corpus import NAMES

from .test_usb_transfer import Center, center_url, offline_station  # noqa: F401  (fixtures)


def _json(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else json.loads(str(value))


def test_corpus_names_cross_on_a_usb_stick_exactly(
    offline_station: tuple[ServiceContext, Center],  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    ctx, center = offline_station
    address = f"{NAMES['ext_e'][-1]}家村{NAMES['ext_b'][1]}组3号"
    sent = {
        register_case(ctx, complete_draft(ctx, applicant_name=name, address=address)).case_ids[0]: name
        for name in NAMES.values()
    }
    path = tmp_path / "to_center.dbt"
    transfer.export_to_file(ctx, path)
    data = path.read_bytes()
    assert center.run(lambda s: import_station_file(s, data)).accepted >= len(sent)

    def stored(session: sa.orm.Session) -> tuple[dict[str, object], list[dict[str, object]]]:
        cases = session.execute(sa.text("SELECT case_id, data FROM cases")).all()
        events = session.execute(sa.text("SELECT payload FROM events WHERE type = 'case.registered'")).scalars()
        return {c: _json(d) for c, d in cases}, [_json(p) for p in events]

    cases, registrations = center.run(stored)
    assert {c: cases[c]["applicant"]["name"] for c in sent} == sent  # type: ignore[index]
    assert {c: cases[c]["applicant"]["address"] for c in sent} == dict.fromkeys(sent, address)  # type: ignore[index]
    assert {str(p["case_id"]): p["applicant"]["name"] for p in registrations} == sent  # type: ignore[index]
