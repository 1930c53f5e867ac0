"""Lifecycle of a case at the station: 一次告知, 补正, 送件, 延期, 中止/续办, 撤回, 退回, 终止, 归档, 咨询答复.

Every function is one transaction of events appended as the logged-in clerk;
a refused input raises ``ValidationError`` (naming the field) or
``DomainError`` with a Chinese message and saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sync.domain.calendar import add_working_days, working_days_between
from sync.domain.case_rules import CaseState
from sync.domain.catalog import ServiceItem
from sync.domain.errors import DomainError, ValidationError
from sync.domain.model import CaseType, MaterialItem, missing_required
from sync.domain.projection import CaseView
from sync.domain.signing import content_hash
from sync.domain.step_signing import ON_PAPER, step_content

from ..context import ServiceContext
from .attachments import store_scan_images
from .case_ops import case_op, optional_text, require_text, signature_payload
from .handovers import append_handover
from .notices import notice_lines
from .records import Changed, HandoverInput, ReturnInput, SignedContent, StepConfirmation


def _changed(view: CaseView, what: str) -> Changed:
    return Changed(case_ids=(view.case_id,), sync=True, message=f"办件 {view.case_no} {what}")


def _catalog_item(ctx: ServiceContext, view: CaseView) -> ServiceItem | None:
    try:
        return ctx.catalog.get(view.item_code)
    except DomainError:
        return None  # the center may have withdrawn the matter since: the notice still lists the names


def _notice_lines(ctx: ServiceContext, view: CaseView, names: Sequence[str]) -> list[dict[str, Any]]:
    """Each missing material with its form, copies and how to obtain it (from the catalog)."""
    return notice_lines(_catalog_item(ctx, view), view.materials, names)


def request_correction(ctx: ServiceContext, case_id: str, extra_missing: Sequence[str] = (), note: str = "") -> Changed:
    """一次性告知: list ALL missing materials once, with how to obtain each; the clock does not run."""
    with case_op(ctx, case_id, "request_correction") as op:
        view = op.view
        if view.missing:
            raise DomainError("该办件已一次性告知过需补正的材料，不能再次告知；收到材料后请登记补正")
        materials = list(view.materials)
        known = {m.name for m in materials}
        for raw in extra_missing:
            name = require_text(raw, "missing", "需补正材料的名称", 100, multiline=False)
            if name not in known:
                materials.append(MaterialItem(name=name, required=True, present=False))
                known.add(name)
        missing = [m.name for m in missing_required(materials)]
        if not missing:
            raise ValidationError("missing", "材料已齐全，无需补正，可直接受理")
        item = _catalog_item(ctx, view)
        op.append(
            "case.request_correction",
            {
                "missing": missing,
                "notice": _notice_lines(ctx, view, missing),
                "legal_basis": item.legal_basis if item else "",
                "note": optional_text(note, "note", "补正说明"),
                "notified_on": op.today.isoformat(),
                "materials": [m.to_dict() for m in materials],
            },
        )
        return _changed(op.view, f"已一次性告知补正材料{len(missing)}项")


def supplement_received(ctx: ServiceContext, case_id: str, received: Sequence[str]) -> Changed:
    """补正 materials arrived; once complete the case is accepted and the clock starts the next working day."""
    names = [n for n in (optional_text(n, "received", "补正材料名称", 100, multiline=False) for n in received) if n]
    if not names:
        raise ValidationError("received", "请勾选收到的补正材料")
    with case_op(ctx, case_id, "accept") as op:
        view = op.view
        if view.state is not CaseState.AWAITING_MATERIALS:
            raise DomainError(f"办件当前为“{view.state.label}”状态，没有待补正的材料")
        outstanding = list(dict.fromkeys([*view.missing, *(m.name for m in missing_required(view.materials))]))
        unknown = [n for n in names if n not in outstanding]
        if unknown:
            raise ValidationError("received", f"“{'、'.join(unknown)}”不在需补正的材料中")
        materials = [replace(m, present=True) if m.name in names else m for m in view.materials]
        materials += [MaterialItem(name=n, present=True) for n in names if n not in {m.name for m in materials}]
        remaining = [n for n in outstanding if n not in names]
        today = op.today
        base: dict[str, Any] = {"received": names, "materials": [m.to_dict() for m in materials]}
        if remaining:
            op.append("case.request_correction", {**base, "missing": remaining, "supplement": True})
            return _changed(op.view, f"已收到部分补正材料，仍缺{len(remaining)}项")
        deadline = add_working_days(ctx.calendar, today, view.promised_days)
        op.append(
            "case.accept",
            {
                **base,
                "accepted_on": today.isoformat(),
                "due_on": deadline.day.isoformat(),
                "due_uncertain": deadline.uncertain,
                "supplemented": True,
            },
        )
        return _changed(op.view, f"补正材料已齐，已受理，应于{deadline.day:%Y年%m月%d日}前办结")


def deliver(ctx: ServiceContext, case_id: str, handover: HandoverInput | None = None) -> Changed:
    """送件: the clerk takes the materials to the town center (with the signed handover, if any)."""
    with case_op(ctx, case_id, "deliver") as op:
        op.append("case.deliver", {"delivered_on": op.today.isoformat()})
        if handover is not None:
            append_handover(op, handover)
        return _changed(op.view, "已送件至镇中心")


def archive(ctx: ServiceContext, case_id: str) -> Changed:
    """归档; refused while an original is out (the message names it)."""
    with case_op(ctx, case_id, "archive") as op:
        op.append("case.archive", {"archived_on": op.today.isoformat()})
        return _changed(op.view, "已归档")


def withdraw(ctx: ServiceContext, case_id: str, reason: str, handover: HandoverInput | None = None) -> Changed:
    """撤回 at the villager's request, with the reason (and the materials handed back, if any)."""
    with case_op(ctx, case_id, "withdraw") as op:
        text = require_text(reason, "reason", "撤回原因")
        if handover is not None:
            append_handover(op, handover)
        op.append("case.withdraw", {"reason": text, "withdrawn_on": op.today.isoformat()})
        return _changed(op.view, "已撤回")


def return_case(ctx: ServiceContext, case_id: str, data: ReturnInput, handover: HandoverInput | None = None) -> Changed:
    """退回 with written reasons and legal basis; records the 否定报备 data."""
    with case_op(ctx, case_id, "return") as op:
        view = op.view
        reasons = [r for r in (optional_text(r, "reasons", "退回理由") for r in data.reasons) if r]
        if not reasons:
            raise ValidationError("reasons", "请填写退回理由")
        basis = require_text(data.legal_basis, "legal_basis", "退回的法律依据")
        opinion = require_text(data.leader_opinion, "leader_opinion", "领导意见")
        reason = "；".join(reasons)
        today = op.today.isoformat()
        denial = {
            "applicant": view.applicant.name,
            "phone": view.applicant.phone,
            "address": view.applicant.address,
            "matter": view.item_name,
            "department": view.department,
            "basic_facts": optional_text(data.basic_facts, "basic_facts", "基本事实"),
            "reason": reason,
            "legal_basis": basis,
            "leader_opinion": opinion,
            "handled_by": op.station.clerk,
            "date": today,
        }
        if handover is not None:
            append_handover(op, handover)
        op.append(
            "case.return",
            {"reason": reason, "reasons": reasons, "legal_basis": basis, "returned_on": today, "denial": denial},
        )
        return _changed(op.view, "已退回并登记否定报备")


def extend(
    ctx: ServiceContext, case_id: str, new_due_on: date, reason: str, consent: bool, approved_by: str = ""
) -> Changed:
    """延期: a later deadline with a reason and the villager's consent, only while the clock runs and not overdue."""
    with case_op(ctx, case_id, "extend") as op:
        view = op.view
        today = op.today
        if view.due_on is not None and today > view.due_on:
            raise DomainError(f"办件已于{view.due_on:%Y年%m月%d日}到期，超过期限后申请延期按超期处理，不能再延期")
        text = require_text(reason, "reason", "延期理由")
        if consent is not True:
            raise ValidationError("consent", "延期办理须征得申请人同意，请先记录申请人的同意")
        if view.due_on is not None and new_due_on <= view.due_on:
            raise ValidationError("due_on", f"延期后的办结日期应晚于原定的{view.due_on:%Y年%m月%d日}")
        if not ctx.calendar.is_workday(new_due_on):
            raise ValidationError("due_on", f"{new_due_on:%Y年%m月%d日}不是工作日，请另选日期")
        op.append(
            "case.extend",
            {
                "due_on": new_due_on.isoformat(),
                "due_uncertain": not ctx.calendar.covers(new_due_on.year),
                "previous_due_on": view.due_on.isoformat() if view.due_on else None,
                "reason": text,
                "consent": True,
                "requested_on": today.isoformat(),
                "approved_by": optional_text(approved_by, "approved_by", "批准人", 50, multiline=False),
            },
        )
        return _changed(op.view, f"已延期至{new_due_on:%Y年%m月%d日}")


def prepare_step(ctx: ServiceContext, case_id: str, action: str, reason: str, restart: str = "") -> SignedContent:
    """The checked content the villager signs at a 中止 (``action`` "suspend") or a 续办 ("resume")."""
    if action == "suspend":
        text = require_text(reason, "reason", "中止原因")
        restart = require_text(restart, "restart_condition", "恢复办理的条件")
    else:
        text, restart = require_text(reason, "reason", "续办事由"), ""
    content = step_content(action, case_id, text, restart)
    return SignedContent(content=content, content_sha256=content_hash(content))


def _confirmation(ctx: ServiceContext, content: SignedContent, confirmation: StepConfirmation) -> dict[str, Any]:
    """The payload keys of the villager's confirmation: his signature over ``content``, or 签在纸上."""
    sig = confirmation.signature
    if sig is None:
        if not confirmation.on_paper:
            raise ValidationError("signatures", "请申请人签名，或选择“签在纸上”（打印后由申请人在纸上签字）")
        return {ON_PAPER: True}
    if sig.content_sha256 != content.content_sha256:
        raise ValidationError("signatures", "签名后内容已更改，请申请人重新签名")
    payload = signature_payload([sig])
    store_scan_images(ctx, [sig])
    return payload


def suspend(
    ctx: ServiceContext,
    case_id: str,
    reason: str,
    restart_condition: str,
    confirmation: StepConfirmation,
) -> Changed:
    """中止: the clock stops; record why and what restarts it, confirmed by the villager."""
    with case_op(ctx, case_id, "suspend") as op:
        signed = prepare_step(ctx, case_id, "suspend", reason, restart_condition)
        payload: dict[str, Any] = {
            "reason": signed.content["reason"],
            "restart_condition": signed.content["restart_condition"],
            "suspended_on": op.today.isoformat(),
        }
        payload.update(_confirmation(ctx, signed, confirmation))
        op.append("case.suspend", payload)
        return _changed(op.view, "已中止，办理时限暂停计算")


def resume(ctx: ServiceContext, case_id: str, reason: str, confirmation: StepConfirmation) -> Changed:
    """续办: the clock runs again; the due date moves by the working days suspended. The villager
    entrusts the clerk again (《续办委托书》): the reason, and his signature or 签在纸上."""
    with case_op(ctx, case_id, "resume") as op:
        signed = prepare_step(ctx, case_id, "resume", reason)
        view = op.view
        today = op.today
        since = view.suspended_on or today
        days = max(0, working_days_between(ctx.calendar, since, today))
        payload: dict[str, Any] = {"resumed_on": today.isoformat(), "suspended_days": days}
        if view.due_on is not None:
            deadline = add_working_days(ctx.calendar, view.due_on, days)
            payload.update(due_on=deadline.day.isoformat(), due_uncertain=deadline.uncertain)
        payload["reason"] = signed.content["reason"]
        payload.update(_confirmation(ctx, signed, confirmation))
        op.append("case.resume", payload)
        return _changed(op.view, f"已续办，中止{days}个工作日，期限相应顺延")


def terminate(ctx: ServiceContext, case_id: str, reason: str, handover: HandoverInput | None = None) -> Changed:
    """终止 before completion, with the reason and the materials returned (signed handover)."""
    with case_op(ctx, case_id, "terminate") as op:
        text = require_text(reason, "reason", "终止原因")
        returned: list[str] = []
        if handover is not None:
            append_handover(op, handover)
            returned = [i.name for i in handover.draft.items]
        op.append(
            "case.terminate",
            {"reason": text, "terminated_on": op.today.isoformat(), "materials_returned": returned},
        )
        return _changed(op.view, "已终止")


def answer_consult(ctx: ServiceContext, case_id: str, answer: str = "") -> Changed:
    """咨询: give the 一次性告知 of the matter (from the catalog) and close the consultation."""
    with case_op(ctx, case_id, "answer") as op:
        view = op.view
        item = _catalog_item(ctx, view)
        if len(answer) > 2000:
            raise ValidationError("answer", "答复内容不能超过2000个字")
        notice: dict[str, Any] = {"matter": view.item_name, "department": view.department}
        if item is not None:
            notice.update(
                legal_basis=item.legal_basis,
                conditions=item.conditions,
                fee=item.fee,
                promised_days=item.promised_days,
                text=item.notice,
                materials=_notice_lines(ctx, view, [m.name for m in item.materials]),
            )
        op.append(
            "case.answer",
            {
                "notice": notice,
                "answer": optional_text(answer, "answer", "答复内容"),
                "answered_on": op.today.isoformat(),
            },
        )
        return _changed(op.view, "已一次性告知答复")


def override_case_type(ctx: ServiceContext, case_id: str, case_type: str, reason: str) -> Changed:
    """Change the 办件类型 the catalog gave (e.g. 承诺件 → 联办件), with a reason."""
    with case_op(ctx, case_id, "set_case_type") as op:
        try:
            new_type = CaseType(case_type)
        except ValueError:
            raise ValidationError("case_type", "请选择办件类型") from None
        if new_type is op.view.case_type:
            raise ValidationError("case_type", f"办件已是{new_type.label}")
        text = require_text(reason, "reason", "变更办件类型的理由")
        previous = op.view.case_type
        op.append("case.set_case_type", {"case_type": new_type.value, "previous": previous.value, "reason": text})
        return _changed(op.view, f"办件类型由{previous.label}改为{new_type.label}")
