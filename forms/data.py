"""Plain input records of the printed forms.

The forms know nothing of the database or the UI: a caller (desktop.services, the town
center) fills these frozen dataclasses and passes one to a form's ``render()``. Sequences
may be lists or tuples. Dates are ``datetime.date``; moments are ``datetime.datetime``.
A ``None`` date or signature prints as a blank to be filled in by hand.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from sync.domain.ratings import ReviewCounts

#: No public address for cases: the QR code holds the case number only (what a window scanner reads).
DEFAULT_CASE_URL = ""


@dataclass(frozen=True)
class Station:
    """The 代办站 that prints the form."""

    name: str  # 例：青溪镇石桥村政务服务代办站
    code: str  # station code, first part of every case number
    phone: str = ""
    town_center: str = ""  # 例：青溪镇为民服务中心
    # The town center's public address for a case (https://…/): the QR code holds it + the case number.
    # Empty until the town publishes one: the QR code then holds the case number alone.
    case_url_base: str = DEFAULT_CASE_URL


@dataclass(frozen=True)
class Party:
    """A person (or unit) named on a form: 委托人, 受托人, 申请人."""

    name: str
    id_type: str = "居民身份证"
    id_number: str = ""
    address: str = ""
    phone: str = ""


# (x, y, t) or (x, y, t, pressure) as the signature pad records them; only x and y are drawn.
Point = Sequence[float]


@dataclass(frozen=True)
class Signature:
    """A captured signature: vector strokes (preferred, sharp in print) or a PNG image.

    Stroke coordinates are in a box ``width`` x ``height`` with y growing downwards, as a
    signature pad widget records them (pixels, or 0..1 with width = height = 1). A
    ``sync.domain.signature.Signature`` prints as ``Signature(strokes=s.strokes,
    width=BOX_WIDTH, height=BOX_HEIGHT)``: its 4th value per point, pressure, weights the pen.
    ``png`` may hold any image ReportLab reads (PNG or JPEG of a paper signature).
    """

    strokes: Sequence[Sequence[Point]] = ()
    width: float = 1.0
    height: float = 1.0
    png: bytes | None = None

    @property
    def is_empty(self) -> bool:
        return not self.png and not any(self.strokes)


@dataclass(frozen=True)
class MaterialLine:
    """One material on a list: name, 原件 or 复印件, how many."""

    name: str
    original: bool = True
    copies: int = 1  # 份数
    note: str = ""
    pages: int | None = None  # 页数, when counted


@dataclass(frozen=True)
class MissingMaterial:
    """A material still to bring (一次性告知 / 补正), with how to get it."""

    name: str
    how_to_obtain: str
    requirement: str = ""  # 材料标准/要求, e.g. 原件及复印件各1份，加盖公章
    original: bool = True
    copies: int = 1


class Rating(enum.Enum):
    """好差评 five levels (GB/T 39734-2020)."""

    VERY_SATISFIED = "非常满意"
    SATISFIED = "满意"
    BASICALLY_SATISFIED = "基本满意"
    DISSATISFIED = "不满意"
    VERY_DISSATISFIED = "非常不满意"


# ---------------------------------------------------------------- single-case forms


@dataclass(frozen=True)
class CaseForm:
    """What every single-case form's head carries (``layout.standard_header``): the 办件编号 and the station."""

    case_no: str
    station: Station


@dataclass(frozen=True)
class Entrustment(CaseForm):
    """《代办服务委托书》."""

    PARTY_LABELS: ClassVar[Mapping[str, str]] = {"applicant": "委托人"}  # as the form names him (forms.fonts)

    applicant: Party  # 委托人 (the villager)
    agent: Party  # 受托人 (the clerk)
    matter: str  # 委托事项
    scope: str  # 委托权限
    reason: str = ""  # 委托事由
    redelegation_allowed: bool = False  # 是否允许转委托
    period_start: date | None = None
    period_end: date | None = None
    materials: Sequence[MaterialLine] = ()
    promised_deadline: date | None = None
    promised_days: int | None = None  # 承诺时限, working days
    service_kind: str = "代办"  # 代办 / 帮办
    applicant_signature: Signature | None = None
    agent_signature: Signature | None = None
    signed_on: date | None = None
    supervise_phone: str = ""  # 监督电话 published by the town center; blank to fill in by hand


class HandoverDirection(enum.Enum):
    """Who hands materials to whom; decides the form's title and the role labels."""

    APPLICANT_TO_CLERK = "applicant_to_clerk"
    CLERK_TO_CENTER = "clerk_to_center"
    CENTER_TO_CLERK = "center_to_clerk"
    CLERK_TO_APPLICANT = "clerk_to_applicant"


@dataclass(frozen=True)
class Handover(CaseForm):
    """材料交接单 / 签收单: materials moving from one holder to another."""

    direction: HandoverDirection
    matter: str
    from_name: str  # 交出方
    to_name: str  # 接收方
    items: Sequence[MaterialLine]
    handed_at: datetime | None = None
    from_phone: str = ""
    to_phone: str = ""
    note: str = ""
    from_signature: Signature | None = None
    to_signature: Signature | None = None


@dataclass(frozen=True)
class OneTimeNotice(CaseForm):
    """《一次性告知书》, or 《补正材料通知书》 when ``correction`` is true."""

    applicant: Party
    matter: str
    legal_basis: str
    conditions: str  # 受理条件
    process: Sequence[str]  # 办事流程, one step per item
    missing: Sequence[MissingMaterial]
    fees: str  # 收费标准
    promised_time: str  # 承诺时限, e.g. 材料齐全后5个工作日
    consult_phone: str
    supervise_phone: str
    clerk_name: str
    clerk_phone: str = ""
    applied_on: date | None = None
    issued_on: date | None = None
    submitted: Sequence[MaterialLine] = ()  # 已提交材料
    correction: bool = False
    applicant_signature: Signature | None = None
    received_at: datetime | None = None
    notice_basis: str = ""  # the provision the notice is given under (catalog); empty: none is cited
    correction_due: date | None = None  # 补正期限 of a 补正材料通知书, when the center set one


@dataclass(frozen=True)
class AcceptanceNotice(CaseForm):
    """《承诺件受理通知》 (受理回执)."""

    applicant: Party
    matter: str
    materials: Sequence[MaterialLine]
    accepted_on: date
    due_on: date
    promised_days: int
    clerk_name: str
    clerk_phone: str = ""
    case_type: str = "承诺件"
    pickup: str = ""  # 取件方式, e.g. 办结后由代办员送达
    consult_phone: str = ""
    supervise_phone: str = ""
    clerk_signature: Signature | None = None
    applicant_signature: Signature | None = None
    extended_to: date | None = None  # the new 办结日期 after a 延期 (due_on stays the promised one)


@dataclass(frozen=True)
class ExtensionNotice(CaseForm):
    """《延期办理告知书》, printed in two copies (申请人留存 / 存档)."""

    applicant: Party
    matter: str
    accepted_on: date
    original_due: date
    new_due: date
    reason: str
    extension_days: int  # working days added
    head_name: str  # 负责人
    clerk_name: str = ""
    issued_on: date | None = None
    applicant_signature: Signature | None = None  # the villager consents to the extension
    consented_on: date | None = None
    head_signature: Signature | None = None


@dataclass(frozen=True)
class ReturnNotice(CaseForm):
    """《退回件通知书》."""

    applicant: Party
    matter: str
    applied_on: date
    reasons: Sequence[str]
    legal_basis: str
    returned: Sequence[MaterialLine]  # materials handed back
    advice: str = ""  # 补齐/改正后如何再次申请
    issued_on: date | None = None
    clerk_name: str = ""
    clerk_signature: Signature | None = None
    applicant_signature: Signature | None = None  # signs for the returned materials
    received_at: datetime | None = None
    department: str = ""  # the department that decides the matter (the station only returns it)
    remedy: str = ""  # 救济途径 against that department's refusal (catalog); empty: none is printed


@dataclass(frozen=True)
class RefusalRecord(CaseForm):
    """《否定报备登记表》 for a refused (退回) matter."""

    applicant: Party  # name (or unit), phone, address
    matter: str
    applied_on: date
    facts: str  # 基本情况
    reasons: str
    legal_basis: str
    department: str  # 承办部门
    staff: str  # 承办人
    leader_opinion: str
    returned: Sequence[MaterialLine] = ()
    applicant_unit: str = ""
    leader_name: str = ""
    registered_on: date | None = None
    staff_signature: Signature | None = None
    leader_signature: Signature | None = None
    applicant_signature: Signature | None = None
    received_at: datetime | None = None
    staff_title: str = ""  # 承办人职务, e.g. 村代办员
    staff_opinion: str = ""  # 承办人意见 as recorded; empty: lines to write by hand
    to_complete: Sequence[str] = ()  # 应补全的材料 (names), when the matter failed on missing materials


@dataclass(frozen=True)
class Feedback(CaseForm):
    """《服务意见反馈表》: the villager confirms the result and rates the service."""

    applicant: Party
    matter: str
    clerk_name: str
    result: str  # 办理结果
    result_confirmed: bool
    rating: Rating | None
    attitude: str = ""  # 对服务态度的意见
    efficiency: str = ""  # 对服务效率的意见
    one_time_notice: str = ""  # 对一次告知的意见
    suggestions: str = ""
    accepted_on: date | None = None
    done_on: date | None = None
    applicant_signature: Signature | None = None
    signed_on: date | None = None
    #: 服务效率 / 服务水平 / 服务态度 (keys of ``DIMENSION_LABELS``), each ticked on its own five levels.
    dimensions: Mapping[str, Rating] = field(default_factory=dict)
    mode: str = "纸质"  # 评价方式: 纸质, or 签名板 when signed on the station's pad


#: The rated dimensions of the 服务意见反馈表 besides the overall rating, in print order.
DIMENSION_LABELS = {"efficiency": "服务效率", "competence": "服务水平", "attitude": "服务态度"}


# ---------------------------------------------------------------- the case's steps: 中止, 续办, 办结/终止, 撤回


@dataclass(frozen=True)
class SuspensionNotice(CaseForm):
    """《代办服务中止单》 (DB3205/T 1077 中止单): the clock stops until the villager has done something."""

    applicant: Party
    matter: str
    reason: str  # 中止原因
    applicant_todo: str  # 需申请人办理的事项（恢复办理的条件）
    suspended_on: date
    clerk_name: str
    accepted_on: date | None = None
    original_due: date | None = None  # 中止前的承诺办结日期
    expected_resume: date | None = None  # 预计恢复办理日期; None: a blank to fill in by hand
    clerk_signature: Signature | None = None
    applicant_signature: Signature | None = None
    signed_on: date | None = None


@dataclass(frozen=True)
class ResumptionEntrustment(CaseForm):
    """《续办委托书》 (DB14/T 2233, DB3205/T 1077): after a 中止 the villager entrusts the clerk again."""

    PARTY_LABELS: ClassVar[Mapping[str, str]] = {"applicant": "委托人"}

    applicant: Party  # 委托人 (the villager)
    agent: Party  # 受托人 (the clerk)
    matter: str
    suspended_on: date | None
    suspension_reason: str
    resume_reason: str  # 续办事由
    resumed_on: date | None
    new_due: date | None = None  # 续办后的办结期限
    suspended_days: int | None = None  # working days the clock stood still
    entrusted_on: date | None = None  # the first 委托书's date
    scope: str = ""  # 委托权限; empty: as in the first 委托书
    applicant_signature: Signature | None = None
    agent_signature: Signature | None = None
    signed_on: date | None = None


class ClosureOutcome(enum.Enum):
    """What the 办结（终止）单 ticks."""

    COMPLETED = "办结"
    TERMINATED = "终止"


@dataclass(frozen=True)
class Closure(CaseForm):
    """《代办服务办结（终止）单》 (DB3205/T 1077 办结(终止)单; DB14/T 2233 办结单 and 终止单 in one)."""

    applicant: Party
    matter: str
    outcome: ClosureOutcome
    result: str  # 办理结果 (办结) or 终止原因 (终止)
    closed_on: date  # 办结日期 / 终止日期
    clerk_name: str
    returned: Sequence[MaterialLine] = ()  # 退还（移交）材料 and the result documents
    accepted_on: date | None = None
    due_on: date | None = None  # 承诺办结日期
    department: str = ""  # 承办部门
    handed_at: datetime | None = None  # when the villager received them
    clerk_signature: Signature | None = None
    applicant_signature: Signature | None = None


@dataclass(frozen=True)
class WithdrawalConfirmation(CaseForm):
    """《撤回确认书》: the villager withdraws the matter and takes the materials back."""

    applicant: Party
    matter: str
    reason: str  # 撤回原因
    withdrawn_on: date
    clerk_name: str
    returned: Sequence[MaterialLine] = ()
    applied_on: date | None = None
    handed_at: datetime | None = None
    clerk_signature: Signature | None = None
    applicant_signature: Signature | None = None


# ---------------------------------------------------------------- 受理单, 差评回访单


@dataclass(frozen=True)
class IntakeSlip(CaseForm):
    """《帮办代办受理单》 (DB3205/T 1077-2023 附录): the station takes a 帮办 or 代办 request in.

    The 证件号码 prints masked: the 受理单 is the villager's receipt, the 委托书 carries it in full.
    """

    applicant: Party
    matter: str
    service_kind: str  # 帮办 / 代办
    case_type: str  # 即办件 / 承诺件 / …
    materials: Sequence[MaterialLine]
    received_at: datetime | None  # 受理时间
    clerk_name: str  # 帮办代办员
    clerk_phone: str = ""
    special_groups: str = ""  # 服务对象类别, e.g. 老年人、残疾人; empty: 一般群众
    promised_days: int | None = None  # 承诺办结时限, working days; None: not known yet
    due_on: date | None = None  # 承诺办结日期
    applicant_signature: Signature | None = None
    clerk_signature: Signature | None = None
    supervise_phone: str = ""


@dataclass(frozen=True)
class RatingFollowUp(CaseForm):
    """《差评回访整改反馈单》 (seed 000 第九条): a 不满意/非常不满意 rating verified, fixed and answered.

    What the app knows prints (the rating, the villager's comments, the town center's recorded
    回访整改 outcome); the 回访, 核实, 整改 and 反馈 themselves are written by hand on ruled lines.
    """

    applicant: Party
    matter: str
    clerk_name: str
    rating: Rating
    rated_on: date | None = None
    dimensions: Mapping[str, Rating] = field(default_factory=dict)  # keys of DIMENSION_LABELS
    comments: Sequence[tuple[str, str]] = ()  # (label, text): the villager's 意见 as recorded
    mode: str = "纸质"  # 评价方式
    done_on: date | None = None  # 办结日期
    followed_up_on: date | None = None  # the center closed the 回访整改 on this day
    outcome: str = ""  # 回访整改情况 as the town center recorded it; empty: still open
    followed_up_by: str = ""  # who recorded it at the center


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class LedgerRow:
    case_no: str
    applicant_name: str
    applicant_id: str  # printed masked
    matter: str
    accepted_on: date | None
    due_on: date | None
    clerk: str
    done_on: date | None = None
    days_used: int | None = None  # working days
    on_time: bool | None = None
    rating: Rating | None = None
    case_type: str = ""  # 即办件 / 承诺件 / …
    phone: str = ""  # printed masked
    state: str = ""  # 办理状态: 办理中, 已办结, 退回 …
    #: Still open and past its promised date on the day the ledger was printed: 已超期, not "—".
    overdue: bool = False


@dataclass(frozen=True)
class Ledger:
    """代办台账 for a period."""

    station: Station
    period_start: date
    period_end: date
    rows: Sequence[LedgerRow]
    printed_on: date | None = None
    keeper: str = ""  # 台账管理人


@dataclass(frozen=True)
class ArchiveRow:
    case_no: str
    title: str  # 案卷题名, e.g. 张三 城乡居民养老保险参保登记
    case_type: str
    closed_on: date | None
    pages: int
    retention: str = "10年"  # 保管期限
    note: str = ""


@dataclass(frozen=True)
class ArchiveList:
    """Quarterly 档案移交清单."""

    station: Station
    year: int
    quarter: int
    rows: Sequence[ArchiveRow]
    handed_by: str
    received_by: str
    receiver_unit: str = ""
    handed_on: date | None = None
    handed_by_signature: Signature | None = None
    received_by_signature: Signature | None = None
    items: Sequence[str] = field(default_factory=tuple)  # extra lines, e.g. 电子档案光盘1张


@dataclass(frozen=True)
class ArchiveConsultRow:
    """One 查阅/复制 of the station's files, as written in the register (all blank on a printed form)."""

    consulted_on: date | None = None
    person: str = ""  # 查阅人
    unit: str = ""  # 单位/身份
    id_number: str = ""  # printed masked
    files: str = ""  # 查阅档案（办件编号/名称）
    manner: str = ""  # 查阅 / 复制 / 摘录
    pages: int | None = None
    purpose: str = ""
    approver: str = ""  # 批准人（负责人）
    returned_to: str = ""  # 归还/经办人


@dataclass(frozen=True)
class ArchiveConsultRegister:
    """《档案查阅（复制）登记表》 (seed 002 档案管理): who consulted or copied which files, with consent."""

    station: Station
    year: int
    rows: Sequence[ArchiveConsultRow] = ()  # entries already made; the rest of the page is ruled blank
    blank_rows: int = 12  # ruled rows to write in after the entries
    head_name: str = ""  # 负责人 whose consent is needed, when known


#: The key of the overall rating among a row's ``scores``, beside ``DIMENSION_LABELS``'s.
OVERALL = "overall"


@dataclass(frozen=True)
class Score:
    """One rated dimension (or the overall rating) of a 考核 row: how many rated it, the sum of their
    ratings (1-5), how many were satisfied (基本满意 or better)."""

    rated: int = 0
    total: int = 0
    satisfied: int = 0

    @property
    def average(self) -> float | None:
        return self.total / self.rated if self.rated else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


@dataclass
class ReviewRow(ReviewCounts):
    """One line of the 考核统计表: a village's 代办站, a clerk, or the town's total, with the counts of the
    center's 考核 page (``sync.domain.ratings.ReviewCounts``: what each count is, and its rates)."""

    name: str
    #: ``OVERALL`` and the rated dimensions (``DIMENSION_LABELS``) → their ``Score``; empty: none rated.
    scores: Mapping[str, Score] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewReport:
    """考核统计表 of the town center for a month, quarter or year: per 代办站 (village) and per clerk; the
    county's compares its towns instead (``towns``)."""

    center_name: str  # 青溪镇为民服务中心
    period: str  # 2026-11, 2026-Q4 or 2026
    period_label: str  # 2026年11月
    total: ReviewRow
    stations: Sequence[ReviewRow]
    clerks: Sequence[ReviewRow]
    target: float = 0.98  # 满意率 target
    printed_on: date | None = None
    printed_by: str = ""
    link: str = ""  # the center's review page for this period, printed as a QR code when given
    #: The county's report: one line per town (its stations and clerks are in that town's own report).
    towns: Sequence[ReviewRow] = ()
    total_label: str = "全镇合计"  # 全县合计 for the county, 青溪镇合计 for a town the county drilled into
