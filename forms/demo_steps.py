"""Demo records of the case-step forms (受理, 中止, 续办, 办结/终止, 撤回): the demo case of ``forms.demo``
taken in, suspended for a missing 缴费 record, resumed, then completed; another case terminated, a third
withdrawn."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from forms.data import (
    ArchiveConsultRegister,
    ArchiveConsultRow,
    Closure,
    ClosureOutcome,
    IntakeSlip,
    MaterialLine,
    Party,
    Rating,
    RatingFollowUp,
    ResumptionEntrustment,
    SuspensionNotice,
    WithdrawalConfirmation,
)
from forms.demo import (
    CASE_NO,
    CLERK,
    DAY,
    HEAD,
    MATERIALS,
    MATTER,
    RARE_VILLAGER,
    STATION,
    VILLAGER,
    id_number,
    signature,
)
from forms.visit_receipt import VisitCase, VisitReceipt


def intake() -> IntakeSlip:
    return IntakeSlip(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        service_kind="代办",
        case_type="承诺件",
        materials=MATERIALS,
        received_at=datetime(2026, 11, 16, 9, 40),
        clerk_name=CLERK.name,
        clerk_phone=CLERK.phone,
        special_groups="老年人",
        promised_days=5,
        due_on=date(2026, 11, 23),
        applicant_signature=signature(1),
        clerk_signature=signature(2),
        supervise_phone="0571-8861 0000",
    )


SUSPENDED_ON = date(2026, 11, 18)
RESUMED_ON = date(2026, 11, 25)
SUSPENSION_REASON = "县社会保险经办机构核查发现申请人1998年至2003年间在原乡镇企业的缴费记录缺失，需申请人本人补充证明。"


def suspension() -> SuspensionNotice:
    return SuspensionNotice(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        reason=SUSPENSION_REASON,
        applicant_todo="到原青溪乡农机厂（现青溪农机有限公司）开具1998年至2003年的工作及参保证明，交代办员。",
        suspended_on=SUSPENDED_ON,
        clerk_name=CLERK.name,
        accepted_on=DAY,
        original_due=date(2026, 11, 23),
        expected_resume=date(2026, 11, 25),
        clerk_signature=signature(2),
        applicant_signature=signature(1),
        signed_on=SUSPENDED_ON,
    )


def resumption() -> ResumptionEntrustment:
    return ResumptionEntrustment(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        agent=replace(CLERK, address=STATION.name),
        matter=MATTER,
        suspended_on=SUSPENDED_ON,
        suspension_reason=SUSPENSION_REASON,
        resume_reason="申请人已交来青溪农机有限公司出具的工作及参保证明，中止原因已消除。",
        resumed_on=RESUMED_ON,
        new_due=date(2026, 11, 30),
        suspended_days=5,
        entrusted_on=DAY,
        applicant_signature=signature(1),
        agent_signature=signature(2),
        signed_on=RESUMED_ON,
    )


def completion() -> Closure:
    return Closure(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        outcome=ClosureOutcome.COMPLETED,
        result="已核定城乡居民基本养老保险待遇，每月1日发放至社会保障卡金融账户。",
        closed_on=date(2026, 11, 27),
        clerk_name=CLERK.name,
        returned=(
            MaterialLine("养老保险待遇核定表（办理结果）", original=True, copies=1, pages=1),
            MaterialLine("社会保障卡", original=True, copies=1),
            MaterialLine("工作及参保证明", original=True, copies=1, pages=1, note="核验后退还"),
        ),
        accepted_on=DAY,
        due_on=date(2026, 11, 30),
        department="青溪县社会保险事业管理中心（镇社保窗口受理）",
        handed_at=datetime(2026, 11, 27, 15, 10),
        clerk_signature=signature(2),
        applicant_signature=signature(1),
    )


TERMINATED_APPLICANT = Party(
    name="赵德明",
    id_number=id_number("33018319550718001"),
    address="浙江省杭州市青溪镇石桥村里坞组3号",
    phone="137 3581 0962",
)


def termination() -> Closure:
    return Closure(
        case_no="QX0312-20261110-0004",
        station=STATION,
        applicant=TERMINATED_APPLICANT,
        matter="残疾人两项补贴申请（青溪镇社会事务办）",
        outcome=ClosureOutcome.TERMINATED,
        result="申请人已于2026年11月19日迁居杭州市西湖区，户籍随迁，应向新户籍地申请，本站代办终止。",
        closed_on=date(2026, 11, 20),
        clerk_name=CLERK.name,
        returned=(
            MaterialLine("残疾人证", original=True, copies=1),
            MaterialLine("居民户口簿", original=True, copies=1),
            MaterialLine("残疾人两项补贴申请审批表", original=True, copies=1, pages=2),
        ),
        accepted_on=date(2026, 11, 10),
        due_on=date(2026, 11, 24),
        department="青溪镇社会事务办",
        handed_at=datetime(2026, 11, 20, 10, 30),
        clerk_signature=signature(2),
        applicant_signature=signature(6),
    )


def withdrawal() -> WithdrawalConfirmation:
    return WithdrawalConfirmation(
        case_no="QX0312-20261112-0005",
        station=STATION,
        applicant=Party(
            name="孙玉梅",
            id_number=id_number("33018319780402002"),
            address="浙江省杭州市青溪镇石桥村上塘组15号",
            phone="139 0571 3388",
        ),
        matter="城乡居民医疗保险参保登记（青溪镇社保窗口）",
        reason="申请人已由用人单位办理职工基本医疗保险，无需再参加城乡居民医疗保险。",
        withdrawn_on=date(2026, 11, 17),
        clerk_name=CLERK.name,
        returned=(
            MaterialLine("居民身份证", original=True, copies=1),
            MaterialLine("居民户口簿（本人页）", original=False, copies=1, pages=1),
        ),
        applied_on=date(2026, 11, 12),
        handed_at=datetime(2026, 11, 17, 9, 20),
        clerk_signature=signature(2),
        applicant_signature=signature(7),
    )


def rating_followup() -> RatingFollowUp:
    """A 不满意 on a 低保 case that ran late; the town center has followed it up."""
    return RatingFollowUp(
        case_no="QX0312-20261103-0002",
        station=STATION,
        applicant=Party(
            name="李桂兰",
            id_number=id_number("33018319620915002"),
            address="浙江省杭州市青溪镇石桥村上塘组6号",
            phone="136 5817 2290",
        ),
        matter="城乡居民最低生活保障申请（青溪镇社会事务办）",
        clerk_name=CLERK.name,
        rating=Rating.DISSATISFIED,
        rated_on=date(2026, 11, 19),
        dimensions={
            "efficiency": Rating.VERY_DISSATISFIED,
            "competence": Rating.BASICALLY_SATISFIED,
            "attitude": Rating.DISSATISFIED,
        },
        comments=(
            ("服务效率", "说好5个工作日，拖了9天才办好，也没人打电话说一声。"),
            ("意见建议", "超期要提前告诉我们。"),
        ),
        mode="签名板",
        done_on=date(2026, 11, 18),
        followed_up_on=date(2026, 11, 24),
        outcome="11月20日电话回访，属实：镇里入户调查排期晚了，代办员未及时告知。已约谈代办员，超期前一日须电话告知群众。",
        followed_up_by="周建国",
    )


def archive_register() -> ArchiveConsultRegister:
    """The station's register with two entries written in; the rest of the page ruled blank."""
    return ArchiveConsultRegister(
        station=STATION,
        year=2026,
        rows=(
            ArchiveConsultRow(
                consulted_on=date(2026, 11, 24),
                person="王秀英",
                unit="申请人本人",
                id_number=VILLAGER.id_number,
                files="QX0312-20261116-0007 养老保险待遇申领",
                manner="复制",
                pages=2,
                purpose="办理银行代发手续",
                approver=HEAD,
                returned_to=CLERK.name,
            ),
            ArchiveConsultRow(
                consulted_on=date(2026, 12, 1),
                person="钱永福",
                unit="青溪镇社会事务办",
                id_number=id_number("33018319800101001"),
                files="QX0312-20261103-0002 最低生活保障申请",
                manner="查阅",
                pages=6,
                purpose="低保年度复核",
                approver=HEAD,
                returned_to=CLERK.name,
            ),
        ),
        blank_rows=10,
        head_name=HEAD,
    )


def _visit_cases() -> tuple[VisitCase, ...]:
    book = MaterialLine("户口簿", True, 1, pages=4)
    return (
        VisitCase(
            CASE_NO, VILLAGER.name, VILLAGER.id_number, MATTER, tuple(replace(m, note="收齐") for m in MATERIALS)
        ),
        VisitCase(
            "QX0312-20261116-0008",
            RARE_VILLAGER.name,
            RARE_VILLAGER.id_number,
            "残疾人两项补贴申请",
            (
                replace(book, note="未收到"),
                MaterialLine("残疾人证", False, 2, note="应2份，实收1份"),
                MaterialLine("银行卡（折）复印件", False, 1, note="收齐"),
            ),
            note="户口簿原件未随件送达，代办员下次补交。",
        ),
        VisitCase(
            "QX0312-20261117-0001",
            "李桂兰",
            id_number("33018319620915002"),
            "城乡居民最低生活保障申请（青溪镇社会事务办）",
            (replace(book, note="收齐"), MaterialLine("家庭收入情况说明", True, 1, note="收齐")),
        ),
    )


def visit_receipt() -> VisitReceipt:
    """A clerk's visit to the window: three cases, one with discrepancies, a villager with a rare name."""
    return VisitReceipt(
        station=STATION,
        center_name="青溪镇为民服务中心",
        day=date(2026, 11, 17),
        cases=_visit_cases(),
        clerk_name=CLERK.name,
        staff_name="赵敏",
        printed_at=datetime(2026, 11, 17, 10, 25),
    )


def visit_return() -> VisitReceipt:
    """The window hands a result and the originals back to the clerk."""
    book = MaterialLine("户口簿", True, 1, pages=4)
    return VisitReceipt(
        station=STATION,
        center_name="青溪镇为民服务中心",
        day=date(2026, 11, 24),
        cases=(
            VisitCase(
                CASE_NO,
                VILLAGER.name,
                VILLAGER.id_number,
                MATTER,
                (book, MaterialLine("养老保险待遇核定表", True, 1)),
                note="已办结：待遇自2026年12月起按月发放。",
            ),
        ),
        returning=True,
        clerk_name=CLERK.name,
        staff_name="赵敏",
        printed_at=datetime(2026, 11, 24, 15, 5),
    )
