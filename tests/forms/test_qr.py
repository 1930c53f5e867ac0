"""The QR code on the forms encodes the case URL: checked against the independent qrcode library."""

from __future__ import annotations

import pytest
import qrcode

from forms.widgets import qr_modules

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
