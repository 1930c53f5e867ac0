"""Realistic, fixed demo records for every form (no "today": golden images must not move)."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, datetime, timedelta

from forms.data import (
    AcceptanceNotice,
    ArchiveList,
    ArchiveRow,
    Entrustment,
    ExtensionNotice,
    Feedback,
    Handover,
    HandoverDirection,
    Ledger,
    LedgerRow,
    MaterialLine,
    MissingMaterial,
    OneTimeNotice,
    Party,
    Point,
    Rating,
    RefusalRecord,
    ReturnNotice,
    Signature,
    Station,
)

STATION = Station(
    name="青溪镇石桥村政务服务代办站",
    code="QX0312",
    phone="0571-8861 2312",
    town_center="青溪镇为民服务中心",
    case_url_base="https://wmfw.qingxi.gov.cn/case/",
)
CASE_NO = "QX0312-20261116-0007"
DAY = date(2026, 11, 16)


def id_number(body17: str) -> str:
    """Append the GB 11643 check digit to a 17-digit body (demo numbers are well-formed)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


VILLAGER = Party(
    name="王秀英",
    id_number=id_number("33018319580312002"),
    address="浙江省杭州市青溪镇石桥村下湾组27号",
    phone="138 5712 4406",
)
CLERK = Party(
    name="陈晓燕",
    id_number=id_number("33018319890607152"),
    address="浙江省杭州市青溪镇石桥村村民委员会（村便民服务中心）",
    phone="139 6811 0237",
)
MATTER = "城乡居民基本养老保险待遇领取资格认证及待遇申领"
HEAD = "周建国"

MATERIALS = (
    MaterialLine("居民身份证", original=True, copies=1, note="核验后当场退还"),
    MaterialLine("居民户口簿（户主页及本人页）", original=False, copies=1, pages=2),
    MaterialLine("社会保障卡", original=True, copies=1, note="办结后随结果退还"),
    MaterialLine("一寸近期免冠白底彩色照片", original=True, copies=2),
    MaterialLine("银行卡（存折）账户信息页", original=False, copies=1, pages=1),
)


def signature(seed: int, letters: int = 3) -> Signature:
    """A plausible quick handwritten signature as vector strokes in a 400 x 130 pixel pad.

    Each "character" is one looping cursive stroke plus one or two short dashes, written
    left to right with a slight upward slant, as people sign in a hurry.
    """
    rng = random.Random(seed)
    strokes: list[list[Point]] = []
    t = 0.0
    for n in range(letters):
        cx = 55 + n * 120 + rng.uniform(-8, 8)
        cy = 72 - n * 6
        size = rng.uniform(28, 40)
        loops = rng.uniform(1.6, 2.6)
        points: list[Point] = []
        steps = 40
        for i in range(steps):
            f = i / (steps - 1)
            angle = f * loops * 2 * math.pi + rng.uniform(-0.05, 0.05)
            x = cx - size + f * 2 * size + 0.45 * size * math.sin(angle)
            y = cy + 0.7 * size * math.cos(angle) * (1 - 0.4 * f) - f * size * 0.3
            points.append((round(x, 1), round(y, 1), round(t, 1)))
            t += 9
        strokes.append(points)
        t += 150
        for _ in range(rng.randint(1, 2)):
            x0 = cx + rng.uniform(-size, size * 0.4)
            y0 = cy + rng.uniform(-size * 0.9, -size * 0.3)
            dash_len = rng.uniform(0.6, 1.1) * size
            bend = rng.uniform(-6, 6)
            dash: list[Point] = []
            for i in range(8):
                f = i / 7
                dash.append(
                    (round(x0 + f * dash_len, 1), round(y0 - f * 5 + bend * math.sin(f * math.pi), 1), round(t, 1))
                )
                t += 10
            strokes.append(dash)
            t += 120
    return Signature(strokes=strokes, width=400, height=130)


def entrustment() -> Entrustment:
    return Entrustment(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        agent=CLERK,
        reason="委托人年满68周岁，行动不便，子女在外务工，无法本人前往镇为民服务中心办理。",
        matter=MATTER,
        scope="代为提交申请材料、领取受理回执和办理结果；代为签收补正通知；不得代为变更待遇发放账户。",
        redelegation_allowed=False,
        period_start=DAY,
        period_end=date(2026, 12, 31),
        materials=MATERIALS,
        promised_deadline=date(2026, 11, 23),
        promised_days=5,
        service_kind="代办",
        applicant_signature=signature(1),
        agent_signature=signature(2),
        signed_on=DAY,
        supervise_phone="0571-8861 2345",
    )


#: A villager whose name and address need the covering fonts: 𠮷 (Ext B), 堃 (GBK), 𬌗 (Ext E), 䶮 (Ext A).
RARE_VILLAGER = Party(
    name="王\U00020bb7堃",
    id_number=id_number("33018319621105003"),
    address="浙江省杭州市青溪镇\U0002c317岭村䶮家湾组8号",
    phone="138 5712 4417",
)


def entrustment_rare_name() -> Entrustment:
    """The 委托书 of a villager named with characters beyond GBK (issue 13's picture in docs/forms)."""
    return replace(entrustment(), applicant=RARE_VILLAGER, case_no="QX0312-20261116-0008")


def handover_in() -> Handover:
    return Handover(
        case_no=CASE_NO,
        station=STATION,
        direction=HandoverDirection.APPLICANT_TO_CLERK,
        matter=MATTER,
        from_name=VILLAGER.name,
        to_name=CLERK.name,
        from_phone=VILLAGER.phone,
        to_phone=CLERK.phone,
        items=MATERIALS,
        handed_at=datetime(2026, 11, 16, 9, 42),
        note="居民身份证原件核验后已当场退还委托人。",
        from_signature=signature(1),
        to_signature=signature(2),
    )


def handover_back() -> Handover:
    return Handover(
        case_no=CASE_NO,
        station=STATION,
        direction=HandoverDirection.CLERK_TO_APPLICANT,
        matter=MATTER,
        from_name=CLERK.name,
        to_name=VILLAGER.name,
        from_phone=CLERK.phone,
        to_phone=VILLAGER.phone,
        items=(
            MaterialLine("养老保险待遇核定表（办理结果）", original=True, copies=1, pages=1),
            MaterialLine("社会保障卡", original=True, copies=1),
            MaterialLine("一寸近期免冠白底彩色照片（未使用）", original=True, copies=1),
        ),
        handed_at=datetime(2026, 11, 20, 15, 10),
        note="办理结果及全部原件已交还，复印件按规定归档。",
        from_signature=signature(2),
        to_signature=signature(1),
    )


def one_time_notice(correction: bool = False) -> OneTimeNotice:
    return OneTimeNotice(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        legal_basis="《中华人民共和国社会保险法》第二十条、第二十一条；《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        conditions="年满60周岁、累计缴费满15年，且未领取国家规定的基本养老保障待遇的城乡居民。",
        process=(
            "申请人（或委托代办员）提交申请材料；",
            "镇为民服务中心社保窗口受理并初审；",
            "县社会保险经办机构审核、核定待遇；",
            "代办员领取办理结果，送达申请人并交还材料。",
        ),
        missing=(
            MissingMaterial(
                "居民户口簿（户主页及本人页）复印件",
                "携户口簿原件到村便民服务中心免费复印；户口簿遗失的，到青溪派出所户籍窗口补领。",
                "A4纸复印，字迹清晰",
                original=False,
            ),
            MissingMaterial(
                "本人银行卡（存折）账户信息",
                "到农商银行青溪支行办理社保卡金融账户激活，或提供本人名下一类银行账户。",
                "须为申请人本人名下账户",
                original=False,
            ),
        ),
        fees="不收费",
        promised_time="材料齐全受理后5个工作日",
        consult_phone="0571-8861 2312",
        supervise_phone="0571-8861 0000（镇纪委）",
        clerk_name=CLERK.name,
        clerk_phone=CLERK.phone,
        applied_on=date(2026, 11, 13),
        issued_on=date(2026, 11, 13),
        submitted=MATERIALS[:1] + MATERIALS[2:4],
        correction=correction,
        correction_due=date(2026, 11, 23) if correction else None,
        applicant_signature=signature(1),
        received_at=datetime(2026, 11, 13, 10, 5),
    )


def acceptance() -> AcceptanceNotice:
    return AcceptanceNotice(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        materials=MATERIALS,
        accepted_on=DAY,
        due_on=date(2026, 11, 23),
        promised_days=5,
        clerk_name=CLERK.name,
        clerk_phone=CLERK.phone,
        pickup="办结后由代办员送达本人，并当面交还原件材料",
        consult_phone="0571-8861 2312",
        supervise_phone="0571-8861 0000",
        clerk_signature=signature(2),
        applicant_signature=signature(1),
    )


def extension() -> ExtensionNotice:
    return ExtensionNotice(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        accepted_on=DAY,
        original_due=date(2026, 11, 23),
        new_due=date(2026, 11, 30),
        reason="县社会保险经办机构需核实申请人1998年至2003年间的缴费记录，须调取纸质档案，无法在原承诺时限内办结。",
        extension_days=5,
        head_name=HEAD,
        clerk_name=CLERK.name,
        issued_on=date(2026, 11, 20),
        applicant_signature=signature(1),
        consented_on=date(2026, 11, 20),
        head_signature=signature(3),
    )


def return_notice() -> ReturnNotice:
    return ReturnNotice(
        case_no="QX0312-20261109-0003",
        station=STATION,
        applicant=Party(
            name="李大勇",
            id_number=id_number("33018319710925003"),
            address="浙江省杭州市青溪镇石桥村上塘组8号",
            phone="135 8819 6620",
        ),
        matter="农村宅基地及房屋建设（翻建）审批",
        applied_on=date(2026, 11, 9),
        reasons=(
            "拟建房屋位于村庄规划确定的道路控制线内，不符合村庄规划要求；",
            "申请人户内已有一处宅基地且未承诺拆旧退还，不符合“一户一宅”规定。",
        ),
        legal_basis="《中华人民共和国土地管理法》第六十二条；《浙江省土地管理条例》第五十四条",
        returned=(
            MaterialLine("农村宅基地和建房（规划许可）申请表", original=True, copies=1, pages=2),
            MaterialLine("居民户口簿", original=True, copies=1),
            MaterialLine("房屋设计图纸", original=True, copies=1, pages=6),
        ),
        advice="可按村庄规划调整建房选址，或签订拆旧退还承诺书后重新申请；代办员可协助准备材料。",
        issued_on=date(2026, 11, 13),
        clerk_name=CLERK.name,
        clerk_signature=signature(2),
        applicant_signature=signature(4),
        received_at=datetime(2026, 11, 13, 16, 20),
        department="青溪镇人民政府（镇自然资源所承办）",
        remedy=(
            "对青溪镇人民政府作出的不予批准决定不服的，可以自知道该决定之日起六十日内向青溪县人民政府申请行政复议，"
            "或者自知道该决定之日起六个月内向青溪县人民法院提起行政诉讼。"
        ),
    )


def refusal_record() -> RefusalRecord:
    notice = return_notice()
    return RefusalRecord(
        case_no=notice.case_no,
        station=STATION,
        applicant=notice.applicant,
        applicant_unit="个人",
        matter=notice.matter,
        applied_on=notice.applied_on,
        facts="申请人拟在上塘组自留地翻建三层住宅一幢，占地120平方米；经镇规划办现场踏勘，选址位于村道拓宽控制线内，且户内已有老宅一处。",
        reasons="".join(notice.reasons),
        legal_basis=notice.legal_basis,
        department="青溪镇自然资源所（规划办）",
        staff="徐志明",
        staff_title="镇自然资源所工作人员",
        staff_opinion="经现场核查，拟建房屋位于道路控制线内且未承诺拆旧，不符合受理条件，建议不予受理。",
        leader_opinion="同意不予受理，退回申请材料；请代办员向申请人做好解释，协助其按规划重新选址。",
        leader_name=HEAD,
        returned=notice.returned,
        registered_on=date(2026, 11, 13),
        staff_signature=signature(5),
        leader_signature=signature(3),
        applicant_signature=signature(4),
        received_at=datetime(2026, 11, 13, 16, 20),
    )


def feedback() -> Feedback:
    return Feedback(
        case_no=CASE_NO,
        station=STATION,
        applicant=VILLAGER,
        matter=MATTER,
        clerk_name=CLERK.name,
        result="已核定城乡居民基本养老保险待遇，每月1日发放至社会保障卡金融账户；待遇核定表及全部原件已交还。",
        result_confirmed=True,
        rating=Rating.VERY_SATISFIED,
        attitude="代办员上门讲解政策，态度耐心。",
        efficiency="承诺5个工作日，4个工作日就办好了。",
        one_time_notice="第一次来就把缺的材料都写清楚了，没有多跑。",
        suggestions="希望以后能在手机上查办理进度。",
        dimensions={
            "efficiency": Rating.SATISFIED,
            "competence": Rating.VERY_SATISFIED,
            "attitude": Rating.VERY_SATISFIED,
        },
        accepted_on=DAY,
        done_on=date(2026, 11, 20),
        applicant_signature=signature(1),
        signed_on=date(2026, 11, 20),
    )


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = ("秀英", "建国", "桂兰", "志强", "玉梅", "海峰", "金花", "国平", "小红", "永福", "春燕", "德明")
_MATTERS = (
    "城乡居民基本养老保险参保登记",
    "城乡居民医疗保险参保缴费",
    "残疾人证办理（新办）",
    "高龄老人津贴申领",
    "农村宅基地及房屋建设审批",
    "临时救助申请",
    "独生子女父母奖励扶助申请",
    "居民身份证换领（代办预约）",
    "生育登记",
    "最低生活保障申请",
    "退役军人优待证申领",
    "农业经营主体补贴申报",
)
_RATINGS = (Rating.VERY_SATISFIED,) * 6 + (Rating.SATISFIED,) * 3 + (Rating.BASICALLY_SATISFIED, Rating.DISSATISFIED)


def add_workdays(day: date, n: int) -> date:
    """``day`` plus ``n`` Monday-to-Friday days (demo only: the real rule lives in sync.domain)."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def ledger_rows(
    count: int,
    start: date = date(2026, 10, 12),
    seed: int = 7,
    code: str = STATION.code,
    clerks: tuple[str, ...] = (CLERK.name, "林建华"),
    rated: bool = True,
) -> list[LedgerRow]:
    """``count`` plausible ledger rows of the station ``code``, a few per working day from ``start``:
    matters of one working day are 即办件 (done the same day when finished in one), the others 承诺件.
    ``rated``: finished cases carry the villager's rating (not at a station whose 反馈表 are on paper)."""
    rng = random.Random(seed)
    rows: list[LedgerRow] = []
    day = start
    serial = 0
    for _ in range(count):
        if serial >= rng.randint(2, 5):
            day += timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            serial = 0
        serial += 1
        promised = rng.choice((1, 3, 5, 5, 10))
        due = day if promised == 1 else add_workdays(day, promised)  # a 即办件 is due the day it is accepted
        used = max(1, promised + rng.choice((-2, -1, -1, 0, 0, 0, 1)))
        finished = rng.random() > 0.08
        mobile = f"13{(serial * 7 + day.toordinal()) % 10}{day:%m%d}{serial:04d}"  # no draw: the rows stay the same
        immediate = promised == 1
        done = add_workdays(day, used - 1 if immediate else used)  # a 即办件 in one day: on the spot
        rows.append(
            LedgerRow(
                case_no=f"{code}-{day:%Y%m%d}-{serial:04d}",
                applicant_name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                applicant_id=id_number(
                    f"330183{rng.randint(1940, 2000)}{rng.randint(1, 12):02d}"
                    f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
                ),
                matter=rng.choice(_MATTERS),
                accepted_on=day,
                due_on=due,
                clerk=rng.choice(clerks),
                done_on=done if finished else None,
                days_used=used if finished else None,
                on_time=(used <= promised) if finished else None,
                rating=rng.choice(_RATINGS) if finished and rated else None,  # drawn after the clerk, as ever
                case_type="即办件" if immediate else "承诺件",
                phone=mobile,
                state=("已反馈" if finished else "办理中"),
                overdue=not finished and due < LEDGER_PRINTED_ON,
            )
        )
    return rows


#: The day the demo ledger is printed: open cases due before it show 已超期.
LEDGER_PRINTED_ON = date(2026, 11, 20)


def ledger(count: int = 36) -> Ledger:
    return Ledger(
        station=STATION,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        rows=ledger_rows(count),
        printed_on=LEDGER_PRINTED_ON,
        keeper=CLERK.name,
    )


def archive_list() -> ArchiveList:
    rows = [
        ArchiveRow(
            case_no=r.case_no,
            title=f"{r.applicant_name} {r.matter}",
            case_type=r.case_type,
            closed_on=r.done_on,
            pages=3 + i % 9,
            retention="30年" if "宅基地" in r.matter else "10年",
            note="" if r.on_time is not False else "延期办结，附延期告知书",
        )
        for i, r in enumerate(ledger_rows(30, start=date(2026, 7, 1), seed=3))
        if r.done_on is not None
    ]
    return ArchiveList(
        station=STATION,
        year=2026,
        quarter=3,
        rows=rows,
        handed_by=CLERK.name,
        received_by="郑丽华",
        receiver_unit="青溪镇为民服务中心档案室",
        handed_on=date(2026, 10, 9),
        handed_by_signature=signature(2),
        received_by_signature=signature(6),
        items=("台账电子版光盘1张", "服务意见反馈表汇总表1份"),
    )
