"""好差评 levels (国办发〔2019〕51号; GB/T 39734-2020) and the 考核 counts and rates built on them."""

from __future__ import annotations

from dataclasses import dataclass

RATING_LABELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def is_bad_rating(rating: int) -> bool:
    """不满意 and 非常不满意 are 差评: each needs a 回访 and 整改."""
    return rating <= 2


@dataclass(kw_only=True)
class ReviewCounts:
    """A group's 考核 counts (a station, a clerk, the town, a month) and the three rates they give: the one
    definition the center's counts (``review_counts``), its page (``evaluation.Rates``) and the printed
    考核统计表 (``forms.data.ReviewRow``) share.

    即办件 on the spot = completed the day they were accepted; 承诺件 on time = completed by their promised date;
    满意率 = satisfied (基本满意 or better) ÷ rated; 差评 = ``is_bad_rating``. A rate with nothing to divide
    by is None (shown as —), never 0. Keyword-only, so that a class adding its own fields (a row's name) keeps
    them first.
    """

    cases: int = 0
    immediate_done: int = 0
    immediate_on_spot: int = 0
    promised_done: int = 0
    promised_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    bad: int = 0

    @property
    def on_spot_rate(self) -> float | None:
        return _ratio(self.immediate_on_spot, self.immediate_done)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.promised_on_time, self.promised_done)

    @property
    def satisfaction(self) -> float | None:
        return _ratio(self.satisfied, self.rated)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
