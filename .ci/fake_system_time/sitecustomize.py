"""Moves the system clock of every Python process of a test run (the test process, the servers and the
station processes it starts) when DAIBANTONG_FAKE_SYSTEM_TIME is set: "<ISO instant>@<Unix seconds>", the
faked time at that moment of the real clock, so all processes share one timeline and run on at real speed.

Put this folder on PYTHONPATH (.ci/faketime-suite does). It uses time-machine, which fakes the wall clock
(datetime.now, date.today, time.time, …) and leaves monotonic clocks alone, so waits and timeouts behave.
"""

from __future__ import annotations

import os

_SPEC = os.environ.get("DAIBANTONG_FAKE_SYSTEM_TIME", "")

if _SPEC:
    import time
    from datetime import datetime, timedelta

    import time_machine

    _instant, _, _anchor = _SPEC.partition("@")
    _now = datetime.fromisoformat(_instant) + timedelta(seconds=time.time() - float(_anchor or time.time()))
    time_machine.travel(_now, tick=True).start()
    time.time()  # time-machine's clock starts running at its first reading: now, not whenever that comes
