"""The station's log file holds no full 身份证 or phone number, even when an error quotes one."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app import configure_logging
from desktop.log_masking import mask_numbers
from desktop.services.context import ServiceContext
from desktop.services.safety import audit

from .services.workflow_helpers import registered

ID = "11010519491231002X"
PHONE = "13800138000"


@pytest.fixture
def log_file(ctx: ServiceContext) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    configure_logging(ctx.db.data_dir)
    yield ctx.db.data_dir / "logs" / "daibantong.log"
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_mask_numbers() -> None:
    assert mask_numbers(f"身份证{ID}，电话{PHONE}。") == "身份证110105********002X，电话138****8000。"
    assert mask_numbers('{"id_number": "440308199001011239"}') == '{"id_number": "440308********1239"}'
    sha = "ab" * 10 + PHONE + "cd" * 10  # digits inside a hash are left alone
    assert mask_numbers(sha) == sha


def test_a_flow_that_logs_leaves_only_masked_numbers(ctx: ServiceContext, log_file: Path) -> None:
    case_id = registered(ctx)
    assert audit.reveal_id_number(ctx, case_id, "核对身份") == ID
    log = logging.getLogger("desktop.ui.errors")
    try:  # what an unexpected database error looks like: SQL parameters quoted in the message
        raise RuntimeError(f"(sqlite3.IntegrityError) UNIQUE failed [parameters: ('{ID}', '{PHONE}')]")
    except RuntimeError as exc:
        log.error("unexpected error: %s", "".join(traceback.format_exception(exc)))
        log.exception("background task failed for %s / %s", ID.lower(), PHONE)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "UNIQUE failed" in text and "110105********002X" in text and "138****8000" in text
    assert ID not in text and ID.lower() not in text and PHONE not in text
