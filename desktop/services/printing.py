"""Printing: gather a case's data into the plain records of ``forms`` and render PDFs."""

from __future__ import annotations

from datetime import date

from forms import entrustment
from forms.data import Entrustment, MaterialLine, Party, Station
from sync.domain.model import SPECIAL_GROUP_LABELS

from .cases import get_case
from .context import ServiceContext
from .records import StationInfo
from .station import require_station

#: What a villager usually authorizes the clerk to do (委托权限) for a 代办 matter.
DEFAULT_SCOPE = (
    "代为向镇为民服务中心及相关部门递交申请材料、补正材料，查询办理进度，"
    "领取办理结果及退还的材料，并将结果和材料交还委托人。"
)


def form_station(station: StationInfo) -> Station:
    return Station(name=station.name, code=station.code, town_center=f"{station.town}为民服务中心")


def entrustment_data(ctx: ServiceContext, case_id: str) -> Entrustment:
    """The 《代办服务委托书》 record of a case (the full 身份证 number is needed on this form)."""
    station = require_station(ctx)
    view = get_case(ctx, case_id)
    applicant = view.applicant
    registered = date.fromisoformat(view.registered_at[:10])
    return Entrustment(
        case_no=view.case_no,
        station=form_station(station),
        principal=Party(
            name=applicant.name, id_number=applicant.id_number, address=applicant.address, phone=applicant.phone
        ),
        agent=Party(name=station.clerk, address=station.name),
        matter=f"{view.item_name}（{view.department}）",
        scope=DEFAULT_SCOPE,
        reason=_reason(applicant.special_groups),
        period_start=registered,
        period_end=view.due_on,
        materials=[
            MaterialLine(name=m.name, original=m.original, copies=m.copies, note="" if m.present else "未提交，待补正")
            for m in view.materials
        ],
        promised_deadline=view.due_on,
        promised_days=view.promised_days,
        service_kind=view.kind.label,
        signed_on=registered,
    )


def _reason(groups: tuple[str, ...]) -> str:
    if not groups:
        return "委托人委托代办员代为办理"
    labels = "、".join(SPECIAL_GROUP_LABELS[g] for g in groups)
    return f"委托人属{labels}，委托代办员代为办理"


def entrustment_pdf(ctx: ServiceContext, case_id: str) -> bytes:
    return entrustment.render(entrustment_data(ctx, case_id))
