"""Blobs over real HTTP: resumable chunks, verification, isolation, events that need them."""

from __future__ import annotations

import hashlib
import os

import pytest
import requests

from sync.client.errors import BlobMismatch, BlobOffset, Rejected

from .conftest import Station, enroll_station


def _put(station: Station, sha: str, offset: int, total: int, data: bytes) -> requests.Response:
    headers = {"Authorization": f"Bearer {station.client.token}", "Content-Type": "application/octet-stream"}
    return requests.put(
        f"{station.server.url}/api/v1/blobs/{sha}",
        params={"offset": offset, "total": total},
        data=data,
        headers=headers,
        timeout=10,
    )


def test_upload_in_chunks_then_fetch(station: Station) -> None:
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    assert station.client.blob_status(sha) is None
    progress: list[int] = []
    status = station.client.upload_blob(
        data, chunk_size=64 * 1024, on_progress=lambda done, _total: progress.append(done)
    )
    assert status.complete and status.size == status.received == len(data)
    assert progress == [65536, 131072, 196608, 262144, 300000]
    assert station.client.fetch_blob(sha) == data
    again = station.client.upload_blob(data, chunk_size=64 * 1024, on_progress=lambda *_: progress.append(-1))
    assert again.complete and -1 not in progress  # uploaded once


def test_upload_resumes_where_the_center_stopped(station: Station) -> None:
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    assert _put(station, sha, 0, len(data), data[:50_000]).status_code == 200
    status = station.client.blob_status(sha)
    assert status is not None and (status.received, status.complete) == (50_000, False)
    sent: list[int] = []
    station.client.upload_blob(data, chunk_size=50_000, on_progress=lambda done, _t: sent.append(done))
    assert sent == [100_000, 150_000, 200_000]
    assert station.client.fetch_blob(sha) == data


def test_wrong_offset_and_resent_chunk(station: Station) -> None:
    data = os.urandom(100_000)
    sha = hashlib.sha256(data).hexdigest()
    _put(station, sha, 0, len(data), data[:40_000])
    _put(station, sha, 40_000, len(data), data[40_000:80_000])
    resent = _put(station, sha, 40_000, len(data), data[40_000:80_000])  # its reply was lost
    assert resent.status_code == 200 and resent.json()["received"] == 80_000
    ahead = _put(station, sha, 90_000, len(data), data[90_000:])
    assert ahead.status_code == 409
    assert ahead.json()["expected_offset"] == 80_000
    with pytest.raises(BlobOffset) as caught:
        station.client.request(
            "PUT", f"/blobs/{sha}", data=b"x", params={"offset": 85_000, "total": len(data)}, headers={}
        )
    assert caught.value.expected_offset == 80_000


def test_content_not_matching_its_address_is_refused(station: Station) -> None:
    data = os.urandom(10_000)
    wrong = hashlib.sha256(b"something else").hexdigest()
    response = _put(station, wrong, 0, len(data), data)
    assert response.status_code == 422
    assert response.json()["code"] == "blob_mismatch"
    status = station.client.blob_status(wrong)
    assert status is None or not status.complete
    with pytest.raises(Rejected):
        station.client.fetch_blob(wrong)


def test_client_gives_up_after_one_restart_on_mismatch(station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sync.client.blobs.sha256_of", lambda _data: hashlib.sha256(b"other").hexdigest())
    with pytest.raises(BlobMismatch) as caught:
        station.client.upload_blob(b"hello world")
    assert "附件" in caught.value.message


def test_blobs_are_per_station(station: Station) -> None:
    data = b"signature png bytes"
    sha = hashlib.sha256(data).hexdigest()
    station.client.upload_blob(data)
    other = enroll_station(station.server)
    assert other.client.blob_status(sha) is None
    with pytest.raises(Rejected):
        other.client.fetch_blob(sha)


def test_bad_address_and_oversize_chunk(station: Station) -> None:
    assert _put(station, "not-a-sha", 0, 3, b"abc").status_code == 422
    big = b"x" * (1024 * 1024 + 1)
    assert _put(station, hashlib.sha256(big).hexdigest(), 0, len(big), big).status_code == 413
    assert _put(station, "a" * 64, 0, 10**10, b"abc").status_code == 413


def test_events_wait_for_their_blobs(station: Station) -> None:
    data = os.urandom(5_000)
    sha = hashlib.sha256(data).hexdigest()
    case_id = station.chain.new_case()
    station.chain.events.pop()
    station.chain.add("case.deliver", {"case_id": case_id, "blobs": [sha]})
    with pytest.raises(Rejected) as caught:
        station.client.push(station.chain.events)
    assert caught.value.field == "blobs" and "附件" in caught.value.message
    assert station.client.digest().count == 0
    station.client.upload_blob(data)
    assert station.client.push(station.chain.events).acked_seq == 3


def test_an_attachment_event_waits_for_its_scan(station: Station) -> None:
    scan = os.urandom(40_000)
    sha = hashlib.sha256(scan).hexdigest()
    case_id = station.chain.new_case()
    station.chain.add("case.attach", {"case_id": case_id, "sha256": sha, "filename": "户口本扫描.jpg"})
    with pytest.raises(Rejected) as caught:
        station.client.push(station.chain.events)
    assert caught.value.event_id == station.chain.events[-1].id
    assert station.client.digest().count == 0
    station.client.upload_blob(scan, chunk_size=16_384)
    assert station.client.push(station.chain.events).acked_seq == 4
