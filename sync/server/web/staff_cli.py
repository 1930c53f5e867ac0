"""``python -m sync.server create-staff --username U --name 姓名 --role director|window|supervisor``.

The password is read from ``--password``, the ``DAIBANTONG_STAFF_PASSWORD`` variable, or asked twice on the terminal.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence

from ..core.config import Settings
from ..core.db import make_engine, make_sessionmaker
from ..core.migrate import upgrade_head
from ..services.errors import ServiceError
from ..services.staff import ROLE_LABELS, audit, create_staff

log = logging.getLogger("sync.server")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.server create-staff", description="新建镇中心工作人员账号")
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="姓名")
    parser.add_argument(
        "--role", required=True, choices=sorted(ROLE_LABELS), help="director主任/window窗口/supervisor督查"
    )
    parser.add_argument("--password", default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    password = args.password or os.environ.get("DAIBANTONG_STAFF_PASSWORD")
    if not password:
        password = getpass.getpass("密码（至少8位）：")
        if getpass.getpass("再输入一次：") != password:
            log.error("两次输入的密码不一致")
            return 1
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
        with make_sessionmaker(engine, settings.clock)() as session, session.begin():
            create_staff(session, args.username, args.name, args.role, password)
            audit(session, "命令行", "新建账号", args.username, ROLE_LABELS[args.role])
    except ServiceError as exc:
        log.error("%s", exc.message)
        return 1
    finally:
        engine.dispose()
    sys.stdout.write(f"已新建{ROLE_LABELS[args.role]}账号 {args.username}\n")
    return 0
