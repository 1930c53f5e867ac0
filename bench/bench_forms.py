"""Form PDFs: one 代办服务委托书 (a common and a rare name), and a 1,000-row 代办台账 (PDF and Excel)."""

from __future__ import annotations

import dataclasses
import itertools
import resource
import time
from collections.abc import Iterator
from typing import Any

import bench


def run() -> Iterator[dict[str, Any]]:
    start = time.perf_counter()
    from forms import demo, entrustment, ledger

    data = demo.entrustment()
    entrustment.render(data)  # registers and parses the fonts once per process
    cold = (time.perf_counter() - start) * 1000
    yield bench.figure("forms.first_pdf_including_font_loading", cold, "ms", None)
    # A new case number each time: the QR code of a case is cached, a real print is a new case.
    serial = itertools.count(1)

    def one() -> bytes:
        return entrustment.render(dataclasses.replace(data, case_no=f"QX0312-20261116-{next(serial):04d}"))

    yield bench.figure("forms.entrustment_pdf", bench.best_ms(one, 10), "ms", 100)

    # A name beyond GBK loads the covering fonts (HanaMinA/B, ~51 MiB of TrueType) on first need.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    rare = demo.entrustment_rare_name()
    entrustment.render(rare)
    first_rare = (time.perf_counter() - start) * 1000
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield bench.figure(
        "forms.first_rare_name_pdf_including_covering_fonts",
        first_rare,
        "ms",
        None,
        peak_rss_mb_before=round(rss_before),
        peak_rss_mb_after=round(rss_after),
    )
    yield bench.figure(
        "forms.rare_name_entrustment_pdf",
        bench.best_ms(
            lambda: entrustment.render(dataclasses.replace(rare, case_no=f"QX0312-20261116-{next(serial):04d}")), 10
        ),
        "ms",
        100,
    )

    rows = dataclasses.replace(demo.ledger(), rows=demo.ledger_rows(1000))
    pages = len(ledger.render(rows).split(b"/Type /Page\n")) - 1
    yield bench.figure(
        "forms.ledger_1000_rows_pdf", bench.best_ms(lambda: ledger.render(rows), 3), "ms", 3000, pages=pages
    )
    yield bench.figure("forms.ledger_1000_rows_xlsx", bench.best_ms(lambda: ledger.to_xlsx(rows), 3), "ms", None)
