"""``python -m sync.server create-staff`` creates the first director, who can then log in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import child_pythonpath
from tests.sync.live_server import ROOT, sqlite_url, start_server

from .helpers import login


def _create(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "DATABASE_URL": url,
        "PYTHONPATH": child_pythonpath(),
        "DAIBANTONG_STAFF_PASSWORD": "测试密码-secret-1",
    }
    return subprocess.run(
        [sys.executable, "-m", "sync.server", "create-staff", *args],
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
