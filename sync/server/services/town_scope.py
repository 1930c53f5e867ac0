"""Towns as tenants of one deployment: the one mechanism that keeps a town's staff inside their town.

A staff request's session carries the staff member's town (``scope_session``, set by the web's staff
dependency; None: every town, the county role). While it does, every ORM statement the session runs is given
the town's criteria on each table below, wherever the table appears in it (its FROM, joins, subqueries, the
look-up of ``Session.get``, ORM updates and deletes): SQLAlchemy's ``with_loader_criteria`` added by one
``do_orm_execute`` hook. So a list, a count, a search, an export or a case opened by id of another town finds
nothing, and the page answers as for a case that does not exist (404), without the routes filtering by hand.

A case's town is its station's: cases, events, center events, follow-ups and files are scoped by
``station_id IN (the town's stations)``. A statement on a bare ``Table`` (Core, not ORM: the review's counts)
is not seen by the hook: it adds ``stations_condition`` itself. ``ALL_TOWNS`` (an execution option) lets a
check that must see every town (a station code or a user name unique in the deployment) through.

The sync API's sessions carry no scope: a station reads and writes only its own chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, event, or_, select, true
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from ..core.models import BlobRow, CaseRow, CenterEventRow, EnrollmentCodeRow, EventRow, StationRow
from ..core.staff_models import AuditRow, FollowupRow, PublishedDocRow, StaffRow

SCOPE = "town_scope"
#: ``execution_options(**{ALL_TOWNS: True})``: this statement sees every town (uniqueness checks only).
ALL_TOWNS = "all_towns"


@dataclass(frozen=True)
class TownScope:
    """What a staff member sees: ``town_id``'s cases, or every town's (None: the county role)."""

    town_id: int | None


def scope_session(session: Session, town_id: int | None) -> None:
    """From now on the session sees only ``town_id`` (None: every town)."""
    session.info[SCOPE] = TownScope(town_id)


def session_town(session: Session) -> int | None:
    """The town a scoped session sees; None for the county role and for unscoped (station, CLI) sessions."""
    scope = session.info.get(SCOPE)
    return scope.town_id if isinstance(scope, TownScope) else None


def town_stations(town_id: int) -> Select[str]:
    return select(StationRow.id).where(StationRow.town_id == town_id)


def stations_condition(session: Session, station_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """The scope as a condition on a ``station_id`` column, for a Core statement the hook does not see."""
    town = session_town(session)
    return true() if town is None else station_id.in_(town_stations(town))


@event.listens_for(Session, "do_orm_execute")
def _scoped(state: ORMExecuteState) -> None:
    town = session_town(state.session)
    if town is None or state.execution_options.get(ALL_TOWNS):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    in_town: Any = lambda cls: cls.station_id.in_(select(StationRow.id).where(StationRow.town_id == town))  # noqa: E731
    state.statement = state.statement.options(
        with_loader_criteria(StationRow, lambda cls: cls.town_id == town, include_aliases=True),
        with_loader_criteria(EnrollmentCodeRow, lambda cls: cls.town_id == town, include_aliases=True),
        with_loader_criteria(StaffRow, lambda cls: cls.town_id == town, include_aliases=True),
        with_loader_criteria(
            PublishedDocRow, lambda cls: or_(cls.town_id.is_(None), cls.town_id == town), include_aliases=True
        ),
        with_loader_criteria(
            AuditRow,
            lambda cls: cls.username.in_(select(StaffRow.username).where(StaffRow.town_id == town)),
            include_aliases=True,
        ),
        *(
            with_loader_criteria(entity, in_town, include_aliases=True)
            for entity in (CaseRow, EventRow, CenterEventRow, FollowupRow, BlobRow)
        ),
    )
