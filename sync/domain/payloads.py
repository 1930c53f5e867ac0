"""One schema per event type, and ``parse_payload``: the typed check both sides run on every event.

The station parses a payload before it appends the event (``desktop.store.event_log.append``);
the town center parses every pushed or imported station event with the same code before it
stores it (``sync.server.services.ingest``). A payload that does not parse raises
``ValidationError``: ``field`` is the machine-readable path (``applicant.address``,
``materials[0].copies``) and the message names the field in Chinese.

The schemas describe what every version of the station wrote (see ``payload_fields`` for
the leniency this needs: stored payloads are hashed and never rewritten): extra keys are
accepted and kept, keys a later version added are optional. Dates must lie between
2000-01-01 and ten years after the event; texts follow ``sync.domain.text``'s character rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from .audit_events import EXPORT, ID_NUMBER_READ
from .case_rules import ACTIONS
from .custody import HOLDER_LABELS
from .errors import ValidationError
from .events import Event
from .feedback import COMMENT_FIELDS, DIMENSIONS
from .model import SPECIAL_GROUPS, CaseKind, CaseType
from .payload_fields import Spec, Window, check_fields, choice, count, day, flag, items, name, obj, opaque, text, texts
from .step_signing import ON_PAPER
from .text import bad_char, refusal

FIRST_DATE = date(2000, 1, 1)
#: How far after the event a date in its payload may lie (a deadline, an extension).
YEARS_AHEAD = 10

CASE_ID = text("case_id", "办件编号", 64, required=True)
_SHA = 64
_BLOBS = texts("blobs", "附件文件清单", 50, _SHA)
_SIGNATURE_FIELDS = (
    name("signer", "签名人姓名", 100, required=True),
    text("role", "签名身份", 20, required=True),
    text("signature_sha256", "签名校验值", _SHA, required=True),
    text("content_sha256", "签署内容校验值", _SHA, required=True),
)
_SIGNED = (
    items("signatures", "签名记录", *_SIGNATURE_FIELDS, limit=20),
    opaque("signature_data", "签名笔迹"),
    _BLOBS,
)
_MATERIALS = items(
    "materials",
    "材料清单",
    text("name", "材料名称", 100, required=True),
    flag("original", "是否原件"),
    count("copies", "材料份数", 1, 999),
    flag("required", "是否必需材料"),
    flag("present", "是否已收到"),
)
#: 中止/续办: the villager's signature, or his choice to sign the printed form (``step_signing``); absent in
#: events recorded before he confirmed these steps.
_STEP_SIGNED = (*_SIGNED, flag(ON_PAPER, "是否签在纸上"))
_RECEIVED = texts("received", "收到的补正材料", 200, 100)
_DUE = (day("due_on", "办结期限"), flag("due_uncertain", "期限是否待定"))

_STATION_CASE: dict[str, tuple[Spec, ...]] = {
    "registered": (
        text("case_no", "办件号", 40, required=True),
        choice("kind", "服务方式", tuple(CaseKind), required=True),
        choice("case_type", "办件类型", tuple(CaseType), required=True),
        obj(
            "applicant",
            "委托人",
            name("name", "委托人姓名", required=True),
            text("id_number", "委托人身份证号码", 32, required=True),
            text("phone", "委托人联系电话", 32, required=True),
            text("address", "委托人住址", 200),
            texts("special_groups", "特殊群体类别", len(SPECIAL_GROUPS), 1, choices=SPECIAL_GROUPS),
            required=True,
        ),
        obj(
            "item",
            "办理事项",
            text("code", "事项编码", 64, required=True),
            text("name", "事项名称", 200, required=True),
            text("department", "办理部门", 200),
            count("promised_days", "承诺办结时限", 0, 3650),
            required=True,
        ),
        _MATERIALS,
        text("scope", "委托权限", 2000),
        *_SIGNED,
    ),
    "request_correction": (
        texts("missing", "需补正材料", 200, 100),
        opaque("notice", "一次性告知内容"),
        text("legal_basis", "法律依据"),
        text("note", "补正说明"),
        day("notified_on", "告知日期"),
        _MATERIALS,
        _RECEIVED,
        flag("supplement", "是否补正登记"),
    ),
    "accept": (
        day("accepted_on", "受理日期", required=True),
        *_DUE,
        _MATERIALS,
        _RECEIVED,
        flag("supplemented", "是否补正后受理"),
    ),
    "deliver": (day("delivered_on", "送件日期"),),
    "return": (
        text("reason", "退回原因"),
        texts("reasons", "退回理由", 50, 2000),
        text("legal_basis", "退回的法律依据"),
        day("returned_on", "退回日期"),
        obj(
            "denial",
            "否定报备",
            name("applicant", "申请人姓名"),
            text("phone", "申请人联系电话", 32),
            text("address", "申请人住址", 200),
            text("matter", "办理事项", 200),
            text("department", "办理部门", 200),
            text("basic_facts", "基本事实"),
            text("reason", "退回原因"),
            text("legal_basis", "退回的法律依据"),
            text("leader_opinion", "领导意见"),
            text("handled_by", "经办人", 100),
            day("date", "报备日期"),
        ),
    ),
    "give_feedback": (
        count("rating", "满意度评价", 1, 5, required=True),
        flag("result_confirmed", "是否已收到办理结果"),
        obj("comments", "评价意见", *(text(k, f"“{v}”意见", 500) for k, v in COMMENT_FIELDS.items())),
        obj("dimensions", "分项评价", *(count(k, f"“{v}”评价", 1, 5) for k, v in DIMENSIONS.items())),
        # the villager's signature reference on the 服务意见反馈表 (checked by ``feedback.parse_feedback`` when
        # ``result_confirmed`` is there); older events carried the pad ink itself here, in another shape
        opaque("signature", "申请人签名"),
        *_SIGNED,
    ),
    "answer": (opaque("notice", "一次性告知内容"), text("answer", "答复内容"), day("answered_on", "答复日期")),
    "archive": (
        day("archived_on", "归档日期"),
        count("retention_days", "保管天数", 0, 36500),
        day("closed_on", "办结日期"),
    ),
    "withdraw": (text("reason", "撤回原因"), day("withdrawn_on", "撤回日期")),
    "suspend": (
        text("reason", "中止原因"),
        text("restart_condition", "恢复办理的条件"),
        day("suspended_on", "中止日期"),
        *_STEP_SIGNED,
    ),
    "resume": (
        day("resumed_on", "续办日期"),
        count("suspended_days", "中止的工作日数", 0, 3650),
        *_DUE,
        text("reason", "续办事由"),
        *_STEP_SIGNED,
    ),
    "terminate": (
        text("reason", "终止原因"),
        day("terminated_on", "终止日期"),
        texts("materials_returned", "退还的材料", 200, 100),
    ),
    "extend": (
        *_DUE,
        day("previous_due_on", "原办结期限"),
        text("reason", "延期理由"),
        flag("consent", "申请人是否同意"),
        day("requested_on", "延期申请日期"),
        text("approved_by", "批准人", 50),
    ),
    "handover": (
        choice("from", "交出方", tuple(HOLDER_LABELS), required=True),
        choice("to", "接收方", tuple(HOLDER_LABELS), required=True),
        items(
            "items",
            "交接材料",
            text("name", "交接材料名称", 100, required=True),
            flag("original", "是否原件"),
            count("copies", "交接材料份数", 1, 999),
            count("pages", "交接材料页数", 0, 9999),
            limit=100,
            required=True,
        ),
        text("note", "交接说明"),
        *_SIGNED,
        obj("covered_by", "委托书签名凭证", text("form", "凭证表单", 20), text("content_sha256", "委托书校验值", _SHA)),
    ),
    "attach": (
        text("sha256", "附件校验值", _SHA, required=True),
        text("filename", "附件文件名", 200, required=True),
        count("size", "附件大小", 0, 2**40),
        text("mime", "附件类型", 100),
        text("note", "附件说明"),
        _BLOBS,
    ),
    "set_case_type": (
        choice("case_type", "办件类型", tuple(CaseType), required=True),
        choice("previous", "原办件类型", tuple(CaseType)),
        text("reason", "变更理由"),
    ),
}

_CENTER_CASE: dict[str, tuple[Spec, ...]] = {
    "center_accept": (),
    "center_request_correction": (texts("missing", "需补正材料", 200, 100), text("reason", "补正原因")),
    "center_complete": (text("result", "办理结果"), day("completed_on", "办结日期")),
    "center_return": (
        text("reason", "退回原因"),
        texts("reasons", "退回理由", 50, 2000),
        text("legal_basis", "法律依据"),
    ),
    "center_close_rating": (text("outcome", "回访整改情况"), day("closed_on", "回访办结日期")),
    "center_handover_received": (
        text("handover_id", "交接记录编号", 64),
        name("received_by", "收件人姓名", 64),
        opaque("items", "收件清单"),
        text("note", "说明"),
    ),
}

_AUDIT: dict[str, tuple[Spec, ...]] = {
    ID_NUMBER_READ: (
        text("subject_case_id", "办件编号", 64),
        text("case_no", "办件号", 40),
        text("purpose", "查看用途", 200),
    ),
    EXPORT: (
        text("what", "导出类别", 64),
        text("title", "导出内容名称", 500),
        count("case_count", "办件数"),
        text("file_name", "文件名", 500),
        text("folder", "文件夹"),
        text("printer", "打印机", 200),
        count("pages", "页数"),
        text("subject_case_id", "办件编号", 64),
        text("case_no", "办件号", 40),
    ),
}

#: The schema of every event type (``case.<action>`` for each action of ``case_rules.ACTIONS``).
SCHEMAS: dict[str, tuple[Spec, ...]] = {
    **{f"case.{action}": (CASE_ID, *specs) for action, specs in {**_STATION_CASE, **_CENTER_CASE}.items()},
    **_AUDIT,
}
assert {f"case.{a}" for a in ACTIONS} | {"case.registered"} <= set(SCHEMAS), "an action without a payload schema"


@dataclass(frozen=True)
class Payload:
    """A parsed payload: ``values`` holds the declared keys present, typed (dates as ``date``, lists as tuples,
    objects as read-only mappings); ``raw`` is the payload exactly as stored and hashed (extra keys kept)."""

    type: str
    values: Mapping[str, Any]
    raw: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def date(self, key: str) -> date | None:
        """The date under ``key`` (also from an ISO string: a record read as stored, ``projection._record``)."""
        value = self.values.get(key)
        if isinstance(value, str) and value:
            return date.fromisoformat(value)
        return value if isinstance(value, date) else None


def date_window(occurred_at: str | None) -> Window:
    """2000-01-01 .. ten years after the event (after 2100-12-31 when the event time is not known)."""
    last = date(2100, 12, 31)
    if occurred_at:
        moment = _moment(occurred_at)
        last = date(min(moment.year + YEARS_AHEAD, 9999), 12, 31)
    return Window(FIRST_DATE, last)


def parse_payload(event_type: str, payload: Any, *, occurred_at: str | None = None) -> Payload:
    """The typed record of ``payload`` for ``event_type``, or ValidationError naming the field."""
    specs = SCHEMAS.get(event_type)
    if specs is None:
        raise ValidationError("type", f"未知的记录类型“{_shown(event_type)}”")
    if not isinstance(payload, Mapping):
        raise ValidationError("payload", "记录内容的格式不正确")
    values = check_fields(specs, payload, "", date_window(occurred_at))
    return Payload(event_type, MappingProxyType(values), payload)


def parse_event(event: Event) -> Payload:
    """``parse_payload`` of an event, after its own fields (type, actor, time) are checked."""
    for field, label, value in (("type", "记录类型", event.type), ("actor", "操作人", event.actor)):
        bad = bad_char(value)
        if bad is not None:
            raise ValidationError(field, refusal(label, bad))
    if len(event.actor) > 200:
        raise ValidationError("actor", "操作人不能超过200个字")
    _moment(event.occurred_at)
    return parse_payload(event.type, event.payload, occurred_at=event.occurred_at)


def _moment(occurred_at: str) -> datetime:
    try:
        moment = datetime.fromisoformat(occurred_at)
    except (TypeError, ValueError):
        raise ValidationError("occurred_at", "记录时间的格式不正确") from None
    if not FIRST_DATE.year <= moment.year <= 2100:  # older rows stored naive UTC times: accepted
        raise ValidationError("occurred_at", "记录时间不在合理范围内")
    return moment


def _shown(value: str) -> str:
    return "".join(c for c in value[:40] if bad_char(c) is None)
