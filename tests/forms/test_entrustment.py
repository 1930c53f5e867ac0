"""《代办服务委托书》 specifics: long texts wrap, blanks for hand filling, QR content, PNG signatures."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from PIL import Image

from forms import demo, entrustment, layout
from forms.data import Signature
from tests.domain.factories import SIGNED_AT
from tests.forms import pdfcheck

LONG_MATTER = ("城乡居民基本养老保险待遇领取资格认证、待遇申领、遗属待遇核定及丧葬补助金申领" * 6)[:200]
_ADDRESS_PART = "浙江省杭州市青溪镇石桥村下湾组27号（原石桥乡红旗大队第三生产队老粮站后面第二排）ABCDEFGHIJ0123456789"
LONG_ADDRESS = (_ADDRESS_PART * 4)[:200]


def test_demo_fits_one_page() -> None:
    assert pdfcheck.page_count(entrustment.render(demo.entrustment())) == 1


def test_200_character_matter_and_address_wrap_inside_their_cells() -> None:
    base = demo.entrustment()
    data = dataclasses.replace(
        base,
        matter=LONG_MATTER,
        applicant=dataclasses.replace(base.applicant, address=LONG_ADDRESS),
    )
    pdf = entrustment.render(data)
    text = pdfcheck.text(pdf)
    assert pdfcheck.squash(LONG_MATTER) in text
    assert pdfcheck.squash(LONG_ADDRESS) in text
    assert pdfcheck.missing_fields(pdf, data) == {}
    assert pdfcheck.words_outside_body(pdf) == []
    assert pdfcheck.page_count(pdf) <= 2
    # Wrapped: the matter's words span several lines, each no wider than the value column.
    lines = [w for w in pdfcheck.words(pdf) if w.text and w.text in LONG_MATTER and len(w.text) > 10]
    assert len(lines) >= 3
    assert len({round(w.y0) for w in lines}) == len(lines)


def test_unsigned_form_prints_blanks_for_hand_filling() -> None:
    data = dataclasses.replace(
        demo.entrustment(),
        applicant_signature=None,
        agent_signature=None,
        signed_on=None,
        promised_deadline=None,
        promised_days=None,
    )
    text = pdfcheck.text(entrustment.render(data))
    assert "委托人签名：" in text and "受托人签名：" in text and "委托人按指印处" in text
    assert "本代办服务免费（无偿代办）" in text and "监督电话：0571-88612345" in text
    assert "个人信息单独同意" in text and "个人信息保护法》第二十九条" in text
    assert "代书人（委托人不能书写时填写）" in text
    assert text.count(pdfcheck.squash(layout.BLANK_DATE)) >= 3


def test_png_signature_is_drawn() -> None:
    image = Image.new("RGBA", (200, 60), (255, 255, 255, 0))
    for x in range(20, 180):
        image.putpixel((x, 30 + (x % 7)), (0, 0, 0, 255))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    data = dataclasses.replace(demo.entrustment(), applicant_signature=Signature(png=buf.getvalue()))
    pdf = entrustment.render(data)
    assert b"/Subtype /Image" in pdf


def test_vector_signature_is_paths_not_images() -> None:
    pdf = entrustment.render(demo.entrustment())
    assert b"/Subtype /Image" not in pdf


def test_qr_code_holds_the_case_url(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    original = layout.qr_drawing

    def spy(data: str, size: float) -> Any:
        seen.append(data)
        return original(data, size)

    monkeypatch.setattr(layout, "qr_drawing", spy)
    record = demo.entrustment()
    entrustment.render(record)
    assert seen == [record.station.case_url_base + record.case_no]


def test_markup_characters_in_user_text_are_printed_literally() -> None:
    data = dataclasses.replace(demo.entrustment(), scope="代为提交 <申请表> & 领取结果 <b>不加粗</b>")
    assert pdfcheck.squash("代为提交 <申请表> & 领取结果 <b>不加粗</b>") in pdfcheck.text(entrustment.render(data))


def test_pad_strokes_with_pressure_and_single_points() -> None:
    # The signature pad records (x, y, t, pressure) in box units; a tap is a one-point stroke.
    pad = Signature(
        strokes=(((0.1, 0.5, 0, 0.4), (0.3, 0.2, 16, 0.6), (0.6, 0.7, 32, 0.5)), ((0.8, 0.4, 300, 0.5),)),
        width=1.0,
        height=0.35,
    )
    data = dataclasses.replace(demo.entrustment(), applicant_signature=pad, agent_signature=Signature())
    pdf = entrustment.render(data)
    assert pdfcheck.page_count(pdf) == 1
    assert b"/Subtype /Image" not in pdf


def test_concurrent_renders_are_identical() -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = demo.entrustment()
    expected = entrustment.render(data)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: entrustment.render(data), range(8)))
    assert all(r == expected for r in results)


def test_damaged_signature_image_raises_a_clear_error() -> None:
    from forms.errors import FormDataError

    data = dataclasses.replace(demo.entrustment(), applicant_signature=Signature(png=b"not a png"))
    with pytest.raises(FormDataError) as info:
        entrustment.render(data)
    assert "签名图片已损坏" in info.value.message


def test_a_pad_signature_of_the_shared_core_prints() -> None:
    # How desktop.services hands a captured signature to a form: strokes and box as they are.
    from sync.domain import signature as core

    raw = demo.signature(1)
    captured = core.Signature.from_pad(
        "王秀英",
        "委托人",
        [[(x * 1.5, y * 1.5, t, 0.3 + 0.4 * (i % 3) / 2) for i, (x, y, t) in enumerate(s)] for s in raw.strokes],
        captured_at=SIGNED_AT,
    )
    printable = Signature(strokes=captured.strokes, width=core.BOX_WIDTH, height=core.BOX_HEIGHT)
    pdf = entrustment.render(dataclasses.replace(demo.entrustment(), applicant_signature=printable))
    assert pdfcheck.page_count(pdf) == 1
    assert b"/Subtype /Image" not in pdf
