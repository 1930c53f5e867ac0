"""``python -m sync.server create-staff`` creates the first director, who can then log in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests
from sqlalchemy import select

from sync.server.core.db import make_engine, make_sessionmaker
from sync.server.core.migrate import upgrade_head
from sync.server.core.models import EnrollmentCodeRow
from sync.server.core.staff_models import StaffRow
from sync.server.services.town_scope import ALL_TOWNS
from sync.server.services.towns import create_town
from tests.conftest import child_pythonpath
from tests.sync.live_server import ROOT, sqlite_url, start_server

from .helpers import csrf_of, login


def _create(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(url, "create-staff", *args)


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "DATABASE_URL": url,
        "PYTHONPATH": child_pythonpath(),
        "DAIBANTONG_STAFF_PASSWORD": "测试密码-secret-1",
    }
    return subprocess.run(
        [sys.executable, "-m", "sync.server", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_first_director_then_log_in(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    made = _create(url, "--username", "zhuren", "--name", "王主任", "--role", "director")
    assert made.returncode == 0, made.stderr
    assert "已新建主任账号 zhuren" in made.stdout
    again = _create(url, "--username", "zhuren", "--name", "王主任", "--role", "director")
    assert again.returncode == 1 and "用户名zhuren已存在" in again.stderr
    server = start_server(url)
    try:
        director = login(server, "zhuren")
        assert "王主任（主任）" in director.get("/").text
        assert "新建账号" in director.get("/audit").text
    finally:
        server.stop()


def test_reset_password_from_the_command_line(tmp_path: Path) -> None:
    """When no director can log in, whoever runs the server prints a one-time password for one."""
    url = sqlite_url(tmp_path)
    assert _create(url, "--username", "zhuren", "--name", "王主任", "--role", "director").returncode == 0
    missing = _run(url, "reset-password", "--username", "nobody")
    assert missing.returncode == 1 and "没有用户名为nobody的账号" in missing.stderr
    reset = _run(url, "reset-password", "--username", "zhuren")
    assert reset.returncode == 0, reset.stderr
    match = re.search(r"临时密码：([A-Z0-9]{10})", reset.stdout)
    assert match
    server = start_server(url)
    try:
        http = requests.Session()
        page = http.get(server.url + "/center/login", timeout=30)
        data = {"username": "zhuren", "password": match[1], "csrf_token": csrf_of(page.text)}
        first = http.post(server.url + "/center/login", data=data, allow_redirects=False, timeout=30)
        assert first.status_code == 303 and first.headers["location"] == "/center/password"
    finally:
        server.stop()


def test_a_county_operator_enrolls_stations_and_staff_into_a_town(tmp_path: Path) -> None:
    """In a county deployment the CLI names the town: ``list-towns`` shows the numbers, ``--town`` picks one, and a
    number that is no town is refused in Chinese, with nothing issued."""
    url = sqlite_url(tmp_path)
    engine = make_engine(url)
    upgrade_head(engine)
    with make_sessionmaker(engine)() as session, session.begin():
        town = create_town(session, "石桥镇").id
    listed = _run(url, "list-towns")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["1\t本镇\t代办站0个\t账号0个", f"{town}\t石桥镇\t代办站0个\t账号0个"]

    code = _run(url, "enroll-code", "--station-code", "SQ01", "--name", "石桥一村代办站", "--town", str(town))
    assert code.returncode == 0, code.stderr
    made = _create(url, "--username", "sq-zhuren", "--name", "石主任", "--role", "director", "--town", str(town))
    assert made.returncode == 0, made.stderr
    with make_sessionmaker(engine)() as session, session.begin():
        everywhere = {ALL_TOWNS: True}
        codes = session.scalars(select(EnrollmentCodeRow).execution_options(**everywhere)).all()
        assert [(c.station_code, c.town_id) for c in codes] == [("SQ01", town)]
        staff = session.scalars(select(StaffRow).execution_options(**everywhere)).one()
        assert (staff.username, staff.town_id) == ("sq-zhuren", town)

    no_town = _run(url, "enroll-code", "--station-code", "XX01", "--name", "无镇代办站", "--town", "99")
    assert no_town.returncode == 1 and "没有编号为99的镇" in no_town.stderr and "Traceback" not in no_town.stderr
    no_staff = _create(url, "--username", "nobody", "--name", "某人", "--role", "window", "--town", "99")
    assert no_staff.returncode == 1 and "请选择账号所属的镇" in no_staff.stderr
    with make_sessionmaker(engine)() as session, session.begin():
        assert len(session.scalars(select(EnrollmentCodeRow).execution_options(**everywhere)).all()) == 1
    engine.dispose()
