"""``/metrics``: Prometheus text with requests per route template, latencies, pushes, events, stations behind;
summed over ``--workers N``; readable from the server itself or with ``DAIBANTONG_METRICS_TOKEN`` only."""

from __future__ import annotations

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from .conftest import Station, enroll_station
from .live_server import ServerHandle, serving

PUSH = {"method": "POST", "route": "/api/v1/sync/push", "status": "200"}


def _scrape(server: ServerHandle, **headers: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    reply = requests.get(server.url + "/metrics", headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_pushes_events_requests_and_stations_behind_are_counted(station: Station) -> None:
    server = station.server
    before = _scrape(server)
    station.chain.new_case()
    events = station.chain.events
    station.client.report_status(pending_events=5, pending_bytes=900, last_seq=len(events) + 5)
    assert station.client.push(events).acked_seq == len(events)
    station.client.push(events)  # a resend: a push, nothing new
    after = _scrape(server)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("daibantong_http_requests_total", **PUSH) == 2
    route = {"method": "POST", "route": "/api/v1/sync/push"}
    assert delta("daibantong_http_request_duration_seconds_count", **route) == 2
    assert delta("daibantong_http_request_duration_seconds_bucket", **route, le="+Inf") == 2
    assert delta("daibantong_pushes_total", outcome="stored") == 2
    assert delta("daibantong_events_ingested_total") == len(events)
    assert delta("daibantong_events_refused_total") == 0
    assert delta("daibantong_stations_behind") == 1
    assert delta("daibantong_station_events_unsent") == 5
    assert delta("daibantong_http_errors_total", route="/api/v1/sync/push") == 0


def test_routes_are_labelled_by_template_and_unknown_paths_share_one_label(live_server: ServerHandle) -> None:
    before = _scrape(live_server)
    for path in ("/center/cases/abc", "/center/cases/def", "/no/such/page-1", "/no/such/page-2"):
        requests.get(live_server.url + path, allow_redirects=False, timeout=30)
    after = _scrape(live_server)
    series = {labels for name, labels in after if name == "daibantong_http_requests_total"}
    routes = {dict(labels)["route"] for labels in series}
    assert "/center/cases/{case_id}" in routes and "<unmatched>" in routes
    assert not any("abc" in r or "page-1" in r for r in routes)
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert (
        _value(after, "daibantong_http_requests_total", **unmatched)
        - _value(before, "daibantong_http_requests_total", **unmatched)
        == 2
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_workers_report_one_sum(backend: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    with serving(backend, tmp_path_factory, args=["--workers", "2"]) as server:
        for _ in range(30):  # a new connection each: both workers answer some
            assert requests.get(server.url + "/api/v1/live", timeout=10).status_code == 200
        pushed = enroll_station(server)
        pushed.chain.new_case()
        pushed.client.push(pushed.chain.events)
        samples = _scrape(server)
        live = {"method": "GET", "route": "/api/v1/live", "status": "200"}
        assert _value(samples, "daibantong_http_requests_total", **live) == 30
        assert _value(samples, "daibantong_events_ingested_total") == len(pushed.chain.events)


def test_metrics_are_for_the_server_itself_or_a_token_holder(tmp_path_factory: pytest.TempPathFactory) -> None:
    with serving("sqlite", tmp_path_factory, env={"DAIBANTONG_TRUSTED_PROXIES": "127.0.0.1"}) as server:
        # through nginx on the same host, from a browser elsewhere: refused
        remote = requests.get(server.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10)
        assert remote.status_code == 403
        assert remote.json()["message"] == "运行指标只能从服务器本机读取（或设置DAIBANTONG_METRICS_TOKEN）"
    with serving("sqlite", tmp_path_factory, env={"DAIBANTONG_METRICS_TOKEN": "s3cret-token"}) as server:
        assert requests.get(server.url + "/metrics", timeout=10).status_code == 403
        wrong = requests.get(server.url + "/metrics", headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 403 and "DAIBANTONG_METRICS_TOKEN" in wrong.json()["message"]
        assert _scrape(server, Authorization="Bearer s3cret-token")
