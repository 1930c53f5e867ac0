"""保存期限: how long a closed case stays open at the station before it is archived automatically.

The town center publishes the period (``retention.published``, see ``reference``); until it does,
``DEFAULT_CLOSED_CASE_DAYS`` applies. A case counts as closed from the event that put it into one
of the ``FINISHED`` states (已反馈, 已答复, 退回, 撤回, 终止); it is archived once more than the period
has passed since that day, and only when the archive rule allows it (every original back with its
owner or handed to the department: the fold refuses otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .case_rules import ACTIONS, FINISHED, action_event_type
from .errors import ValidationError

#: Calendar days a closed case waits before it is archived, when the town center has published nothing.
#: 90 days: a quarter, the rhythm of the 档案移交清单.
DEFAULT_CLOSED_CASE_DAYS = 90
MIN_DAYS = 1
MAX_DAYS = 3650
#: The actor of the archive events the station makes on its own.
RETENTION_ACTOR = "系统（保存期限）"
#: Event types that close a case (their target is a finished state).
CLOSING_EVENT_TYPES = frozenset(
    action_event_type(a.name) for a in ACTIONS.values() if a.target is not None and a.target in FINISHED
)


@dataclass(frozen=True)
class RetentionPolicy:
    closed_case_days: int = DEFAULT_CLOSED_CASE_DAYS
    #: When and by whom the town center published it; empty for the default.
    published_at: str = ""
    published_by: str = ""

    @property
    def is_default(self) -> bool:
        return not self.published_at

    @property
    def label(self) -> str:
        source = "镇中心发布" if not self.is_default else "默认，镇中心尚未发布"
        return f"办结后 {self.closed_case_days} 天自动归档（{source}）"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RetentionPolicy:
        days = data.get("closed_case_days")
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValidationError("closed_case_days", "保存期限应为整数天数")
        if not MIN_DAYS <= days <= MAX_DAYS:
            raise ValidationError("closed_case_days", f"保存期限应在{MIN_DAYS}到{MAX_DAYS}天之间")
        return cls(days, str(data.get("published_at", "")), str(data.get("published_by", "")))

    def to_dict(self) -> dict[str, Any]:
        return {
            "closed_case_days": self.closed_case_days,
            "published_at": self.published_at,
            "published_by": self.published_by,
        }

    def expired(self, closed_on: date, today: date) -> bool:
        """True once more than the period has passed since the case was closed."""
        return (today - closed_on).days > self.closed_case_days

    def cutoff(self, today: date) -> date:
        """Cases closed before this day have expired."""
        return date.fromordinal(today.toordinal() - self.closed_case_days)


def parse_days(text: str) -> int:
    """The number of days typed on the center's page, validated (Chinese message)."""
    try:
        days = int(str(text).strip())
    except ValueError:
        raise ValidationError("closed_case_days", "保存期限应为整数天数") from None
    return RetentionPolicy.from_dict({"closed_case_days": days}).closed_case_days
