"""The restore drill of docs/operations.md: dump a PostgreSQL center with pg_dump, drop it, restore it with
pg_restore; ``verify-chains`` passes, and a station pulls and pushes on as if nothing happened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import child_pythonpath, require_postgres

from .conftest import enroll_station
from .live_server import ROOT, record_center, start_server


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI 需要 {name}（Debian 软件包 postgresql-client）")
        pytest.skip(f"{name} is not installed")
    return path


def _verify_chains(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.server", "verify-chains"],
        env=os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": child_pythonpath()},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_dump_drop_restore_then_verify_and_sync_on(tmp_path: Path) -> None:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    base = make_url(require_postgres())
    name = f"drill_{uuid.uuid4().hex[:10]}"
    url = base.set(database=name).render_as_string(hide_password=False)
    libpq = base.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server = start_server(url, env={"DAIBANTONG_SIGNING_KEY_FILE": str(tmp_path / "keys" / "center-signing.key")})
    try:
        stations = [enroll_station(server) for _ in range(3)]
        for station in stations:
            station.chain.new_case()
            station.chain.new_case()
            assert station.client.push(station.chain.events).acked_seq == len(station.chain.events)
        first = stations[0]
        case_id = str(first.chain.events[0].payload["case_id"])
        accepted = record_center(url, first.station_id, "case.center_accept", {"case_id": case_id}, "镇窗口王")
        server.stop()

        dump = tmp_path / "center.dump"
        subprocess.run([pg_dump, "--format=custom", "--file", str(dump), libpq], check=True, timeout=300)
        with admin.connect() as conn:  # the disaster
            conn.execute(sa.text(f'DROP DATABASE "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        subprocess.run(
            [pg_restore, "--no-owner", "--exit-on-error", "--dbname", libpq, str(dump)], check=True, timeout=300
        )

        verified = _verify_chains(url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        lines = verified.stdout.splitlines()
        assert len(lines) == 3 and all(line.endswith("正常") for line in lines), lines

        server.restart()
        assert [e.to_dict() for e in first.client.pull_events()] == [accepted.to_dict()]
        first.chain.new_case()
        assert first.client.push(first.chain.events).acked_seq == len(first.chain.events)
        assert _verify_chains(url).returncode == 0
    finally:
        server.stop()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
