from __future__ import annotations

import io
import re
from dataclasses import replace

from pypdf import PdfReader

from desktop.services.casework.cases import get_case, register_case
from desktop.services.context import ServiceContext
from desktop.services.printing.case_forms import entrustment_pdf

from ..conftest import complete_draft, signed


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def test_entrustment_of_a_registered_case_carries_its_data(ctx: ServiceContext) -> None:
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    view = get_case(ctx, case_id)
    pdf = entrustment_pdf(ctx, case_id)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in (
        "代办服务委托书",
        view.case_no,
        "王秀英",
        "11010519491231002X",
        "13800138000",
        "李代办",
        view.item_name,
        "城南村代办站",
    ):
        assert expected in text, expected
    for material in view.materials:
        assert material.name.replace(" ", "") in text
    assert view.due_on is not None and f"{view.due_on.year}年" in text


def test_entrustment_font_is_embedded(ctx: ServiceContext) -> None:
    case_id = register_case(ctx, complete_draft(ctx)).case_ids[0]
    reader = PdfReader(io.BytesIO(entrustment_pdf(ctx, case_id)))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts.append(descriptor is not None and "/FontFile2" in descriptor.get_object())
    assert fonts and all(fonts)


def test_entrustment_lists_missing_required_materials_but_not_optional_ones(ctx: ServiceContext) -> None:
    draft = complete_draft(ctx)
    first = draft.materials[0]
    optional = replace(first, name="残疾人证（如有）", required=False, present=False)
    materials = (replace(first, present=False), *draft.materials[1:], optional)
    case_id = register_case(ctx, signed(ctx, replace(draft, materials=materials))).case_ids[0]
    text = _text(entrustment_pdf(ctx, case_id))
    assert text.count("未提交，待补正") == 1  # the required one only
    assert "残疾人证" not in text


def test_a_complete_case_with_an_optional_material_not_brought_prints_no_correction(ctx: ServiceContext) -> None:
    draft = complete_draft(ctx)
    optional = replace(draft.materials[0], name="残疾人证（如有）", required=False, present=False)
    case_id = register_case(ctx, signed(ctx, replace(draft, materials=(*draft.materials, optional)))).case_ids[0]
    assert get_case(ctx, case_id).state.value == "accepted"
    text = _text(entrustment_pdf(ctx, case_id))
    assert "待补正" not in text and "未提交" not in text and "残疾人证" not in text
