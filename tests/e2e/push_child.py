"""Child process of the desktop-kill fault test: one sync of a station, slowed after each batch.

``python -m tests.e2e.push_child DATA_DIR SERVER_URL TOKEN`` prints "BATCH <acked>" after each
acknowledged batch, so the parent can kill it with SIGKILL between (or inside) batches.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop.services import sync
from desktop.services.context import ServiceContext
from sync.client.client import SyncClient
from sync.domain.events import Event


class SlowClient(SyncClient):
    def push(self, events: Sequence[Event], batch_id: str | None = None, **kwargs: Any) -> Any:
        reply = super().push(events, batch_id, **kwargs)
        sys.stdout.write(f"BATCH {reply.acked_seq}\n")
        sys.stdout.flush()
        time.sleep(0.2)  # the outbox update and the next batch happen in this window, or after it
        return reply


def main() -> int:
    data_dir, url, token = sys.argv[1:4]
    ctx = ServiceContext.open(Path(data_dir))
    sync.sync_now(ctx, SlowClient(url, token=token))
    sys.stdout.write("DONE\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
