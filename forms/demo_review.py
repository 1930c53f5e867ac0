"""The demo 考核统计表, computed from demo cases: the 代办台账's own rows for 石桥村 and rows made the same way
for the town's other stations, counted as the town center's 考核 page counts them.

So the demo review never contradicts the demo ledger: 石桥村's line (and its two clerks') is the ledger's
cases counted (``tests/forms/test_demo_agree.py`` proves it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from forms import demo
from forms.data import DIMENSION_LABELS, OVERALL, LedgerRow, Rating, ReviewReport, ReviewRow, Score

#: The five levels as the 1-5 the station records.
RATING_VALUES = {
    Rating.VERY_SATISFIED: 5,
    Rating.SATISFIED: 4,
    Rating.BASICALLY_SATISFIED: 3,
    Rating.DISSATISFIED: 2,
    Rating.VERY_DISSATISFIED: 1,
}


@dataclass(frozen=True)
class DemoStation:
    name: str  # as the review prints it, with the station code
    rows: Sequence[LedgerRow]


def stations() -> list[DemoStation]:
    """The town's six stations of the quarter: 石桥村 with the demo ledger's very rows (``demo.ledger``),
    the others made the same way; 新塘社区's 反馈表 are on paper only (no rating recorded)."""
    shiqiao = f"{demo.STATION.name}（{demo.STATION.code}）"
    return [
        DemoStation(shiqiao, demo.ledger().rows),
        DemoStation(
            "青溪镇上杭村政务服务代办站（QX0307）", demo.ledger_rows(30, seed=11, code="QX0307", clerks=("周丽萍",))
        ),
        DemoStation(
            "青溪镇大源坞、小源坞自然村联合政务服务代办站（QX0325）",
            demo.ledger_rows(22, seed=5, code="QX0325", clerks=("赵国强",)),
        ),
        DemoStation("青溪镇桐坞村代办站（QX0301）", demo.ledger_rows(26, seed=21, code="QX0301", clerks=("钱佳慧",))),
        DemoStation("青溪镇东岭村代办站（QX0318）", demo.ledger_rows(16, seed=13, code="QX0318", clerks=("孙志明",))),
        DemoStation(
            "青溪镇新塘社区代办点（QX0330）",
            demo.ledger_rows(6, seed=17, code="QX0330", clerks=("吴海燕",), rated=False),
        ),
    ]


def dimensions(row: LedgerRow) -> dict[str, int]:
    """The 服务效率/服务水平/服务态度 a demo villager ticked: around his overall rating, fixed by the case
    number (no draw); a late case rates 服务效率 one lower; none when he gave no rating."""
    if row.rating is None:
        return {}
    overall = RATING_VALUES[row.rating]
    spread = sum(map(ord, row.case_no))
    out = {}
    for n, key in enumerate(DIMENSION_LABELS):
        value = overall + ((spread >> n) % 3 == 0) - ((spread >> (n + 2)) % 5 == 0)
        if key == "efficiency" and row.on_time is False:
            value -= 1
        out[key] = min(5, max(1, value))
    return out


def count(name: str, rows: Sequence[LedgerRow]) -> ReviewRow:
    """``rows`` counted as ``sync.server.services.evaluation.Rates`` counts cases: 即办件 on the spot = done
    the day accepted, 承诺件 on time = done by the due date, satisfied = 基本满意 or better, 差评 ≤ 2."""
    immediate = [r for r in rows if r.case_type == "即办件" and r.done_on]
    promised = [r for r in rows if r.case_type == "承诺件" and r.done_on and r.due_on]
    rated = [r for r in rows if r.rating is not None]
    tallies: dict[str, list[int]] = {}
    for r in rated:
        assert r.rating is not None
        for key, value in [(OVERALL, RATING_VALUES[r.rating]), *dimensions(r).items()]:
            tally = tallies.setdefault(key, [0, 0, 0])
            tally[0], tally[1], tally[2] = tally[0] + 1, tally[1] + value, tally[2] + (value >= 3)
    return ReviewRow(
        name,
        cases=len(rows),
        immediate_done=len(immediate),
        immediate_on_spot=sum(r.done_on == r.accepted_on for r in immediate),
        promised_done=len(promised),
        promised_on_time=sum(bool(r.done_on and r.due_on and r.done_on <= r.due_on) for r in promised),
        rated=len(rated),
        satisfied=sum(RATING_VALUES[r.rating] >= 3 for r in rated if r.rating),
        bad=sum(RATING_VALUES[r.rating] <= 2 for r in rated if r.rating),
        scores={k: Score(*tallies[k]) for k in (OVERALL, *DIMENSION_LABELS) if k in tallies},
    )


def review() -> ReviewReport:
    """The 2026-Q4 考核统计表 of the demo town, every figure counted from the demo cases."""
    town = stations()
    clerks = [
        count(f"{clerk} · {s.name}", [r for r in s.rows if r.clerk == clerk])
        for s in town
        for clerk in dict.fromkeys(r.clerk for r in s.rows)
    ]
    return ReviewReport(
        center_name="青溪镇为民服务中心",
        period="2026-Q4",
        period_label="2026年第4季度",
        total=count("全镇合计", [r for s in town for r in s.rows]),
        stations=[count(s.name, s.rows) for s in town],
        clerks=clerks,
        printed_on=date(2026, 11, 20),
        printed_by="王主任",
        link="https://wmfw.qingxi.gov.cn/center/review?period=2026-Q4",
    )
