"""Child process of the desktop-kill fault test: one sync of a station that halts after each batch.

``python -m tests.e2e.push_child DATA_DIR SERVER_URL TOKEN`` prints "BATCH <acked>" as soon as the center
has acknowledged a batch, before the station records that acknowledgement, and then blocks reading a
line from stdin: "next" lets it record the batch and send the next one. The parent never writes that
line for the batch it kills the child at, so the kill (SIGKILL) always lands in the same place however
fast or slow the machine: the center holds the batch, the station's outbox does not know it yet.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync
from sync.client.client import SyncClient
from sync.domain.events import Event


class HaltingClient(SyncClient):
    def push(self, events: Sequence[Event], batch_id: str | None = None, **kwargs: Any) -> Any:
        reply = super().push(events, batch_id, **kwargs)
        sys.stdout.write(f"BATCH {reply.acked_seq}\n")
        sys.stdout.flush()
        if sys.stdin.readline() != "next\n":  # end of input: the parent is gone, stop without going on
            raise SystemExit("push_child: no go-ahead from the parent")
        return reply


def main() -> int:
    data_dir, url, token = sys.argv[1:4]
    ctx = ServiceContext.open(Path(data_dir))
    center_sync.sync_now(ctx, HaltingClient(url, token=token))
    sys.stdout.write("DONE\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
