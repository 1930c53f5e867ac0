"""The QR code on the forms: checked module by module against the independent qrcode library, and
decoded off the printed page (zxing-cpp): the published case address, or the number alone."""

from __future__ import annotations

import dataclasses

import pytest
import qrcode
import zxingcpp

from forms import demo, entrustment
from forms.page import QR_SIZE
from forms.widgets import qr_modules
from tests.forms import glyphs, pdfcheck
from tests.forms.cases import CASES, FormCase

URLS = [
    "dbt://case/QX0312-20261116-0007",
    "https://wmfw.qingxi.gov.cn/case/QX0312-20261116-0007",
    "dbt://ledger/QX0312/20261001-20261231",
    "dbt://archive/ABCDEFGHIJKL/2026Q3",
]


def reference(data: str, mask: int) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=mask)
    code.add_data(data, optimize=0)  # one 8-bit segment, as ReportLab encodes
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


@pytest.mark.parametrize("data", URLS)
def test_qr_modules_match_an_independent_encoder(data: str) -> None:
    # The two encoders may pick different (equally valid) mask patterns; with the same mask the
    # symbols must be identical, module for module.
    ours = qr_modules(data)
    assert any(reference(data, mask) == ours for mask in range(8))


# ---------------------------------------------------------------- decoded from the printed page


def decoded(pdf: bytes) -> list[str]:
    """Every QR code a decoder (zxing-cpp) reads off the first page rendered at 200 dpi."""
    page = glyphs.pages(pdf, 200)[0]
    return [code.text for code in zxingcpp.read_barcodes(page)]


PUBLIC = "https://wmfw.qingxi.gov.cn/center/cases/no/"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.id not in {"ledger", "archive_list", "archive_register", "review"}], ids=str
)
def test_a_case_form_carries_the_published_case_address(case: FormCase) -> None:
    record = case.record()
    station = dataclasses.replace(record.station, case_url_base=PUBLIC)
    pdf = case.render(dataclasses.replace(record, station=station))
    assert decoded(pdf) == [PUBLIC + record.case_no]
    assert "扫码查看办理进度" in pdfcheck.text(pdf)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_without_a_published_address_the_code_holds_the_number_and_promises_nothing(case: FormCase) -> None:
    record = case.record()
    if hasattr(record, "station"):
        record = dataclasses.replace(record, station=dataclasses.replace(record.station, case_url_base=""))
    if hasattr(record, "link"):
        record = dataclasses.replace(record, link="")
    pdf = case.render(record)
    (text,) = decoded(pdf)
    assert not text.startswith(("dbt:", "http")), text
    assert text in pdfcheck.text(pdf)  # the number printed beside it
    assert "扫码查看" not in pdfcheck.text(pdf)


def test_the_quiet_zone_is_four_modules() -> None:
    pdf = entrustment.render(demo.entrustment())
    page = glyphs.pages(pdf, 300)[0]
    (code,) = zxingcpp.read_barcodes(page)
    modules = len(qr_modules(code.text))
    side = (code.position.top_right.x - code.position.top_left.x) / modules  # pixels per module
    box = QR_SIZE * 300 / 72  # the square the code is drawn in, quiet zone included
    assert (box - modules * side) / 2 / side == pytest.approx(4, abs=0.2)
    x0, y0 = code.position.top_left.x, code.position.top_left.y
    left = page.crop((int(x0 - 4 * side + 1), int(y0), int(x0 - 1), int(y0 + modules * side)))
    above = page.crop((int(x0), int(y0 - 4 * side + 1), int(x0 + modules * side), int(y0 - 1)))
    assert min(left.getextrema()) > 200 and min(above.getextrema()) > 200  # and nothing is printed there
