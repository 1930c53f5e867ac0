"""Staff web pages of the town center (server-rendered, under ``/center``): login, inbox, decisions,
deadlines, 收件回执/退件清单, evaluation and 差评 follow-ups, catalog/calendar/保存期限/本镇信息 publishing,
stations, audit log, and the stations' own audit of personal data (代办站个人信息审计)."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    routes_admin,
    routes_auth,
    routes_calendar,
    routes_cases,
    routes_catalog,
    routes_retention,
    routes_review,
    routes_staff,
    routes_static,
    routes_station_audit,
    routes_town,
    routes_town_catalog,
    routes_towns,
    routes_visits,
)
from .deps import PREFIX

router = APIRouter(prefix=PREFIX, tags=["镇中心工作人员页面"])
for module in (
    routes_auth,
    routes_cases,
    routes_review,
    routes_visits,
    routes_admin,
    routes_catalog,
    routes_calendar,
    routes_retention,
    routes_town,
    routes_town_catalog,
    routes_towns,
    routes_staff,
    routes_station_audit,
    routes_static,
):
    router.include_router(module.router)
