"""``python -m sync.server create-staff --username U --name 姓名 --role director|window|supervisor|county``.

The password is read from ``--password``, the ``DAIBANTONG_STAFF_PASSWORD`` variable, or asked twice on the terminal.

``python -m sync.server reset-password --username U``: for whoever runs the server when no director can log in
(the only director forgot the password): a one-time password is printed, to be changed at the next login,
and the account's lock is lifted.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy import select

from ..core.config import Settings
from ..core.db import make_engine, make_sessionmaker
from ..core.migrate import upgrade_head
from ..core.models import DEFAULT_TOWN_ID
from ..core.staff_models import StaffRow
from ..services.errors import ServiceError
from ..services.staff import ROLE_LABELS, audit, create_staff
from ..services.staff_login import reset_password

log = logging.getLogger("sync.server")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.server create-staff", description="新建镇中心工作人员账号")
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="姓名")
    parser.add_argument(
        "--role",
        required=True,
        choices=sorted(ROLE_LABELS),
        help="director主任/window窗口/supervisor督查（属于 --town 所指的镇）/"
        "county县级中心（查看全县各镇，只查看不办理）",
    )
    parser.add_argument(
        "--town", type=int, default=DEFAULT_TOWN_ID, help="所属镇的编号（见 list-towns；县级账号不属于任何镇）"
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
            create_staff(session, args.username, args.name, args.role, password, town_id=args.town)
            audit(session, "命令行", "新建账号", args.username, ROLE_LABELS[args.role])
    except ServiceError as exc:
        log.error("%s", exc.message)
        return 1
    finally:
        engine.dispose()
    sys.stdout.write(f"已新建{ROLE_LABELS[args.role]}账号 {args.username}\n")
    return 0


def reset_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync.server reset-password", description="重置镇中心工作人员的密码（打印一次性临时密码）"
    )
    parser.add_argument("--username", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
        with make_sessionmaker(engine, settings.clock)() as session, session.begin():
            staff_id = session.scalar(select(StaffRow.id).where(StaffRow.username == args.username.strip()))
            if staff_id is None:
                log.error("没有用户名为%s的账号", args.username)
                return 1
            row, password = reset_password(session, staff_id, by_username="")
            audit(session, "命令行", "重置密码", row.username, "临时密码，须在下次登录时修改")
    finally:
        engine.dispose()
    sys.stdout.write(f"已重置 {row.name}（{row.username}）的密码。临时密码：{password}\n登录后须立即设置新密码。\n")
    return 0
