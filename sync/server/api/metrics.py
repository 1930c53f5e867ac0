"""Prometheus metrics at ``GET /metrics`` (text exposition, ``prometheus-client``).

* ``daibantong_http_requests_total{method,route,status}`` and ``daibantong_http_request_duration_seconds``
  (histogram) per route *template* (``/center/cases/{case_id}``, never the filled-in path);
  ``daibantong_http_errors_total{route}``: answers with a 5xx status (an unexpected error included);
* ``daibantong_pushes_total{outcome}``: push batches stored or refused as a whole;
  ``daibantong_events_ingested_total``: station events newly stored; ``daibantong_events_refused_total``:
  events stored marked refused (their content failed the center's checks);
* ``daibantong_stations_behind`` / ``daibantong_station_events_unsent``: stations whose last report
  names events the center does not hold yet, and how many (read from the database at each scrape).

With ``--workers N`` every worker writes its counters to files in ``PROMETHEUS_MULTIPROC_DIR`` (set up by
``serving.serve``) and whichever worker answers the scrape adds them all up (prometheus-client's
multiprocess mode). Who may read: with ``DAIBANTONG_METRICS_TOKEN`` set, a request carrying
``Authorization: Bearer <token>``; without it, requests from the server itself only (127.0.0.1 / ::1).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from ipaddress import ip_address

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol.models import ErrorCode

from ..services.station_status import station_backlog
from .deps import SessionDep, SettingsDep
from .errors import error

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "daibantong_http_requests", "HTTP requests answered, by route template and status", ["method", "route", "status"]
)
LATENCY = Histogram(
    "daibantong_http_request_duration_seconds", "Time to answer an HTTP request, by route template", ["method", "route"]
)
ERRORS = Counter("daibantong_http_errors", "Requests answered with a 5xx status (unexpected errors)", ["route"])
PUSHES = Counter("daibantong_pushes", "Push batches from stations, stored or refused as a whole", ["outcome"])
EVENTS_INGESTED = Counter("daibantong_events_ingested", "Station events newly stored by pushes")
EVENTS_REFUSED = Counter("daibantong_events_refused", "Station events stored marked refused (content refused)")

router = APIRouter(include_in_schema=False)


def record_push(accepted: int, refused: int) -> None:
    PUSHES.labels("stored").inc()
    EVENTS_INGESTED.inc(accepted)
    EVENTS_REFUSED.inc(refused)


def record_refused_push() -> None:
    PUSHES.labels("refused").inc()


class MetricsMiddleware:
    """Counts and times every HTTP request by the template of the route that answered it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped the app

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = _template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - start)
            if status >= 500:
                ERRORS.labels(route).inc()


def _template(scope: Scope) -> str:
    """The route's full path template; a mount's path (static files); ``<unmatched>`` for 404s (any path).

    FastAPI keeps included routers nested, so the route in the scope knows its path below the routers that
    include it (``/sync/push``) but not their prefixes (``/api/v1``): those are static, and taken from the
    request's own path, as many segments as the template does not cover (no route takes a ``{x:path}``)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(template, str) and template.startswith("/"):
        segments = str(scope["path"]).split("/")
        prefix = "/".join(segments[: max(1, len(segments) - template.count("/"))])
        return prefix + template
    if "endpoint" in scope:
        return str(scope.get("root_path") or "<mount>")
    return "<unmatched>"


class _Backlog(Collector):
    def __init__(self, stations: int, events: int) -> None:
        self.stations, self.events = stations, events

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "daibantong_stations_behind",
            "Active stations whose last report names events the center does not hold yet",
            value=self.stations,
        )
        yield GaugeMetricFamily(
            "daibantong_station_events_unsent",
            "Events the active stations reported and have not sent yet (sum over stations)",
            value=self.events,
        )


@router.get("/metrics")
def metrics(request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    _check_reader(request, settings.metrics_token)
    with session.begin():
        stations, events = station_backlog(session)
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        counters = generate_latest(registry)
    else:
        counters = generate_latest(REGISTRY)
    backlog = CollectorRegistry(auto_describe=False)
    backlog.register(_Backlog(stations, events))
    return Response(counters + generate_latest(backlog), media_type=CONTENT_TYPE_LATEST)


def _check_reader(request: Request, token: str) -> None:
    if token:
        given = request.headers.get("authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise error(403, ErrorCode.FORBIDDEN, "读取运行指标需要正确的访问令牌（DAIBANTONG_METRICS_TOKEN）")
        return
    host = request.client.host if request.client else ""
    try:
        local = ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        raise error(403, ErrorCode.FORBIDDEN, "运行指标只能从服务器本机读取（或设置DAIBANTONG_METRICS_TOKEN）")
