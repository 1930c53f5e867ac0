"""A throw-away station filled with a realistic day of work, for screenshots and demos.

Cases are registered on earlier days (so some are due today, soon or overdue),
with signed handovers (demo pad strokes), a town-center completion, a 差评 and
a scanned material.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from desktop.services import accounts
from desktop.services.casework import attachments, feedback, handovers, workflow
from desktop.services.casework.cases import get_case, prepare_registration, register_case
from desktop.services.casework.records import (
    CaseDraft,
    FeedbackDraft,
    FeedbackInput,
    HandoverDraft,
    HandoverInput,
    HandoverItemDraft,
    MaterialDraft,
    SignatureInput,
)
from desktop.services.context import ServiceContext
from desktop.services.station import require_station, setup_station
from desktop.services.syncing.center import apply_center_event
from desktop.store import center_log
from sync.domain.calendar import add_working_days
from sync.domain.clock import FixedClock
from sync.domain.events import CENTER, new_event
from sync.domain.signature import APPLICANT, CLERK, WINDOW_STAFF, Signature
from sync.domain.validation import id_check_char

from ..fonts import with_fallbacks
from .signature import demo_points

TODAY = date(2026, 11, 23)
PEOPLE = (
    ("王秀英", "11010519491231002", "13800138000"),
    ("赵德明", "44030819900101123", "13912345678"),
    ("钱桂兰", "32010620001231567", "0571-88886666"),
    ("孙建国", "51010219850612003", "13700001111"),
    ("周玉梅", "11010519520304002", "13655556666"),
    ("吴长海", "44030819470808123", "13522223333"),
    ("郑小红", "32010619880512567", "13811112222"),
)
ROLES = {"villager": APPLICANT, "clerk": CLERK, "window": WINDOW_STAFF}


DEMO_USER = "lidb"
DEMO_PASSWORD = "qinghe2026"


def _id(prefix: str) -> str:
    return prefix + id_check_char(prefix)


def _registered_on(ctx: ServiceContext, code: str, due: date) -> date:
    """The registration day whose promised deadline is ``due``."""
    days = ctx.catalog.get(code).promised_days
    day = due
    while add_working_days(ctx.calendar, day, days).day > due:
        day -= timedelta(days=1)
    return day


def _on(ctx: ServiceContext, day: date) -> None:
    """Move the demo station's clock to ``day`` (the demo builds a history over past weeks)."""
    clock = ctx.clock
    if not isinstance(clock, FixedClock):
        raise TypeError("the demo station runs on a FixedClock")
    clock.set(FixedClock.on(day).now())


def _register(ctx: ServiceContext, person: int, code: str, on: date, missing: int = 0, kind: str = "agency") -> str:
    _on(ctx, on)
    name, id_prefix, phone = PEOPLE[person]
    item = ctx.catalog.get(code)
    materials = [MaterialDraft(m.name, m.original, m.copies, m.required, True) for m in item.materials]
    required = [i for i, m in enumerate(materials) if m.required][:missing]
    materials = [replace(m, present=False) if i in required else m for i, m in enumerate(materials)]
    draft = CaseDraft(
        kind, code, name, _id(id_prefix), phone, "青禾村二组", ("老",) if person % 2 else (), tuple(materials)
    )
    content = prepare_registration(ctx, draft).content_sha256
    signed = (_sign(ctx, name, APPLICANT, content), _sign(ctx, require_station(ctx).clerk, CLERK, content))
    return register_case(ctx, replace(draft, signatures=signed)).case_ids[0]


def _sign(ctx: ServiceContext, signer: str, role: str, content_sha256: str) -> SignatureInput:
    signature = Signature.from_pad(signer, role, demo_points(), captured_at=ctx.clock.stamp())
    return SignatureInput(signer, role, signature.digest(), content_sha256, signature.to_dict())


def _handover(ctx: ServiceContext, case_id: str, giver: str, taker: str) -> HandoverInput:
    view = get_case(ctx, case_id)
    names = {"villager": view.applicant.name, "clerk": require_station(ctx).clerk, "window": "周窗口"}
    items = tuple(HandoverItemDraft(m.name, m.original, m.copies, 2 if m.original else 1) for m in view.materials)
    if giver != "villager":
        items = tuple(i for i in items if i.original)
    draft = HandoverDraft(giver, taker, items)
    signed = handovers.prepare_handover(ctx, case_id, draft)
    sigs = (
        _sign(ctx, names[giver], ROLES[giver], signed.content_sha256),
        _sign(ctx, names[taker], ROLES[taker], signed.content_sha256),
    )
    return HandoverInput(draft, sigs)


def _center(ctx: ServiceContext, type: str, payload: dict[str, Any]) -> None:
    station = require_station(ctx)
    with ctx.db.reading() as session:
        seq, prev = center_log.head(session)
    event = new_event(
        station_id=station.station_id,
        seq=seq + 1,
        prev_hash=prev,
        type=type,
        payload=payload,
        actor="周窗口",
        occurred_at=ctx.clock.stamp(),
        origin=CENTER,
    )
    apply_center_event(ctx, event.to_dict())


def _scan_png(text: str) -> bytes:
    image = QImage(480, 320, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4efe1"))
    painter = QPainter(image)
    painter.setPen(QColor("#7a1f1f"))
    painter.drawRect(16, 16, 448, 288)
    font = with_fallbacks(QFont())
    font.setPointSize(28)
    painter.setFont(font)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; PySide6 takes only str
    return bytes(data.data())


def seed(ctx: ServiceContext) -> dict[str, str]:
    """Fill the station; returns the ids of notable cases (``custody``, ``bad``, ``waiting``)."""
    setup_station(
        ctx,
        code="QH01",
        name="青禾村政务服务代办站",
        village="青禾村",
        town="青禾镇",
        clerk="李代办",
        username=DEMO_USER,
        password=DEMO_PASSWORD,
    )
    accounts.login(ctx, DEMO_USER, DEMO_PASSWORD)  # unlocks the personal data where no keyring exists
    cal = ctx.calendar
    overdue = _register(ctx, 0, "MZ004", date(2026, 10, 26))
    today_case = _register(ctx, 1, "MZ004", _registered_on(ctx, "MZ004", TODAY))
    soon = _register(ctx, 5, "MZ004", _registered_on(ctx, "MZ004", add_working_days(cal, TODAY, 2).day))
    waiting = _register(ctx, 2, "HJ001", TODAY - timedelta(days=3), missing=2)
    custody = _register(ctx, 3, "MZ004", TODAY - timedelta(days=6))
    done = _register(ctx, 4, "MZ004", TODAY - timedelta(days=20))
    bad = _register(ctx, 6, "MZ004", TODAY - timedelta(days=25), kind="assist")
    _on(ctx, TODAY - timedelta(days=5))
    handovers.record_handover(ctx, custody, _handover(ctx, custody, "villager", "clerk"))
    attachments.add_attachment_bytes(ctx, custody, _scan_png("居民户口簿 扫描件"), "户口簿.png", "户主页和本人页")
    attachments.add_attachment_bytes(ctx, custody, _scan_png("居民身份证 正反面"), "身份证.png")
    _on(ctx, TODAY - timedelta(days=2))
    workflow.deliver(ctx, custody, _handover(ctx, custody, "clerk", "window"))
    _center(ctx, "case.center_accept", {"case_id": custody})
    for case_id in (done, bad):
        workflow.deliver(ctx, case_id)
        _center(ctx, "case.center_accept", {"case_id": case_id})
        _center(ctx, "case.center_complete", {"case_id": case_id, "result": "已核发高龄津贴，自次月起按月发放"})
    draft = FeedbackDraft(True, 2, {"efficiency": "跑了两趟才办好"})
    signed = feedback.prepare_feedback(ctx, bad, draft)
    feedback.give_feedback(ctx, bad, FeedbackInput(draft, _sign(ctx, PEOPLE[6][0], APPLICANT, signed.content_sha256)))
    _on(ctx, TODAY)
    return {
        "custody": custody,
        "bad": bad,
        "done": done,
        "waiting": waiting,
        "overdue": overdue,
        "today": today_case,
        "soon": soon,
    }
