"""好差评 levels (国办发〔2019〕51号; GB/T 39734-2020)."""

from __future__ import annotations

RATING_LABELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def is_bad_rating(rating: int) -> bool:
    """不满意 and 非常不满意 are 差评: each needs a 回访 and 整改."""
    return rating <= 2
