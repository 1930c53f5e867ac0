"""Finding a service item (事项) fast: by any part of its name, by pinyin or pinyin initials, most used first.

``item_choices`` (database and pypinyin: off the GUI thread) counts this
station's cases per item and spells every name; ``find_items`` is pure
string work the chooser runs on every keystroke. "低保", "dibao" and "db" all
find 最低生活保障申请（低保）; "民政" finds every item of the 民政办.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from desktop.store.models import CaseRow
from sync.domain.catalog import Catalog, ServiceItem

from ..context import ServiceContext

_LATIN = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class ItemChoice:
    code: str
    name: str
    department: str
    #: Full pinyin of the name without tones or separators ("zuidishenghuobaozhang…"); "" until spelled.
    spelled: str = ""
    #: The first letter of every syllable ("zdshbzsqdb"); "" until spelled.
    initials: str = ""
    #: Cases of this item registered at this station.
    uses: int = 0

    @property
    def label(self) -> str:
        return f"{self.name}（{self.department}）"


def _spell(name: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin  # the dictionary loads on first use (~0.1 s): never on the GUI thread

    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    syllables = [s for s in syllables if _LATIN.match(s)]
    return "".join(syllables), "".join(s[0] for s in syllables)


def plain_choices(catalog: Catalog) -> list[ItemChoice]:
    """The catalog's items in its own order, not yet spelled nor counted (what the chooser shows at once)."""
    return [ItemChoice(item.code, item.name, item.department) for item in catalog.items]


def ordered_choices(items: Iterable[ServiceItem], uses: Mapping[str, int]) -> list[ItemChoice]:
    """Spelled choices, the most used first, then in catalog order."""
    choices = [ItemChoice(i.code, i.name, i.department, *_spell(i.name), uses.get(i.code, 0)) for i in items]
    order = {c.code: n for n, c in enumerate(choices)}
    return sorted(choices, key=lambda c: (-c.uses, order[c.code]))


def item_uses(ctx: ServiceContext) -> dict[str, int]:
    """Cases per item code at this station."""
    code = func.json_extract(CaseRow.data, "$.item_code")
    with ctx.db.reading() as session:
        rows = session.execute(select(code, func.count()).group_by(code)).all()
    return {str(c): int(n) for c, n in rows if c}


def item_choices(ctx: ServiceContext) -> list[ItemChoice]:
    """Every item of the catalog, spelled, the ones this station registers most first."""
    return ordered_choices(ctx.catalog.items, item_uses(ctx))


def _query(text: str) -> str:
    return re.sub(r"[\s'’]+", "", text).lower()


def find_items(choices: Sequence[ItemChoice], text: str) -> list[ItemChoice]:
    """The choices ``text`` finds, best first, keeping the given order (most used first) within a rank.

    Ranks: the name (or department) contains the text; the full pinyin contains it ("dibao"); the
    initials contain it ("db"). An empty text finds everything.
    """
    query = _query(text)
    if not query:
        return list(choices)
    ranked: list[tuple[int, int, ItemChoice]] = []
    for n, choice in enumerate(choices):
        if query in choice.name.lower() or query in choice.department.lower():
            rank = 0
        elif query.isascii() and choice.spelled and query in choice.spelled:
            rank = 1
        elif query.isascii() and choice.initials and query in choice.initials:
            rank = 2
        else:
            continue
        ranked.append((rank, n, choice))
    return [choice for _rank, _n, choice in sorted(ranked, key=lambda r: (r[0], r[1]))]
