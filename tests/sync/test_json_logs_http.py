"""``DAIBANTONG_LOG_FORMAT=json``: every line the server writes is one JSON object, in every worker."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import requests

from tests.conftest import child_pythonpath

from .live_server import ROOT, serving


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_line_is_one_json_object(workers: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    env = {"DAIBANTONG_LOG_FORMAT": "json"}
    with serving("sqlite", tmp_path_factory, env=env, args=["--log-level", "info", "--workers", workers]) as server:
        assert requests.get(server.url + "/api/v1/live", timeout=10).status_code == 200
        wrong = requests.post(server.url + "/api/v1/enroll", json={"code": "WRONG-CODE"}, timeout=10)
        assert wrong.status_code == 400
        server.stop()  # the shutdown lines too
        lines = [line for line in server.log().splitlines() if line.strip()]
    entries: list[dict[str, Any]] = [json.loads(line) for line in lines]  # fails on any non-JSON line
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert any(e["logger"] == "sync.server.core.migrate" and e["message"] == "数据库已升级到最新版本" for e in entries)
    access = [e for e in entries if e["logger"] == "uvicorn.access" and e.get("path") == "/api/v1/live"]
    assert len(access) == 1 and access[0]["status"] == 200 and access[0]["method"] == "GET"
    refused = [e for e in entries if e["logger"] == "sync.server.api.errors" and "enroll_failed" in e["message"]]
    assert len(refused) == 1 and refused[0]["level"] == "INFO"
    assert any(e["logger"].startswith("uvicorn.error") for e in entries)


def test_an_unknown_log_format_stops_the_start_with_a_chinese_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sync.server", "verify-chains"],
        env={"DAIBANTONG_LOG_FORMAT": "xml", "PYTHONPATH": child_pythonpath(), "DATABASE_URL": "sqlite://"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "DAIBANTONG_LOG_FORMAT 应为 text 或 json" in result.stderr
