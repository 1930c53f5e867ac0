"""代办站设置 → 代办站信息: the station's name, village, town, address and phone, corrected in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.context import ServiceContext
from desktop.services.printing import entrustment_pdf
from desktop.services.station import current_station, update_station
from sync.domain.errors import ValidationError

from .test_clerk_identity import pdf_text
from .workflow_helpers import registered


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
