"""Each clerk's 身份证 number and phone: sealed like the villagers', printed as 受托人 on the 委托书."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from desktop.services import accounts, clerk_identity
from desktop.services.context import ServiceContext
from desktop.services.printing.case_forms import entrustment_pdf
from desktop.services.station import current_station
from desktop.store.models import ClerkRow
from sync.domain.errors import ValidationError
from sync.domain.validation import id_check_char

from .test_personal_data import ID, assert_no_plain, raw_files
from .workflow_helpers import registered

CLERK_ID = "110101199003071234"
CLERK_PHONE = "13912345678"


def clerk_id() -> str:
    """A valid 身份证 number for the clerk (check digit computed, not typed)."""
    return CLERK_ID[:17] + id_check_char(CLERK_ID[:17])


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def test_a_new_clerk_with_id_and_phone_logs_in_and_the_list_masks_them(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.login(ctx, "admin", "mima123456")
    added = accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1", f" {clerk_id()} ", "139 1234 5678")
    assert added.id_masked == "110101********" + clerk_id()[-4:] and added.phone_masked == "139****5678"
    assert accounts.login(ctx, "zhang", "zhang-mima-1").display_name == "张代办"
    assert current_station(ctx).clerk == "张代办"  # type: ignore[union-attr]
    assert clerk_identity.identity_of(ctx, "zhang") == clerk_identity.ClerkIdentity(clerk_id(), CLERK_PHONE)
    with ctx.db.reading() as session:
        row = session.get(ClerkRow, "zhang")
        assert row is not None and row.sealed and clerk_id() not in row.sealed
    assert_no_plain(raw_files(ctx.db.data_dir), clerk_id(), CLERK_PHONE)


def test_a_bad_id_number_adds_no_clerk(ctx: ServiceContext) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.login(ctx, "admin", "mima123456")
    with pytest.raises(ValidationError) as err:
        accounts.create_clerk(ctx, "zhang", "张代办", "zhang-mima-1", "110101199003071235", "")
    assert err.value.field == "clerk_id_number"
    assert [c.username for c in accounts.list_clerks(ctx)] == ["admin"]


def test_the_entrustment_prints_the_clerks_id_and_phone_as_agent(ctx: ServiceContext, tmp_path: Path) -> None:
    accounts.create_clerk(ctx, "admin", "李代办", "mima123456")
    accounts.login(ctx, "admin", "mima123456")
    clerk_identity.set_identity(ctx, "admin", clerk_id(), CLERK_PHONE)
    case_id = registered(ctx)
    text = pdf_text(entrustment_pdf(ctx, case_id), tmp_path)
    lines = text.splitlines()
    agent_at = next(i for i, line in enumerate(lines) if "受托人" in line)
    # The 受托人 label sits in the middle of its three rows (姓名/电话, 证件, 住址).
    agent_block = "\n".join(lines[agent_at - 3 : agent_at + 4])
    assert "李代办" in agent_block and CLERK_PHONE in agent_block and clerk_id() in agent_block, agent_block
    assert "城南村代办站" in agent_block
    applicant_block = "\n".join(lines[: agent_at - 3])
    assert ID in applicant_block and clerk_id() not in applicant_block
