"""Plain records handed to the UI: no ORM objects ever leave the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class StationInfo:
    station_id: str
    code: str
    name: str
    village: str
    town: str
    clerk: str


@dataclass(frozen=True)
class MaterialDraft:
    name: str
    original: bool = True
    copies: int = 1
    required: bool = True
    present: bool = False


@dataclass(frozen=True)
class CaseDraft:
    """What the clerk typed in the new-entrustment form, not yet validated."""

    kind: str
    item_code: str
    applicant_name: str
    id_number: str
    phone: str
    address: str = ""
    special_groups: tuple[str, ...] = ()
    materials: tuple[MaterialDraft, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case list; the 身份证 number is masked."""

    case_id: str
    case_no: str
    applicant_name: str
    id_masked: str
    phone_masked: str
    item_name: str
    kind_label: str
    case_type_label: str
    state: str
    state_label: str
    registered_on: date
    due_on: date | None
    due_label: str
    overdue: bool
    sync_label: str
    due_warning: str = ""


@dataclass(frozen=True)
class Changed:
    """What a use case changed, so views refresh from one signal."""

    case_ids: tuple[str, ...] = ()
    sync: bool = False
    message: str = ""
