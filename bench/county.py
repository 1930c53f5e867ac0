"""A county-year of real events in a throw-away PostgreSQL schema (issue 17; docs/performance.md, 县域一年).

Not a benchmark itself: ``bench_county`` and ``tests/sync/test_county_bench_small.py`` load with it.

``load(url)`` enrolls ``BENCH_COUNTY_STATIONS`` stations (600) through the enrollment service
(``issue_code`` + ``enroll``, as ``POST /api/v1/enroll`` does) and lets them work through a year
(``BENCH_COUNTY_YEAR``, 2025 by default; a fixed year, never today's), ``BENCH_COUNTY_CASES`` cases
(190,000) in all. Every case lives through a lifecycle the station app records, step by step, in
time order: registration with the 《代办服务委托书》 signed on the pad by the villager and the clerk
(references over ``registration_content``, the ink), the originals' handover covered by it, 受理 with
the deadline in working days (``add_working_days``) or 一次性告知补正 and 补正后受理, 送件 with a signed
handover of the copies to the window, the town center's 窗口确认收件, 受理 and 办结 (or 退回, or 要求补正),
延期, 中止/续办 signed by the villager (``step_content``), 变更办件类型, the originals handed back
(signed), the 服务意见反馈表 signed (rating and the three dimensions, 0.5 % 差评, each 差评 closed by the
center's 回访), 归档; 撤回, 退回 with its 否定报备, 终止, 咨询 answered, and full 身份证 reads (audit events).

Station events are built with the domain functions the station uses (``handover_content``,
``covered_payload``, ``feedback_content``, ``step_content``, ``registration_content``, ``content_hash``,
``notice_lines``), chained and sealed as ``event_log.append`` seals them (``Event.sealed``, ids from the
seeded generator instead of ``uuid4`` so a load is reproducible), and pushed once a day per station
through ``ingest.ingest`` itself (what ``POST /api/v1/sync/push`` calls; only HTTP is bypassed), which
checks the chain and the schema, seals the personal data and folds the projection. Center events go
through ``record_center_event`` (what the staff pages call). A day is one transaction, its clock (the
session's, so ``received_at`` and the center's stamps) set to that evening; ``BENCH_COUNTY_LOAD_WORKERS``
processes (1) store the days, each of its own stations (``Storers``: the same rows). An event the center refused
or kept as a conflict fails the load: the events are the ones the real path stores. A pad signature's
ink is one of a few pen traces made by ``Signature.from_pad`` once, its ``to_dict()`` with this signer's
name and time (a digest per signature, as the station computes it).
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sync.domain.calendar import HolidayCalendar, add_working_days, working_days_between
from sync.domain.clock import CHINA, FixedClock, stamp
from sync.domain.custody import HandoverItem, covered_payload, handover_content
from sync.domain.entrustment import DEFAULT_SCOPE, registration_content
from sync.domain.events import GENESIS_HASH, Event, canonical_json
from sync.domain.feedback import DIMENSIONS, feedback_content
from sync.domain.signature import APPLICANT, CLERK, WINDOW_STAFF, Signature
from sync.domain.signing import content_hash
from sync.domain.step_signing import step_content

ROOT = Path(__file__).resolve().parents[1]
STATIONS = int(os.environ.get("BENCH_COUNTY_STATIONS", "600"))
CASES = int(os.environ.get("BENCH_COUNTY_CASES", "190000"))
YEAR = int(os.environ.get("BENCH_COUNTY_YEAR", "2025"))
SEED = 2026
#: Processes storing the days (``Storers``); the events are made in one process, in one seeded order.
LOAD_WORKERS = int(os.environ.get("BENCH_COUNTY_LOAD_WORKERS", "1"))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
#: The clerks' given names: never an applicant's, so a handover's two signers are two people.
CLERK_GIVEN = ["卫东", "晓红", "志刚", "丽娟", "海军", "小燕"]
GIVEN = ["秀英", "建国", "桂兰", "志强", "玉兰", "海燕", "德华", "春梅", "国庆", "丽华", "明", "军", "芳", "伟"]
#: (code, name, department, promised working days, type, materials: (name, original, copies, required))
ITEMS: list[tuple[str, str, str, int, str, tuple[tuple[str, bool, int, bool], ...]]] = [
    (
        "YL001",
        "城乡居民养老保险参保登记",
        "镇社保所",
        5,
        "promised",
        (("身份证", True, 1, True), ("户口本", True, 1, True), ("一寸照片", True, 2, False)),
    ),
    ("HJ003", "户籍证明开具", "派出所", 0, "immediate", (("身份证", True, 1, True), ("户口本", True, 1, True))),
    (
        "YB002",
        "城乡居民医保缴费登记",
        "镇医保站",
        3,
        "promised",
        (("身份证", True, 1, True), ("身份证复印件", False, 2, True)),
    ),
    (
        "CJ004",
        "残疾人两项补贴申请",
        "镇残联",
        10,
        "promised",
        (("身份证", True, 1, True), ("残疾证", True, 1, True), ("银行卡复印件", False, 1, True)),
    ),
    (
        "DB005",
        "最低生活保障申请",
        "镇民政办",
        20,
        "promised",
        (("身份证", True, 1, True), ("户口本", True, 1, True), ("收入证明", True, 1, True)),
    ),
]
#: The town center's 窗口工作人员 (actors of its events, signers of the window handovers).
WINDOW_CLERKS = ["窗口周敏", "窗口吴磊", "窗口郑红", "窗口孙杰"]
CALENDAR = HolidayCalendar(version="bench")


def _beijing(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(minutes=minutes)


def _id_number(rng: random.Random) -> str:
    from sync.domain.validation import id_check_char

    first = f"510921{rng.randrange(1940, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    first += f"{rng.randrange(1000):03d}"
    return first + id_check_char(first)


class Ink:
    """A few pen traces (``Signature.from_pad`` of smooth 3-stroke traces), reused with each signer's name and time."""

    def __init__(self, count: int = 8) -> None:
        self.traces: list[Signature] = []
        for seed in range(count):
            strokes = [
                [
                    (
                        60 + 160 * s + 1.8 * i + 14 * math.sin(i / 5 + seed + s),
                        100 + 35 * math.sin(i / 7 + seed),
                        10 * i,
                    )
                    for i in range(80)
                ]
                for s in range(3)
            ]
            self.traces.append(Signature.from_pad("样", APPLICANT, strokes, captured_at="2025-01-01T00:00:00+00:00"))
        self._dicts = [t.to_dict() for t in self.traces]

    def sign(
        self, rng: random.Random, signer: str, role: str, at: str, content: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(reference, ink) of ``signer``'s pad signature over ``content`` at ``at``: what the station records."""
        ink = self._dicts[rng.randrange(len(self._dicts))] | {"signer": signer, "role": role, "captured_at": at}
        digest = hashlib.sha256(canonical_json(ink).encode("utf-8")).hexdigest()  # Signature.digest()
        ref = {"signer": signer, "role": role, "signature_sha256": digest, "content_sha256": content_hash(content)}
        return ref, ink

    def signed(
        self, rng: random.Random, signers: list[tuple[str, str]], at: str, content: dict[str, Any]
    ) -> dict[str, Any]:
        refs: list[dict[str, Any]] = []
        data: dict[str, dict[str, Any]] = {}
        for signer, role in signers:
            ref, ink = self.sign(rng, signer, role, at, content)
            refs.append(ref)
            data[ref["signature_sha256"]] = ink
        return {"signatures": refs, "signature_data": data}


@dataclass
class Station:
    id: str
    code: str
    name: str
    clerks: tuple[str, str]
    token: str = ""
    seq: int = 0
    head: str = GENESIS_HASH
    serials: dict[date, int] = field(default_factory=dict)

    def case_no(self, day: date) -> str:
        from sync.domain.case_number import format_case_no

        self.serials[day] = self.serials.get(day, 0) + 1
        return format_case_no(self.code, day, self.serials[day])


@dataclass(frozen=True)
class Step:
    """One event a case's lifecycle records at ``at``: by the station (``center`` False) or the town center."""

    at: datetime
    type: str
    payload: dict[str, Any]
    actor: str
    center: bool = False
    event_id: str = ""


@dataclass
class Stats:
    station_events: int = 0
    center_events: int = 0
    stations: int = 0
    cases: int = 0
    batches: int = 0
    seconds: float = 0.0
    by_type: dict[str, int] = field(default_factory=dict)
    #: What the pages are asked for: one case registered in June (its id, number, applicant), its station, clerk
    #: and delivery day (``county_probe``).
    probe: dict[str, str] = field(default_factory=dict)

    @property
    def events(self) -> int:
        return self.station_events + self.center_events


def _next_workday(day: date, rng: random.Random, spread: int) -> date:
    """A working day 1..``spread`` working days after ``day``."""
    return add_working_days(CALENDAR, day, rng.randint(1, spread)).day


def lifecycle(
    rng: random.Random, ink: Ink, station: Station, day: date, minute: int, ids: Callable[[], str]
) -> Iterator[Step]:
    """The steps of one case registered at ``station`` on ``day`` (``minute`` after midnight, Beijing), in time
    order; the side changes (station ↔ center) only from one day to a later one, so a day's pushes and the center's
    work of the day can be stored in that order."""
    clerk = station.clerks[rng.randrange(2)]
    window = rng.choice(WINDOW_CLERKS)
    at = _beijing(day, minute)
    case_id = ids()
    code, item_name, department, days, case_type, listed = rng.choice(ITEMS)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    applicant: dict[str, Any] = {
        "name": name,
        "id_number": _id_number(rng),
        "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        "address": f"{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
        "special_groups": ["老"] if rng.random() < 0.1 else [],
    }
    roll = rng.random()
    consult = roll < 0.03
    kind = "consult" if consult else ("assist" if rng.random() < 0.15 else "agency")
    incomplete = not consult and rng.random() < 0.08
    materials: list[dict[str, Any]] = [
        {
            "name": n,
            "original": o,
            "copies": c,
            "required": r,
            "present": not (incomplete and r and i == len(listed) - 1),
        }
        for i, (n, o, c, r) in enumerate(listed)
    ]
    registered: dict[str, Any] = {
        "case_id": case_id,
        "case_no": station.case_no(day),
        "kind": kind,
        "case_type": case_type,
        "applicant": applicant,
        "item": {"code": code, "name": item_name, "department": department, "promised_days": days},
        "materials": [] if consult else [dict(m) for m in materials],
    }
    payload: dict[str, Any]

    def tick(minutes: int = 3) -> str:
        nonlocal at
        at += timedelta(minutes=minutes)
        return stamp(at)

    def on(next_day: date) -> None:
        nonlocal at
        at = _beijing(next_day, rng.randrange(8 * 60 + 30, 17 * 60))

    def station_step(type_: str, payload: dict[str, Any], event_id: str = "") -> Step:
        return Step(at, type_, {"case_id": case_id, **payload}, clerk, False, event_id)

    def center_step(type_: str, payload: dict[str, Any]) -> Step:
        return Step(at, type_, {"case_id": case_id, **payload}, window, True)

    if consult:
        yield station_step("case.registered", registered)
        tick(10)
        yield station_step(
            "case.answer", {"answer": f"已告知{item_name}的办理条件和材料", "answered_on": day.isoformat()}
        )
        tick(1)
        yield station_step("case.archive", {"archived_on": day.isoformat()})
        return

    # registration: the 委托书 signed on the pad, the originals handed over under it
    registered["scope"] = DEFAULT_SCOPE
    content = registration_content(registered)
    registered |= ink.signed(rng, [(name, APPLICANT), (clerk, CLERK)], stamp(at), content)
    yield station_step("case.registered", registered)
    originals = [HandoverItem(m["name"], True, m["copies"]) for m in materials if m["original"] and m["present"]]
    if originals:
        tick(1)
        handed = handover_content(case_id, "villager", "clerk", originals)
        yield station_step("case.handover", covered_payload(handed, content_hash(content)))
    today = day
    if incomplete:
        from desktop.services.casework.notices import notice_lines
        from sync.domain.model import MaterialItem

        missing = [m["name"] for m in materials if m["required"] and not m["present"]]
        tick(2)
        notice = notice_lines(None, [MaterialItem.from_dict(m) for m in materials], missing)
        yield station_step(
            "case.request_correction",
            {"missing": missing, "notice": notice, "legal_basis": "", "notified_on": today.isoformat()},
        )
        if rng.random() < 0.08:  # 退回 with its 否定报备 (before the center)
            today = _next_workday(today, rng, 5)
            on(today)
            reason = "申请人不符合该事项的申请条件"
            if originals:
                back = handover_content(case_id, "clerk", "villager", originals)
                yield station_step(
                    "case.handover", back | ink.signed(rng, [(clerk, CLERK), (name, APPLICANT)], stamp(at), back)
                )
                tick(1)
            denial = {
                "applicant": name,
                "phone": applicant["phone"],
                "address": applicant["address"],
                "matter": item_name,
                "department": department,
                "basic_facts": "材料不齐且不符合条件",
                "reason": reason,
                "legal_basis": "《社会救助暂行办法》",
                "leader_opinion": "同意退回",
                "handled_by": clerk,
                "date": today.isoformat(),
            }
            payload = {"reason": reason, "reasons": [reason], "legal_basis": "《社会救助暂行办法》"}
            yield station_step("case.return", payload | {"returned_on": today.isoformat(), "denial": denial})
            tick(1)
            yield station_step("case.archive", {"archived_on": today.isoformat()})
            return
        today = _next_workday(today, rng, 6)
        on(today)
        materials = [m | {"present": True} for m in materials]
        deadline = add_working_days(CALENDAR, today, days)
        yield station_step(
            "case.accept",
            {
                "received": missing,
                "materials": materials,
                "accepted_on": today.isoformat(),
                "due_on": deadline.day.isoformat(),
                "due_uncertain": deadline.uncertain,
                "supplemented": True,
            },
        )
    else:
        tick(2)
        deadline = add_working_days(CALENDAR, today, days)
        payload = {"accepted_on": today.isoformat(), "due_on": deadline.day.isoformat()}
        yield station_step("case.accept", payload | {"due_uncertain": deadline.uncertain})
    due = deadline.day
    if case_type == "promised" and rng.random() < 0.005:
        tick(5)
        reason = "需多个部门联合办理"
        yield station_step("case.set_case_type", {"case_type": "joint", "previous": "promised", "reason": reason})

    def hand_back() -> Iterator[Step]:
        if originals:
            back = handover_content(case_id, "clerk", "villager", originals)
            yield station_step(
                "case.handover", back | ink.signed(rng, [(clerk, CLERK), (name, APPLICANT)], stamp(at), back)
            )
            tick(1)

    if rng.random() < 0.015:  # 撤回 at the villager's request, or 终止
        today = _next_workday(today, rng, 2)
        on(today)
        yield from hand_back()
        if rng.random() < 0.5:
            yield station_step("case.withdraw", {"reason": "申请人主动撤回", "withdrawn_on": today.isoformat()})
        else:
            returned = [i.name for i in originals]
            payload = {"reason": "申请人已迁出本镇", "terminated_on": today.isoformat(), "materials_returned": returned}
            yield station_step("case.terminate", payload)
        tick(1)
        yield station_step("case.archive", {"archived_on": today.isoformat()})
        return
    if rng.random() < 0.03:  # 中止 and 续办, each signed by the villager
        today = _next_workday(today, rng, 1)
        on(today)
        reason, restart = "申请人外出务工，暂无法补充核实信息", "申请人返乡后"
        signed = step_content("suspend", case_id, reason, restart)
        payload = {"reason": reason, "restart_condition": restart, "suspended_on": today.isoformat()}
        yield station_step("case.suspend", payload | ink.signed(rng, [(name, APPLICANT)], stamp(at), signed))
        suspended_on = today
        today = _next_workday(today, rng, 8)
        on(today)
        reason = "申请人已返乡"
        signed = step_content("resume", case_id, reason)
        skipped = max(0, working_days_between(CALENDAR, suspended_on, today))
        deadline = add_working_days(CALENDAR, due, skipped)
        due = deadline.day
        payload = {"resumed_on": today.isoformat(), "suspended_days": skipped, "due_on": due.isoformat()}
        payload |= {"due_uncertain": deadline.uncertain, "reason": reason}
        yield station_step("case.resume", payload | ink.signed(rng, [(name, APPLICANT)], stamp(at), signed))
    # 送件: the copies to the window, signed by the clerk and the window
    today = _next_workday(today, rng, 2) if rng.random() < 0.7 else today
    if today != day:
        on(today)
    else:
        tick(30)
    yield station_step("case.deliver", {"delivered_on": today.isoformat()})
    tick(1)
    named = {(f"{n}复印件" if o else n): c for n, o, c, _r in listed}
    copies = [HandoverItem(n, False, c) for n, c in named.items()]
    to_window = handover_content(case_id, "clerk", "window", copies)
    handover_id = ids()
    payload = to_window | ink.signed(rng, [(clerk, CLERK), (window, WINDOW_STAFF)], stamp(at), to_window)
    yield station_step("case.handover", payload, handover_id)
    # the town center: 窗口确认收件, 受理
    today = _next_workday(today, rng, 2)
    on(today)
    items = [i.to_dict() for i in copies]
    yield center_step(
        "case.center_handover_received", {"handover_id": handover_id, "received_by": window, "items": items}
    )
    tick(20)
    yield center_step("case.center_accept", {})
    if rng.random() < 0.01:  # 镇中心要求补正: the station takes it back, 补正后受理 and delivers again
        today = _next_workday(today, rng, 2)
        on(today)
        yield center_step("case.center_request_correction", {"missing": ["户口本首页复印件"], "reason": "缺户口本首页"})
        today = _next_workday(today, rng, 4)
        on(today)
        deadline = add_working_days(CALENDAR, today, days)
        due = deadline.day
        payload = {"received": ["户口本首页复印件"], "accepted_on": today.isoformat(), "due_on": due.isoformat()}
        yield station_step("case.accept", payload | {"due_uncertain": deadline.uncertain, "supplemented": True})
        tick(30)
        yield station_step("case.deliver", {"delivered_on": today.isoformat()})
        today = _next_workday(today, rng, 2)
        on(today)
        yield center_step("case.center_accept", {})
    if rng.random() < 0.04 and _next_workday(today, rng, 1) <= due:  # 延期, agreed, before the deadline
        today = _next_workday(today, rng, 1)
        on(today)
        new_due = add_working_days(CALENDAR, due, 5).day
        payload = {"due_on": new_due.isoformat(), "due_uncertain": False, "previous_due_on": due.isoformat()}
        payload |= {
            "reason": "部门审核需补充调查",
            "consent": True,
            "requested_on": today.isoformat(),
            "approved_by": "",
        }
        yield station_step("case.extend", payload)
        due = new_due
    if rng.random() < 0.01:  # 镇中心退回
        today = _next_workday(today, rng, 3)
        on(today)
        payload = {"reason": "不符合受理条件", "reasons": ["不符合受理条件"], "legal_basis": "相关政策规定"}
        yield center_step("case.center_return", payload)
        today = _next_workday(today, rng, 3)
        on(today)
        yield from hand_back()
        yield station_step("case.archive", {"archived_on": today.isoformat()})
        return
    # 办结: mostly on time, some late
    late = rng.random() < 0.05
    finish = (
        add_working_days(CALENDAR, due, rng.randint(1, 4)).day if late else due - timedelta(days=rng.randrange(0, 3))
    )
    today = max(finish, _next_workday(today, rng, 1))
    on(today)
    yield center_step("case.center_complete", {"result": "已办结", "completed_on": today.isoformat()})
    # the villager gets the result and his originals back, signs the 反馈表; 归档
    today = _next_workday(today, rng, 4)
    on(today)
    yield from hand_back()
    bad = rng.random() < 0.005
    rating = rng.choice((1, 2)) if bad else rng.choice((3, 4, 5, 5, 5, 5))
    dims = {k: max(1, min(5, rating - rng.randrange(0, 2))) for k in sorted(DIMENSIONS)}
    comments = {"suggestions": "办事太慢"} if bad else {}
    form = feedback_content(case_id, True, rating, comments, dims)
    ref, data = ink.sign(rng, name, APPLICANT, stamp(at), form)
    yield station_step(
        "case.give_feedback", form | {"signature": ref, "signature_data": {ref["signature_sha256"]: data}}
    )
    tick(2)
    yield station_step("case.archive", {"archived_on": today.isoformat()})
    if rng.random() < 0.015:  # a full 身份证 read, recorded (not a case event)
        tick(30)
        yield Step(
            at,
            "audit.id_number_read",
            {"subject_case_id": case_id, "case_no": registered["case_no"], "purpose": "核对社保档案"},
            clerk,
        )
    if bad:  # the center's 回访整改 of a 差评
        today = _next_workday(today, rng, 3)
        on(today)
        yield center_step(
            "case.center_close_rating", {"outcome": "已回访，申请人表示理解", "closed_on": today.isoformat()}
        )


def enroll_stations(session: Any, count: int, rng: random.Random, prefix: str = "X") -> list[Station]:
    """``count`` stations (codes ``prefix`` + a number) enrolled as ``POST /api/v1/enroll`` enrolls them: a code
    issued by the town, used once; each with its token."""
    from sync.protocol.models import EnrollRequest
    from sync.server.services.enrollment import enroll, issue_code

    stations = []
    for i in range(count):
        code = f"{prefix}{i:04d}"
        name = f"第{i + 1}村代办站"
        secret = issue_code(session, code, name)
        station_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        reply = enroll(session, EnrollRequest(code=secret, station_id=station_id, station_code=code))
        clerks = (rng.choice(SURNAMES) + rng.choice(CLERK_GIVEN), rng.choice(SURNAMES) + rng.choice(CLERK_GIVEN))
        stations.append(Station(reply.station_id, code, name, clerks, reply.token))
    return stations


def _seal(station: Station, step: Step, ids: Callable[[], str]) -> Event:
    """The next event of ``station``'s chain, as ``event_log.append`` seals it."""
    station.seq += 1
    event = Event(
        id=step.event_id or ids(),
        station_id=station.id,
        seq=station.seq,
        type=step.type,
        payload=step.payload,
        actor=step.actor,
        occurred_at=stamp(step.at),
        prev_hash=station.head,
    ).sealed()
    station.head = event.hash
    return event


def _probe_of(station: Station, step: Step) -> dict[str, str]:
    applicant = step.payload["applicant"]
    return {
        "case_id": step.payload["case_id"],
        "case_no": step.payload["case_no"],
        "name": applicant["name"],
        "id_number": applicant["id_number"],
        "phone": applicant["phone"],
        "station_id": station.id,
        "station_name": station.name,
        "clerk": step.actor,
        "matter": step.payload["item"]["name"][:4],
    }


def _day_counts(rng: random.Random, stations: int, cases: int, days: list[date]) -> list[list[int]]:
    """Cases registered per station per working day: ``cases`` in all, stations busier than others."""
    weights = [0.4 + rng.random() * 1.2 for _ in range(stations)]
    total = sum(weights)
    counts = [[0] * stations for _ in days]
    for s, weight in enumerate(weights):
        share = round(cases * weight / total) if s < stations - 1 else cases - sum(sum(d) for d in counts)
        for _ in range(share):
            counts[rng.randrange(len(days))][s] += 1
    return counts


@dataclass
class Day:
    """What one storing worker stores of a day, in one transaction: its stations' pushes (station id, batch id,
    events), then the center's steps (station id, step) in time order."""

    day: date
    evening: datetime
    pushes: list[tuple[str, str, list[Event]]] = field(default_factory=list)
    center: list[tuple[str, Step]] = field(default_factory=list)


def _store(sessions: Any, day: Day) -> tuple[int, int, int]:
    """Store ``day`` through the real path (``ingest``, ``record_center_event``) in one transaction, its clock that
    evening (each center step's at its time); (station events, center events, batches) stored."""
    from sync.server.core.db import CLOCK
    from sync.server.services.center_events import record_center_event
    from sync.server.services.ingest import ingest

    with sessions() as session, session.begin():
        session.info[CLOCK] = FixedClock(day.evening, tick=False)
        for station_id, batch_id, events in day.pushes:
            result = ingest(session, station_id, batch_id, events)
            if result.refused or result.conflicts:
                note = (result.refused or result.conflicts)[0]
                raise RuntimeError(f"{station_id} day {day.day}: the center refused or flagged {note}")
        for station_id, step in day.center:
            session.info[CLOCK] = FixedClock(step.at, tick=False)
            record_center_event(session, station_id, step.type, step.payload, step.actor)
    return sum(len(events) for _s, _b, events in day.pushes), len(day.center), len(day.pushes)


def _storing(database_url: str, data_key: Any, inbox: Any, outbox: Any) -> None:
    """A storing worker: ``Day``s from ``inbox`` until None, (counts) or the error's text to ``outbox``."""
    from sync.server.core.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine, data_key=data_key)
    try:
        while (day := inbox.get()) is not None:
            outbox.put(_store(sessions, day))
    except BaseException as exc:  # noqa: BLE001 - the loading process raises it
        outbox.put(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


class Storers:
    """``workers`` processes storing the days of their stations (station ``s``: worker ``s % workers``); each
    station's chain, its cases and its center chain are its own, so the stored rows are those of one process
    storing the days in order (``workers`` 1: this process does)."""

    def __init__(self, database_url: str, sessions: Any, workers: int, stats: Stats) -> None:
        import multiprocessing

        from sync.server.core.db import DATA_KEY

        self.sessions, self.stats, self.sent, self.workers = sessions, stats, 0, workers
        self.inboxes: list[Any] = []
        self.processes: list[Any] = []
        if workers <= 1:
            return
        context = multiprocessing.get_context("fork")
        self.outbox = context.Queue()
        for _ in range(workers):
            inbox = context.Queue(maxsize=8)
            process = context.Process(
                target=_storing, args=(database_url, sessions.kw["info"][DATA_KEY], inbox, self.outbox), daemon=True
            )
            process.start()
            self.inboxes.append(inbox)
            self.processes.append(process)

    def days(self, day: date, evening: datetime) -> list[Day]:
        return [Day(day, evening) for _ in range(max(1, self.workers))]

    def _count(self, done: tuple[int, int, int] | str) -> None:
        if isinstance(done, str):
            raise RuntimeError(f"a storing worker failed: {done}")
        self.stats.station_events += done[0]
        self.stats.center_events += done[1]
        self.stats.batches += done[2]

    def _collect(self, wait: bool) -> None:
        import queue

        while self.sent:
            try:
                done = self.outbox.get(timeout=1.0) if wait else self.outbox.get_nowait()
            except queue.Empty:
                if not wait:
                    return
                if not all(p.is_alive() for p in self.processes):
                    raise RuntimeError("a storing worker died") from None
                continue
            self.sent -= 1
            self._count(done)

    def store(self, days: list[Day]) -> None:
        import queue

        if not self.processes:
            self._count(_store(self.sessions, days[0]))
            return
        for inbox, day in zip(self.inboxes, days, strict=True):
            if not day.pushes and not day.center:
                continue
            while True:
                try:
                    inbox.put(day, timeout=1.0)
                    break
                except queue.Full:
                    self._collect(wait=False)
                    if not all(p.is_alive() for p in self.processes):
                        raise RuntimeError("a storing worker died") from None
            self.sent += 1
        self._collect(wait=False)

    def close(self, finished: bool) -> None:
        """Wait for what was sent (``finished``) and end the workers."""
        try:
            if finished:
                self._collect(wait=True)
        finally:
            for inbox in self.inboxes:
                inbox.put(None)
            for process in self.processes:
                process.join(timeout=None if finished else 5)
                if process.is_alive():
                    process.terminate()


def load(
    database_url: str,
    stations: int = STATIONS,
    cases: int = CASES,
    year: int = YEAR,
    progress: Callable[[str], None] | None = None,
    workers: int = LOAD_WORKERS,
) -> tuple[list[Station], Stats]:
    """Enroll ``stations`` and store a year of their work (``cases`` cases registered in ``year``; what their
    lifecycles would record after the year's last evening is left undone, so the last ones are still open at
    ``now_of(year)``); returns the stations (with their tokens) and what was stored. The events are made here, in
    one seeded order, and stored by ``workers`` processes (``Storers``)."""
    import heapq

    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.core.migrate import upgrade_head

    rng = random.Random(SEED)

    def ids() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    engine = make_engine(database_url)
    upgrade_head(engine)
    sessions = make_sessionmaker(engine, FixedClock(_beijing(date(year, 1, 1), 8 * 60)))
    with sessions() as session, session.begin():
        county = enroll_stations(session, stations, rng)
    ink = Ink()
    stats = Stats(stations=stations, cases=cases)
    first, end = date(year, 1, 1), date(year + 1, 1, 1)
    workdays = [first + timedelta(days=n) for n in range((end - first).days)]
    workdays = [d for d in workdays if CALENDAR.is_workday(d)]
    counts = _day_counts(rng, stations, cases, workdays)
    registrations = {d: counts[n] for n, d in enumerate(workdays)}
    # live cases: (time of the next step, tie-breaker, station index, lifecycle, that step)
    live: list[tuple[datetime, int, int, Iterator[Step], Step]] = []
    order = 0
    began = time.perf_counter()
    if workers > 1:
        engine.dispose()  # the workers are forked: none of this process's connections goes with them
    storers = Storers(database_url, sessions, workers, stats)
    finished = False
    try:
        day = first
        while day < end:
            for s, n in enumerate(registrations.get(day, ())):
                for minute in sorted(rng.randrange(8 * 60 + 30, 17 * 60) for _ in range(n)):
                    steps = lifecycle(random.Random(rng.getrandbits(64)), ink, county[s], day, minute, ids)
                    step = next(steps)
                    heapq.heappush(live, (step.at, order, s, steps, step))
                    order += 1
            evening = _beijing(day, 19 * 60)
            pushed: dict[int, list[Event]] = {}
            center: list[tuple[int, Step]] = []
            while live and live[0][0] < evening:
                _at, tie, s, steps, step = heapq.heappop(live)
                if step.type == "case.registered" and not stats.probe and step.at.month == 6:
                    stats.probe = _probe_of(county[s], step)
                if step.type == "case.deliver" and stats.probe.get("case_id") == step.payload["case_id"]:
                    stats.probe["day"] = step.payload["delivered_on"]
                if step.center:
                    center.append((s, step))
                else:
                    pushed.setdefault(s, []).append(_seal(county[s], step, ids))
                stats.by_type[step.type] = stats.by_type.get(step.type, 0) + 1
                following = next(steps, None)
                if following is not None:
                    heapq.heappush(live, (following.at, tie, s, steps, following))
            if pushed or center:
                days = storers.days(day, evening)
                for s in sorted(pushed):  # the batch ids in the station order the pushes always had
                    days[s % len(days)].pushes.append((county[s].id, ids(), pushed[s]))
                for s, step in center:
                    days[s % len(days)].center.append((county[s].id, step))
                storers.store(days)
            if day.day == 1:
                if day != first:
                    _autovacuum(database_url)
                if progress is not None:
                    rate = stats.events / max(time.perf_counter() - began, 1e-9)
                    progress(f"{day}: {stats.events} events, {rate:.0f} events/s")
            day += timedelta(days=1)
        finished = True
    finally:
        storers.close(finished)
    stats.seconds = time.perf_counter() - began
    engine.dispose()
    return county, stats


def _autovacuum(database_url: str) -> None:
    """``VACUUM ANALYZE``, once a month of the loaded year: what autovacuum does on a running center, and what a
    PostgreSQL with ``autovacuum = off`` (a CI machine's) never does. Without it the tables keep the statistics of
    their first, empty hour, and a statement the server prepared then (psycopg prepares after 5 runs) keeps a plan
    made for an empty table: the known-ids look-up of each push scanned all of ``events``, and the load slowed from
    460 to 130 events/s by its fifth month."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    if engine.dialect.name != "postgresql":  # a small SQLite load, its storing workers writing the file meanwhile
        return
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            tables = ", ".join(f'"{name}"' for name in conn.execute(sa.text(query)).scalars())
            conn.execute(sa.text(f"VACUUM ANALYZE {tables}"))  # the load's schema only, not the whole database
    finally:
        engine.dispose()


def verify_chains(database_url: str) -> tuple[int, str]:
    """The real ``python -m sync.server verify-chains`` on ``database_url``: (exit code, its output)."""
    env = os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "sync.server", "verify-chains"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


def settle(database_url: str) -> None:
    """The town director's account the pages are measured with (``bench`` / ``bench-password``), and
    ``VACUUM ANALYZE`` as autovacuum leaves a running center's tables (visibility map, statistics)."""
    import sqlalchemy as sa

    from sync.server.core.db import make_engine, make_sessionmaker
    from sync.server.services.staff import create_staff

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session, session.begin():
        create_staff(session, "bench", "县域测试主任", "director", "bench-password")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def now_of(year: int = YEAR) -> datetime:
    """The center's clock while the loaded county is measured: 10:00 on the morning after the year (its last
    cases still open, their deadlines around that day)."""
    return _beijing(date(year + 1, 1, 1), 10 * 60)
