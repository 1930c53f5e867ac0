"""《档案查阅（复制）登记表》 (seed 002 档案管理): consulting or copying the station's files needs the 负责人's
consent and an entry in this register. Landscape, header row repeated on every page; the entries made
are printed, then ruled blank rows to write in (the station prints it blank: the app records no
consultation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from forms import fonts
from forms import layout as L
from forms.data import ArchiveConsultRegister, ArchiveConsultRow

TITLE = "档案查阅（复制）登记表"
HEADERS = (
    "序号",
    "查阅日期",
    "查阅人",
    "单位/身份",
    "证件号码",
    "查阅档案\n（办件编号/名称）",
    "查阅/复制\n/摘录",
    "页数",
    "用途",
    "批准人\n（负责人）签字",
    "归还/经办人\n签字",
)
_FIXED_MM = (9, 21, 18, 24, 33, None, 17, 10, 26, 24, 24)
CENTERED = frozenset({0, 1, 6, 7})
PADDING = 2.5
#: Room to write one entry by hand.
ROW_HEIGHT = 8.6 * mm


def number(data: ArchiveConsultRegister) -> str:
    return f"{data.station.code}-CY-{data.year}"


def rule(data: ArchiveConsultRegister) -> str:
    head = f"（{data.head_name}）" if data.head_name else ""
    return (
        f"查阅、复制、摘录本站业务档案，须经代办站负责人{head}同意，并由其在“批准人”栏签字后方可提供；"
        "查阅人须出示身份证件，外单位须持单位介绍信。档案一般在站内查阅，不得带出、涂改、拆页或转借；"
        "复制、摘录的材料仅限登记的用途使用。涉及个人信息的，只提供与用途相关的部分。"
    )


NOTE = "注：本表随业务档案长期保存；归还时由档案管理人当面清点页数无误后签字。"


def cells(n: int, row: ArchiveConsultRow) -> list[str]:
    """The printed text of an entry (证件号码 masked, blanks stay blank)."""
    return [
        str(n),
        row.consulted_on.isoformat() if row.consulted_on else "",
        row.person,
        row.unit,
        L.mask_id(row.id_number),
        row.files,
        row.manner,
        "" if row.pages is None else str(row.pages),
        row.purpose,
        row.approver,
        row.returned_to,
    ]


def _widths(width: float) -> list[float]:
    fixed = sum(w for w in _FIXED_MM if w is not None) * mm
    return [w * mm if w is not None else width - fixed for w in _FIXED_MM]


def story(data: ArchiveConsultRegister) -> list[Flowable]:
    width = L.LANDSCAPE_WIDTH
    widths = _widths(width)
    room = [w - 2 * PADDING for w in widths]
    out = L.header(
        TITLE,
        number(data),
        number(data),
        data.station.name,
        width=width,
        subtitle=f"{data.year}年度",
        number_label="登记簿编号",
        qr_caption="登记簿编号",
    )
    out.append(L.para(rule(data), L.SMALL))
    out.append(L.gap(1.5))
    rows: list[list[L.Cell]] = [[L.para(h, L.TH_SMALL) for h in HEADERS]]
    for n, row in enumerate(data.rows, 1):
        texts = cells(n, row)
        rows.append([L.fit(t, room[i], L.SMALL_CENTER if i in CENTERED else L.SMALL) for i, t in enumerate(texts)])
    first_blank = len(data.rows) + 1
    for n in range(first_blank, first_blank + data.blank_rows):
        rows.append([L.para(str(n), L.SMALL_CENTER)] + [None] * (len(HEADERS) - 1))

    def make(part: Sequence[Sequence[L.Cell]]) -> Table:
        # A blank row (nothing but its number) is as high as a hand-written line; an entry as its text.
        heights = [None] + [ROW_HEIGHT if row[1] is None else None for row in part[1:]]
        extra: list[tuple[Any, ...]] = [("FONT", (0, 1), (-1, -1), fonts.SONG, L.SMALL.fontSize, L.SMALL.leading)]
        extra += [("ALIGN", (i, 1), (i, -1), "CENTER") for i in CENTERED]
        return L.grid(
            part, widths, header_rows=1, repeat_header=True, padding=PADDING, extra=extra, row_heights=heights
        )

    closing: list[Flowable] = [L.gap(1.5), L.para(NOTE, L.SMALL)]
    out.append(L.TableThenClosing(rows, make, 1, closing))
    return out


def render(data: ArchiveConsultRegister) -> bytes:
    """The register as PDF: header row on every page, 第 N 页 共 M 页."""
    return L.build_pdf(
        story, data, title=TITLE, info=L.PageInfo(number(data), data.station.name, "登记簿编号"), landscape_page=True
    )
