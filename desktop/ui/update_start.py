"""At the start of the app, before the main window: the install the clerk asked for (``update_install``)."""

from __future__ import annotations

import logging
import subprocess
import sys

from desktop.services.context import ServiceContext
from desktop.services.syncing import center_sync, update_install

log = logging.getLogger(__name__)


def install_requested_update(ctx: ServiceContext) -> tuple[bool, str]:
    """(whether the new version was installed and started in this one's place, what to tell the clerk)."""
    try:
        result = update_install.apply_pending_update(
            ctx, update_install.platform_step(ctx), push=lambda: center_sync.sync_now(ctx)
        )
    except Exception:  # an update must never keep the station from starting
        log.exception("installing the station release at start failed")
        return False, "新版本安装未完成，仍使用原版本；详情见日志"
    if result is None:
        return False, ""
    if result.installed:
        try:
            subprocess.Popen([sys.executable, *sys.argv[1:]], close_fds=True)  # the installed program
        except OSError:
            log.exception("the installed program did not start")
            return False, result.message + "，请重新打开代办通"
        return True, result.message
    return False, result.message
