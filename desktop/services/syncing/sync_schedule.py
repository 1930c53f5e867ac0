"""When to try syncing next: a timer when all is well, exponential backoff with equal jitter after failures.

Pure and Qt-free so that it is tested fast; the UI's sync worker asks it for
the next delay after every attempt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

#: Seconds between syncs while the link works.
REGULAR_INTERVAL = 300.0
#: First retry after a failure, and the cap of the backoff.
FIRST_RETRY = 15.0
MAX_RETRY = 1800.0


@dataclass
class SyncSchedule:
    """Tracks consecutive failures; ``next_delay()`` is seconds until the next attempt."""

    failures: int = 0
    regular: float = REGULAR_INTERVAL
    first_retry: float = FIRST_RETRY
    cap: float = MAX_RETRY
    rng: random.Random = field(default_factory=random.Random)

    def succeeded(self) -> None:
        self.failures = 0

    def failed(self) -> None:
        self.failures += 1

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.regular
        # "Equal jitter" (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in [base/2, base],
        # base doubling up to the cap, so 500 stations that lost the link together do not all come back in the
        # same second. Not full jitter ([0, base]): half the base is kept as a floor, so a station never retries
        # a center that has just failed it at once.
        base = min(self.cap, self.first_retry * 2 ** (self.failures - 1))
        return self.rng.uniform(base / 2, base)
