"""The 事项清单 as the Excel workbook a town keeps it in: export, a template, import with row checks, a diff.

Two sheets: ``事项`` (one row per matter) and ``申请材料`` (one row per material, tied to its matter by
事项编码), plus ``填写说明``. Import reads the cells, never formulas' code (``data_only``), refuses
what the stations would refuse (the domain's ``Catalog.from_dict`` and the text rules), and names
each problem by sheet, row and column in Chinese; nothing is published from an import until the
director has seen the difference from the published version (``catalog_diff``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from sync.domain.catalog import Catalog
from sync.domain.errors import DomainError
from sync.domain.model import CaseType
from sync.domain.text import bad_char, refusal

ITEMS_SHEET = "事项"
MATERIALS_SHEET = "申请材料"
GUIDE_SHEET = "填写说明"
#: (key, column title, width); the order of the columns in the ``事项`` sheet.
ITEM_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("code", "事项编码", 12),
    ("name", "事项名称", 30),
    ("department", "承办部门", 16),
    ("case_type", "办件类型", 10),
    ("promised_days", "承诺时限（工作日）", 10),
    ("fee", "收费标准", 10),
    ("legal_basis", "设定依据", 30),
    ("conditions", "办理条件", 30),
    ("notice", "办事指南（一次告知内容）", 40),
    ("notice_basis", "告知依据", 24),
    ("remedy", "救济途径", 30),
)
MATERIAL_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("code", "事项编码", 12),
    ("name", "材料名称", 30),
    ("original", "原件/复印件", 10),
    ("copies", "份数", 6),
    ("required", "是否必需", 8),
    ("main", "主件/附件", 8),
    ("how_to_obtain", "获取方式", 30),
)
#: The case types a matter may be published with, by their Chinese names (补办件 and 退回件 are what a
#: case becomes, never what a matter is).
CASE_TYPES = {t.label: t.value for t in (CaseType.IMMEDIATE, CaseType.PROMISED, CaseType.JOINT, CaseType.REPORTED)}
MAX_ITEMS = 2000
MAX_MATERIALS = 20_000
MAX_CELL = 4000
#: Unpacked workbook bound: a real 事项清单 is well under 1 MB; an .xlsx is a zip, so check before opening.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
GUIDE = (
    "1. “事项”表每行一个事项；事项编码不能重复，其余各表用它关联。",
    "2. 办件类型填“即办件”“承诺件”“联办件”或“上报件”；承诺时限填工作日数（即办件填0）。",
    "3. “申请材料”表每行一份材料：原件/复印件填“原件”或“复印件”，份数为正整数，是否必需填“是”或“否”，"
    "主件/附件填“主件”或“附件”。",
    "4. 不要合并单元格，不要改动表头；空行会被忽略。",
    "5. 导入后先核对与已发布版本的差异，确认后才会发布给各代办站。",
)


@dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"“{self.sheet}”表第{self.row}行：{self.message}" if self.row else f"“{self.sheet}”表：{self.message}"


class CatalogImportError(Exception):
    """The workbook cannot be published; ``problems`` says where and why, in Chinese."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("；".join(str(p) for p in problems[:5]))
        self.problems = list(problems)


# -- export ----------------------------------------------------------------------------------------------------------


def _sheet(wb: Workbook, title: str, columns: Sequence[tuple[str, str, int]], rows: Sequence[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append([label for _key, label, _w in columns])
    for n, (_key, _label, width) in enumerate(columns, 1):
        cell = ws.cell(row=1, column=n)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EBEBEB")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(n)].width = width
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"


def catalog_workbook(document: Mapping[str, Any]) -> bytes:
    """The catalog ``document`` (a published JSON document) as the town's workbook."""
    catalog = Catalog.from_dict(document)
    items, materials = [], []
    for item in catalog.items:
        items.append(
            [
                item.code,
                item.name,
                item.department,
                item.case_type.label,
                item.promised_days,
                item.fee,
                item.legal_basis,
                item.conditions,
                item.notice,
                item.notice_basis,
                item.remedy,
            ]
        )
        for m in item.materials:
            materials.append(
                [
                    item.code,
                    m.name,
                    "原件" if m.original else "复印件",
                    m.copies,
                    "是" if m.required else "否",
                    "主件" if m.main else "附件",
                    m.how_to_obtain,
                ]
            )
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    _sheet(wb, ITEMS_SHEET, ITEM_COLUMNS, items)
    _sheet(wb, MATERIALS_SHEET, MATERIAL_COLUMNS, materials)
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.append([f"事项清单（版本 {catalog.version}）填写说明"])
    for line in GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    wb.properties.creator = "代办通"
    wb.properties.title = f"事项清单 {catalog.version}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TEMPLATE = {
    "version": "模板",
    "items": [
        {
            "code": "MZ001",
            "name": "最低生活保障申请",
            "department": "镇民政办",
            "case_type": "promised",
            "promised_days": 30,
            "fee": "免费",
            "legal_basis": "《社会救助暂行办法》",
            "notice": "①提交申请 ②入户调查 ③民主评议 ④审核确认。咨询电话：0000-0000000",
            "remedy": "对决定不服的，可依法申请行政复议或者提起行政诉讼。",
            "materials": [
                {"name": "居民身份证", "original": True, "copies": 1, "required": True},
                {"name": "户口簿", "original": False, "copies": 1, "required": True},
            ],
        }
    ],
}


def template_workbook() -> bytes:
    """An example matter with its materials, for a town starting its list in our format."""
    return catalog_workbook(TEMPLATE)


# -- import ----------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(wb: Any, title: str, columns: Sequence[tuple[str, str, int]], limit: int) -> list[tuple[int, dict[str, str]]]:
    """(row number, {key: text}) of the non-empty data rows, after the header row was checked."""
    if title not in wb.sheetnames:
        raise CatalogImportError([RowProblem(title, 0, f"缺少“{title}”工作表（请使用导出的模板）")])
    ws = wb[title]
    rows = ws.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    expected = [label for _key, label, _w in columns]
    if header[: len(expected)] != expected:
        raise CatalogImportError([RowProblem(title, 1, "表头应为：" + "、".join(expected))])
    out: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(rows, 2):
        cells = [_text(v) for v in values[: len(columns)]]
        if not any(cells):
            continue
        if len(out) >= limit:
            raise CatalogImportError([RowProblem(title, number, f"行数超过上限{limit}")])
        cells += [""] * (len(columns) - len(cells))
        out.append((number, {key: cells[i] for i, (key, _label, _w) in enumerate(columns)}))
    return out


def _check_text(problems: list[RowProblem], sheet: str, row: int, label: str, text: str) -> str:
    if len(text) > MAX_CELL:
        problems.append(RowProblem(sheet, row, f"“{label}”超过{MAX_CELL}字"))
    bad = bad_char(text, allowed=frozenset("\n"))
    if bad is not None:
        problems.append(RowProblem(sheet, row, refusal(f"“{label}”", bad)))
    return text


def _count(problems: list[RowProblem], sheet: str, row: int, label: str, text: str, least: int) -> int:
    try:
        value = int(float(text)) if text else -1
        if float(text) != value:
            raise ValueError(text)
    except ValueError:
        value = -1
    if value < least:
        problems.append(RowProblem(sheet, row, f"“{label}”应为不小于{least}的整数（现为“{text}”）"))
    return value


def _choice(problems: list[RowProblem], sheet: str, row: int, label: str, text: str, options: dict[str, Any]) -> Any:
    if text not in options:
        problems.append(RowProblem(sheet, row, f"“{label}”应填{_one_of(list(options))}（现为“{text}”）"))
        return next(iter(options.values()))
    return options[text]


def _one_of(options: list[str]) -> str:
    """“甲”、“乙”或“丙”."""
    quoted = [f"“{o}”" for o in options]
    return "、".join(quoted[:-1]) + "或" + quoted[-1] if len(quoted) > 1 else quoted[0]


def read_catalog_workbook(data: bytes, version: str) -> dict[str, Any]:
    """The catalog document in ``data`` (an .xlsx), as version ``version``; ``CatalogImportError`` lists every
    problem found (by sheet and row), so the director fixes them all at once."""
    _check_zip(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CatalogImportError([RowProblem("文件", 0, "不是有效的Excel文件（.xlsx），请用导出的模板填写")]) from exc
    try:
        item_rows = _rows(wb, ITEMS_SHEET, ITEM_COLUMNS, MAX_ITEMS)
        material_rows = _rows(wb, MATERIALS_SHEET, MATERIAL_COLUMNS, MAX_MATERIALS)
    finally:
        wb.close()
    problems: list[RowProblem] = []
    labels = {key: label for key, label, _w in ITEM_COLUMNS}
    items: dict[str, dict[str, Any]] = {}
    for row, cells in item_rows:
        for key in ("code", "name", "department", "case_type"):
            if not cells[key]:
                problems.append(RowProblem(ITEMS_SHEET, row, f"“{labels[key]}”不能为空"))
        for key, text in cells.items():
            _check_text(problems, ITEMS_SHEET, row, labels[key], text)
        if cells["code"] in items:
            problems.append(RowProblem(ITEMS_SHEET, row, f"事项编码“{cells['code']}”重复"))
            continue
        case_type = _choice(problems, ITEMS_SHEET, row, labels["case_type"], cells["case_type"], CASE_TYPES)
        days = _count(problems, ITEMS_SHEET, row, labels["promised_days"], cells["promised_days"], 0)
        items[cells["code"]] = {
            **{key: cells[key] for key in labels if key not in ("case_type", "promised_days")},
            "case_type": case_type,
            "promised_days": days,
            "fee": cells["fee"] or "免费",
            "materials": [],
        }
    m_labels = {key: label for key, label, _w in MATERIAL_COLUMNS}
    for row, cells in material_rows:
        for key, text in cells.items():
            _check_text(problems, MATERIALS_SHEET, row, m_labels[key], text)
        item = items.get(cells["code"])
        if item is None:
            problems.append(RowProblem(MATERIALS_SHEET, row, f"事项编码“{cells['code']}”不在“事项”表中"))
            continue
        if not cells["name"]:
            problems.append(RowProblem(MATERIALS_SHEET, row, "“材料名称”不能为空"))
        item["materials"].append(
            {
                "name": cells["name"],
                "original": _choice(
                    problems, MATERIALS_SHEET, row, "原件/复印件", cells["original"], {"原件": True, "复印件": False}
                ),
                "copies": _count(problems, MATERIALS_SHEET, row, "份数", cells["copies"] or "1", 1),
                "required": _choice(
                    problems, MATERIALS_SHEET, row, "是否必需", cells["required"] or "是", {"是": True, "否": False}
                ),
                "main": _choice(
                    problems, MATERIALS_SHEET, row, "主件/附件", cells["main"] or "主件", {"主件": True, "附件": False}
                ),
                "how_to_obtain": cells["how_to_obtain"],
            }
        )
    if not items and not problems:
        problems.append(RowProblem(ITEMS_SHEET, 0, "没有任何事项"))
    if problems:
        raise CatalogImportError(problems)
    document = {"version": version, "items": list(items.values())}
    try:
        Catalog.from_dict(document)
    except DomainError as exc:
        raise CatalogImportError([RowProblem(ITEMS_SHEET, 0, exc.message)]) from exc
    return document


def _check_zip(data: bytes) -> None:
    """Refuse a file that is not a zip, or that unpacks past ``MAX_UNPACKED_BYTES``, before openpyxl reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CatalogImportError([RowProblem("文件", 0, "不是有效的Excel文件（.xlsx），请用导出的模板填写")]) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise CatalogImportError([RowProblem("文件", 0, "文件解压后过大，不是一份事项清单")])


# -- diff ------------------------------------------------------------------------------------------------------------

_FIELD_LABELS = {key: label for key, label, _w in ITEM_COLUMNS} | {"materials": "申请材料"}


@dataclass(frozen=True)
class CatalogChange:
    kind: str  # 新增 / 删除 / 修改
    code: str
    name: str
    fields: tuple[str, ...] = ()


def catalog_diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[CatalogChange]:
    """What publishing ``new`` changes against ``old`` (the published document), matter by matter."""
    before = {str(i["code"]): i for i in (old or {}).get("items", [])}
    after = {str(i["code"]): i for i in new.get("items", [])}
    changes = []
    for code, item in after.items():
        if code not in before:
            changes.append(CatalogChange("新增", code, str(item.get("name", ""))))
            continue
        was = Catalog.from_dict({"version": "", "items": [before[code]]}).items[0]
        now = Catalog.from_dict({"version": "", "items": [item]}).items[0]
        fields = tuple(label for key, label in _FIELD_LABELS.items() if getattr(was, key) != getattr(now, key))
        if fields:
            changes.append(CatalogChange("修改", code, now.name, fields))
    for code, item in before.items():
        if code not in after:
            changes.append(CatalogChange("删除", code, str(item.get("name", ""))))
    return changes
