"""The facade has every narrow interface the screens declare, with compatible signatures.

Each screen takes a ``typing.Protocol`` listing only what it calls (``CasePageServices``, ``HomeServices``…;
the main window's ``StationServices`` puts together those of the screens it opens), and ``facade.py``
binds them to the session. mypy checks that where ``application.py`` hands the facade to ``MainWindow``;
this test checks every screen Protocol, each on its own: every member exists on the class that
``facade.py`` hands over, a method with the same parameters (names, kinds, types, defaults; an extra
one only with a default) and a return type that is the same, a subclass, or a class having every
member of the returned Protocol in turn.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from types import FunctionType
from typing import Any, Protocol

import pytest
from PySide6.QtCore import Signal, SignalInstance

import desktop.ui
from desktop.ui.backup_dialog import Backups
from desktop.ui.facade import BackupServices, ServiceLedgerSource, StationFacade, StationSettingsServices
from desktop.ui.ledger_dialog import LedgerSource
from desktop.ui.station_settings_dialog import StationSettings
from desktop.ui.window_services import StationServices

#: Each screen Protocol and the class of ``facade.py`` handed to the screens that take it.
BOUND: dict[type, type] = {
    StationServices: StationFacade,
    LedgerSource: ServiceLedgerSource,
    StationSettings: StationSettingsServices,
    Backups: BackupServices,
}


def _screen_protocols() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(desktop.ui.__path__, "desktop.ui."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        found += [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and obj.__module__ == module.__name__ and getattr(obj, "_is_protocol", False)
        ]
    return found


def _members(proto: type) -> dict[str, Any]:
    """Each member of ``proto`` (its bases' included): the function, property or annotation declaring it."""
    members: dict[str, Any] = {}
    for cls in reversed(proto.__mro__):
        if not getattr(cls, "_is_protocol", False) or cls is Protocol:
            continue
        hints = typing.get_type_hints(cls)
        for name in inspect.get_annotations(cls):
            members[name] = hints[name]
        for name, value in vars(cls).items():
            if isinstance(value, FunctionType | property) and not name.startswith("_"):
                members[name] = value
    return members


def _returns(found: Any, wanted: Any) -> bool:
    if found == wanted:
        return True
    if isinstance(wanted, type) and getattr(wanted, "_is_protocol", False) and isinstance(found, type):
        return not _mismatches(found, wanted)
    return isinstance(found, type) and isinstance(wanted, type) and issubclass(found, wanted)


def _signature_mismatch(name: str, found: Any, wanted: Any) -> str | None:
    if not isinstance(found, FunctionType):
        return f"{name} is not a method"
    have, want = inspect.signature(found), inspect.signature(wanted)
    have_hints, want_hints = typing.get_type_hints(found), typing.get_type_hints(wanted)
    for param in list(want.parameters.values())[1:]:
        other = have.parameters.get(param.name)
        if other is None or other.kind != param.kind:
            return f"{name}: no parameter {param.name} ({param.kind.description})"
        if have_hints.get(param.name) != want_hints.get(param.name):
            return f"{name}: {param.name} is {have_hints.get(param.name)}, not {want_hints.get(param.name)}"
        if param.default is not inspect.Parameter.empty and other.default != param.default:
            return f"{name}: {param.name} defaults to {other.default!r}, not {param.default!r}"
    extra = [p.name for p in list(have.parameters.values())[1:] if p.name not in want.parameters]
    if any(have.parameters[p].default is inspect.Parameter.empty for p in extra):
        return f"{name}: needs parameters the screen does not pass: {extra}"
    if not _returns(have_hints.get("return"), want_hints.get("return")):
        return f"{name} returns {have_hints.get('return')}, not {want_hints.get('return')}"
    return None


def _mismatches(cls: type, proto: type) -> list[str]:
    found: list[str] = []
    for name, wanted in _members(proto).items():
        have = inspect.getattr_static(cls, name, None)
        if have is None:
            found.append(f"{cls.__name__} has no {name} ({proto.__name__})")
        elif isinstance(wanted, property):
            if not isinstance(have, property) or have.fget is None or wanted.fget is None:
                found.append(f"{cls.__name__}.{name} is not a property")
            else:
                mismatch = _signature_mismatch(name, have.fget, wanted.fget)
                found += [f"{cls.__name__}.{mismatch}"] if mismatch else []
        elif isinstance(wanted, FunctionType):
            mismatch = _signature_mismatch(name, have, wanted)
            found += [f"{cls.__name__}.{mismatch}"] if mismatch else []
        elif wanted is SignalInstance:
            if not isinstance(have, Signal):
                found.append(f"{cls.__name__}.{name} is not a signal")
        else:
            found.append(f"{proto.__name__}.{name}: a member of type {wanted} this test cannot check")
    return found


@pytest.mark.parametrize("proto", list(BOUND), ids=lambda p: p.__name__)
def test_the_facade_has_what_each_screen_takes(proto: type):
    assert _mismatches(BOUND[proto], proto) == []


def test_every_screen_protocol_is_bound():
    """A new screen Protocol is listed above (directly or as a base of one that is), so it is checked."""
    covered = {base for proto in BOUND for base in proto.__mro__}
    assert [p.__name__ for p in _screen_protocols() if p not in covered] == []


def test_the_check_sees_a_mismatch():
    class Wants(Protocol):
        changed: SignalInstance

        @property
        def calendar(self) -> int: ...
        def case_detail(self, case_id: int) -> str: ...
        def withdraw(self, case_id: str, reason: str, why: str) -> None: ...
        def nothing_like_it(self) -> None: ...

    assert len(_mismatches(StationFacade, Wants)) == 4
