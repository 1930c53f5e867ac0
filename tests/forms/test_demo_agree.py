"""The demo 考核统计表 agrees with the demo 代办台账: 石桥村's figures are the ledger's cases counted."""

from __future__ import annotations

from forms import demo, demo_review, review
from forms.data import Rating

from .glyphs import pdftotext

SATISFIED = {Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED}


def test_shiqiao_line_of_the_review_is_the_ledger_counted() -> None:
    ledger = demo.ledger()
    report = demo_review.review()
    (line,) = [s for s in report.stations if s.name.endswith(f"（{ledger.station.code}）")]
    rows = ledger.rows
    done = [r for r in rows if r.done_on is not None]
    assert line.cases == len(rows)
    assert line.immediate_done == sum(r.case_type == "即办件" for r in done)
    assert line.immediate_on_spot == sum(r.case_type == "即办件" and r.done_on == r.accepted_on for r in done)
    assert line.promised_done == sum(r.case_type == "承诺件" for r in done)
    assert line.promised_on_time == sum(r.case_type == "承诺件" and r.on_time is True for r in done)
    assert line.rated == sum(r.rating is not None for r in rows)
    assert line.satisfied == sum(r.rating in SATISFIED for r in rows)
    assert line.bad == sum(r.rating in (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED) for r in rows)
    assert line.scores["overall"].rated == line.rated
    # the ledger's clerks are the review's clerks of the station, with their own cases
    clerks = {c.name.partition(" · ")[0]: c for c in report.clerks if c.name.endswith(line.name)}
    assert {name: c.cases for name, c in clerks.items()} == {n: sum(r.clerk == n for r in rows) for n in clerks}
    assert sum(c.cases for c in clerks.values()) == line.cases


def test_the_towns_total_is_the_sum_of_its_stations_and_is_printed() -> None:
    report = demo_review.review()
    fields = ("cases", "immediate_done", "immediate_on_spot", "promised_done", "promised_on_time", "rated", "bad")
    for name in fields:
        assert getattr(report.total, name) == sum(getattr(s, name) for s in report.stations), name
    assert sum(c.cases for c in report.clerks) == report.total.cases
    text = pdftotext(review.render(report))
    t = report.total
    assert f"（{t.promised_on_time}/{t.promised_done}）" in text and f"（{t.satisfied}/{t.rated}）" in text
