"""``python -m sync.server create-staff`` creates the first director, who can then log in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

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
