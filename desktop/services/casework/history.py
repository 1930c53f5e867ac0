"""A case's event history as Chinese sentences: who, when, what."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sync.domain.audit_events import AUDIT_SENTENCES, audit_label
from sync.domain.case_rules import ACTIONS
from sync.domain.clock import beijing
from sync.domain.custody import holder_label
from sync.domain.errors import DomainError
from sync.domain.events import CENTER, Event
from sync.domain.model import CaseKind, CaseType
from sync.domain.ratings import RATING_LABELS, is_bad_rating
from sync.domain.step_signing import signature_note
from sync.domain.window_receipt import ReceiptItem

from .records import HistoryEntry

Payload = Mapping[str, Any]


def _names(values: Any) -> str:
    return "、".join(str(v) for v in values or ()) or "无"


def _date(value: Any) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(str(value)).strftime("%Y年%m月%d日").replace("年0", "年").replace("月0", "月")


def _registered(p: Payload) -> str:
    kind = CaseKind(p["kind"]).label
    return f"登记{kind}“{p['item']['name']}”（申请人{p['applicant']['name']}，{CaseType(p['case_type']).label}）"


def _correction(p: Payload) -> str:
    if p.get("supplement"):
        return f"收到补正材料：{_names(p.get('received'))}；仍缺：{_names(p.get('missing'))}"
    return f"一次性告知需补正的材料：{_names(p.get('missing'))}，补齐后开始计算办理时限"


def _accept(p: Payload) -> str:
    due = f"，应于{_date(p['due_on'])}前办结" if p.get("due_on") else ""
    if p.get("supplemented"):
        return f"补正材料已齐（{_names(p.get('received'))}），受理办件{due}"
    return f"材料齐全，受理办件{due}"


def _handover(p: Payload) -> str:
    items = "、".join(
        f"{i['name']}（{'原件' if i.get('original', True) else '复印件'}{i.get('copies', 1)}份）"
        for i in p.get("items", ())
    )
    route = f"材料交接：{holder_label(str(p.get('from')))}交给{holder_label(str(p.get('to')))}，{items}"
    if p.get("covered_by"):
        return f"{route}；以《代办服务委托书》上双方的签名为凭"
    signers = "、".join(s.get("signer", "") for s in p.get("signatures", ()))
    return f"{route}；{signers}签名"


def _received(p: Payload) -> str:
    """窗口确认收件: all as listed, or what differs."""
    try:
        problems = [text for text in (ReceiptItem.from_dict(i).problem for i in p.get("items", ())) if text]
    except DomainError:
        problems = []
    outcome = "有差异，" + "；".join(problems) if problems else "全部收到"
    text = f"镇窗口确认收件（{p.get('received_by', '')}）：{outcome}"
    return text + (f"。说明：{p['note']}" if p.get("note") else "")


def _feedback(p: Payload) -> str:
    rating = int(p.get("rating", 0))
    text = f"交付办理结果，申请人评价“{RATING_LABELS.get(rating, rating)}”"
    return text + "（差评，待镇中心回访整改）" if is_bad_rating(rating) else text


def _extend(p: Payload) -> str:
    return f"经申请人同意延期至{_date(p.get('due_on'))}，理由：{p.get('reason', '')}"


def _resume(p: Payload) -> str:
    due = f"，办结期限顺延至{_date(p['due_on'])}" if p.get("due_on") else ""
    reason = f"，事由：{p['reason']}" if p.get("reason") else ""
    return _signed(p, f"续办（中止{p.get('suspended_days', 0)}个工作日）{due}{reason}")


def _suspend(p: Payload) -> str:
    return _signed(p, f"中止办理，原因：{p.get('reason', '')}；恢复条件：{p.get('restart_condition', '')}")


def _signed(p: Payload, text: str) -> str:
    note = signature_note(p)
    return f"{text}（{note}）" if note else text


def _type(p: Payload) -> str:
    before = CaseType(p["previous"]).label if p.get("previous") else ""
    return f"办件类型由{before}改为{CaseType(p['case_type']).label}，理由：{p.get('reason', '')}"


def _archive(p: Payload) -> str:
    if p.get("retention_days"):
        closed = f"（{_date(p['closed_on'])}办结）" if p.get("closed_on") else ""
        return f"超过保存期限（办结后{p['retention_days']}天）{closed}，自动归档"
    return "归档"


SENTENCES: dict[str, Callable[[Payload], str]] = {
    "case.registered": _registered,
    "case.request_correction": _correction,
    "case.accept": _accept,
    "case.deliver": lambda p: "送件至镇中心",
    "case.center_accept": lambda p: "镇中心窗口受理",
    "case.center_request_correction": lambda p: f"镇中心要求补正：{_names(p.get('missing'))}",
    "case.center_complete": lambda p: f"镇中心办结：{p.get('result', '')}".rstrip("："),
    "case.center_return": lambda p: f"镇中心退回：{p.get('reason', '')}",
    "case.return": lambda p: f"退回：{p.get('reason', '')}（依据：{p.get('legal_basis', '')}），已登记否定报备",
    "case.give_feedback": _feedback,
    "case.answer": lambda p: "咨询答复，已一次性告知办理依据、条件、材料和时限",
    "case.archive": _archive,
    "case.withdraw": lambda p: f"申请人撤回，原因：{p.get('reason', '')}",
    "case.suspend": _suspend,
    "case.resume": _resume,
    "case.terminate": lambda p: (
        f"终止办理，原因：{p.get('reason', '')}；退还材料：{_names(p.get('materials_returned'))}"
    ),
    "case.extend": _extend,
    "case.handover": _handover,
    "case.attach": lambda p: f"添加附件“{p.get('filename', '')}”",
    "case.set_case_type": _type,
    "case.center_close_rating": lambda p: "镇中心完成差评回访整改",
    "case.center_handover_received": _received,
    **AUDIT_SENTENCES,
}


def local_time(iso: str) -> str:
    try:
        return beijing(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def history_entry(event: Event) -> HistoryEntry:
    action = event.type.removeprefix("case.")
    spec = ACTIONS.get(action)
    label = "登记" if event.type == "case.registered" else (spec.label if spec else event.type)
    label = audit_label(event.type, event.payload) or label
    describe = SENTENCES.get(event.type)
    try:
        sentence = describe(event.payload) if describe else label
    except (KeyError, TypeError, ValueError):
        sentence = label  # an older or unusual payload still gets a line
    return HistoryEntry(
        at=local_time(event.occurred_at),
        actor=event.actor,
        action=label,
        sentence=sentence,
        from_center=event.origin == CENTER,
    )
