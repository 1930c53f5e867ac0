"""Splitting unsent events into batches bounded in count and bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from sync.domain.events import Event


def event_bytes(event: Event) -> int:
    """Uncompressed JSON size of the event on the wire."""
    return len(json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")) + 1


def split_batches(events: Sequence[Event], max_events: int, max_bytes: int) -> Iterator[list[Event]]:
    """Consecutive slices of ``events``; each has at least one event, even an oversize one."""
    batch: list[Event] = []
    size = 0
    for event in events:
        n = event_bytes(event)
        if batch and (len(batch) >= max_events or size + n > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(event)
        size += n
    if batch:
        yield batch
