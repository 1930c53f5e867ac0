"""Audit events of personal data at a station: their types, labels and Chinese sentences.

A station appends ``audit.id_number_read`` (a clerk revealed a full 身份证 number; payload
``subject_case_id``, ``case_no``, ``purpose``) and ``audit.export`` (personal data left the app;
payload ``what`` — a key of ``EXPORT_KINDS`` —, ``title``, ``case_count`` and either ``file_name`` +
``folder`` or ``printer`` + ``pages``; ``subject_case_id``/``case_no`` for one case). The station's
lists and case histories and the town center's 代办站个人信息审计 page read them with these labels
and sentences, so each is written once. They name the case, never the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Payload = Mapping[str, Any]

ID_NUMBER_READ = "audit.id_number_read"
EXPORT = "audit.export"
#: Every audit event type (the center's partial indexes of migration 0103 list the same, in this order).
AUDIT_TYPES = (ID_NUMBER_READ, EXPORT)

#: What ``audit.export`` events record as ``what`` (the kind of file, or paper, that left the app).
EXPORT_KINDS: dict[str, str] = {
    "usb_transfer": "导出到U盘",
    "ledger_xlsx": "导出代办台账（Excel）",
    "ledger_pdf": "导出代办台账（PDF）",
    "archive_list_xlsx": "导出档案移交清单（Excel）",
    "archive_list_pdf": "导出档案移交清单（PDF）",
    "case_form_pdf": "另存为PDF",
    "backup": "备份到所选文件夹",
    "case_form_print": "打印表单",
    "ledger_print": "打印代办台账",
    "archive_list_print": "打印档案移交清单",
}
#: The ``what`` of paper: pages sent to a printer.
PRINT_KINDS = tuple(kind for kind in EXPORT_KINDS if kind.endswith("_print"))

#: The three kinds of audit record a reader tells apart: a full 身份证 number seen, a file, paper.
ID_READ_KIND, EXPORT_KIND, PRINT_KIND = "id_number_read", "export", "print"
AUDIT_KIND_LABELS: dict[str, str] = {
    ID_READ_KIND: "查看完整身份证号码",
    EXPORT_KIND: "导出个人信息",
    PRINT_KIND: "打印个人信息",
}
#: The action column of audit events by type (not steps of a case); ``audit_label`` tells paper apart.
AUDIT_LABELS: dict[str, str] = {
    ID_NUMBER_READ: AUDIT_KIND_LABELS[ID_READ_KIND],
    EXPORT: AUDIT_KIND_LABELS[EXPORT_KIND],
}


def audit_kind(event_type: str, payload: Payload) -> str:
    """``id_number_read``, ``export`` or ``print`` ("" for an event that is not an audit event)."""
    if event_type == ID_NUMBER_READ:
        return ID_READ_KIND
    if event_type == EXPORT:
        return PRINT_KIND if payload.get("what") in PRINT_KINDS else EXPORT_KIND
    return ""


def audit_label(event_type: str, payload: Payload) -> str:
    """查看完整身份证号码, 导出个人信息 or 打印个人信息 ("" for an event that is not an audit event)."""
    kind = audit_kind(event_type, payload)
    return AUDIT_KIND_LABELS[kind] if kind else ""


def id_number_read_sentence(p: Payload) -> str:
    return f"查看完整身份证号码，用途：{p.get('purpose', '')}"


def export_sentence(p: Payload) -> str:
    what = EXPORT_KINDS.get(str(p.get("what", "")), "导出")
    title = f"“{p['title']}”" if p.get("title") else ""
    cases = f"含{int(p.get('case_count', 0))}件办件"
    if "printer" in p:
        return f"{what}{title}，{cases}，打印机：{p['printer']}，共{int(p.get('pages', 0))}页"
    return f"{what}{title}，{cases}，文件：{p.get('file_name', '')}（{p.get('folder', '')}）"


AUDIT_SENTENCES = {ID_NUMBER_READ: id_number_read_sentence, EXPORT: export_sentence}


def audit_sentence(event_type: str, payload: Payload) -> str:
    """The Chinese sentence of an audit event; its label when an older or unusual payload cannot be read."""
    label = AUDIT_LABELS.get(event_type, event_type)
    describe = AUDIT_SENTENCES.get(event_type)
    try:
        return describe(payload) if describe else label
    except (KeyError, TypeError, ValueError):
        return label
