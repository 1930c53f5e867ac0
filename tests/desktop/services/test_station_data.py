"""代办站设置 → 代办站信息: the station's name, village, town, address and phone, corrected in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.casework.records import StepConfirmation
from desktop.services.context import ServiceContext
from desktop.services.printing.case_forms import entrustment_pdf
from desktop.services.station import current_station, update_station
from sync.domain.errors import ValidationError

from .test_clerk_identity import pdf_text
from .workflow_helpers import registered

#: The villager signs the printed 中止单/续办委托书.
PAPER = StepConfirmation(on_paper=True)


def test_station_data_is_corrected_and_the_code_stays(ctx: ServiceContext, tmp_path: Path) -> None:
    before = current_station(ctx)
    assert before is not None
    after = update_station(
        ctx, name="城南社区代办站", village="城南社区", town="城关街道", address=" 城南路 1 号 ", phone="0731-8888888"
    )
    assert (after.name, after.village, after.town, after.address, after.phone) == (
        "城南社区代办站",
        "城南社区",
        "城关街道",
        "城南路 1 号",
        "0731-8888888",
    )
    assert after.code == before.code and after.station_id == before.station_id
    assert current_station(ctx) == after
    with pytest.raises(ValidationError) as err:
        update_station(ctx, name="", village="城南社区", town="城关街道")
    assert err.value.field == "station_name"
    with pytest.raises(ValidationError) as err:
        update_station(ctx, name="城南社区代办站", village="城南社区", town="城关街道", phone="abc")
    assert err.value.field == "station_phone"
    text = pdf_text(entrustment_pdf(ctx, registered(ctx)), tmp_path)
    assert "城南社区代办站（城南路 1 号）" in text  # the 受托人's address: the station where the clerk works


def test_the_stations_phone_prints_on_the_suspension_notice(ctx: ServiceContext, tmp_path: Path) -> None:
    from desktop.services.casework import workflow
    from desktop.services.printing.steps import suspension_pdf

    update_station(ctx, name="城南村代办站", village="城南村", town="城关镇", phone="0731-8888888")
    case_id = registered(ctx)
    workflow.suspend(ctx, case_id, "等待残疾等级鉴定结论", "鉴定结论送达代办站后恢复办理", PAPER)
    assert "0731-8888888" in pdf_text(suspension_pdf(ctx, case_id), tmp_path)
