"""The staff search box: one text finds cases by 办件编号, villager name, 身份证 number, phone or station.

What is typed decides what is compared, so that no number leaks through a partial match:

* a whole 身份证 number (18 characters, the last a digit or X) is looked up **exactly**, by its keyed blind
  index (the center keeps numbers sealed), and nothing else is compared — never a prefix or a part, which
  would let anyone enumerate numbers;
* a whole phone number (a mobile of 11 digits or 区号-号码) is looked up exactly the same way, and only that;
* any other text matches a part of the 办件编号 (any case), a part of the villager's name (the name rules
  of ``sync.domain.text.normalize_name``: NFC, look-alike dots as "·", characters beyond the BMP such as 𠮷
  compared as the code points they are), or a part of a station's name or code.

On PostgreSQL the name is compared in ``CaseRow.applicant_name``, a column the database generates from the
projection's JSON (0119: no match unpacks a case's JSON, which a real case's size keeps compressed out of line),
and the 办件编号 as ``upper(case_no)``. Indexes serve the parts of both: GIN trigram indexes (``pg_trgm``,
0109, moved onto the column by 0119) for a text of 3 characters or more (the LIKE itself is what they answer),
and for 1–2 characters, which trigrams cannot serve, GIN indexes on the arrays of their characters
(``chars_hold``: a necessary condition, the LIKE decides).

On SQLite migration 0114 keeps ``case_names``, one narrow row per case holding the same two expressions
(``upper(case_no)``, ``json_extract(data, '$.applicant.name')``, kept in step by triggers on ``cases``), and
``case_search``, an FTS5 ``trigram`` index over it. A text of 3 characters or more is looked up as a phrase in
the index (trigrams, case folded: a necessary condition), and the same LIKEs as on PostgreSQL decide among the
rows found; 1–2 characters, which trigrams cannot serve (and a text holding a NUL, which FTS5 cannot take), are
the LIKEs over the narrow table alone (no JSON is parsed). Either way the result is the rows ``scan_condition``
finds by reading every case (the reference the tests compare with). docs/performance.md has the figures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    Text,
    and_,
    bindparam,
    cast,
    column,
    false,
    func,
    null,
    or_,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from sync.crypto import DataKey, id_index, phone_index
from sync.domain.text import normalize_name
from sync.domain.validation import normalize_id_number

from ..core.models import CaseRow, StationRow
from ..core.sealing import key_of
from .case_json import case_field

#: The longest text the box takes (a name is at most 50 characters, a 办件编号 about 20).
QUERY_LIMIT = 100
#: Texts up to this long are looked up by their characters on PostgreSQL (``chars_hold``; trigrams need 3),
#: by the narrow table alone on SQLite.
CHARS_UP_TO = 2
#: SQLite's narrow copy of the searched fields and its FTS5 trigram index (migration 0114).
_NAMES = table("case_names", column("id"), column("case_id"), column("case_no"), column("name"))
_MATCHES = sql_text("SELECT rowid FROM case_search WHERE case_search MATCH :phrase")

_FULL_ID = re.compile(r"^\d{17}[\dX]$")
_FULL_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class SearchText:
    """What the box held, read: exactly one of ``id_number``, ``phone`` or ``text`` is set."""

    id_number: str = ""
    phone: str = ""
    text: str = ""

    @property
    def label(self) -> str:
        """How the page names what was searched (a whole number is shown masked, as in the lists)."""
        if self.id_number:
            return f"身份证号 {self.id_number[:6]}********{self.id_number[-4:]}"
        if self.phone:
            return f"电话 {self.phone[:3]}****{self.phone[-4:]}"
        return self.text


def read_query(raw: str) -> SearchText | None:
    """The box's text, or None when it holds nothing to search for."""
    text = normalize_name(raw[:QUERY_LIMIT])
    if not text:
        return None
    compact = text.replace(" ", "")
    number = normalize_id_number(compact)
    if _FULL_ID.match(number):
        return SearchText(id_number=number)
    if _FULL_PHONE.match(compact):
        return SearchText(phone=compact)
    return SearchText(text=text)


def _in_json_text(value: str) -> ColumnElement[bool]:
    """Whether the case's stored JSON text holds ``value`` somewhere: a necessary condition, cheap to test on
    SQLite, where ``data`` is the text itself (on PostgreSQL it is ``jsonb``, and the search does not use this).

    The projection's JSON is written by the JSON type's serializer (``json.dumps``: non-ASCII as
    ``\\uXXXX``, a character beyond the BMP as its surrogate pair); the value is looked for in that form and
    as it is (a row written without escapes), so no row that matches is passed over.
    """
    text = cast(CaseRow.data, Text)
    forms = sorted({json.dumps(value)[1:-1], value})
    return or_(*(text.contains(form, autoescape=True) for form in forms))


def id_number_matches(key: DataKey, number: str) -> ColumnElement[bool]:
    """Cases of the villager with this whole 身份证 number: exact, through the keyed blind index of the number
    (the center keeps it sealed: ``core.sealing``), so no part of a number is ever compared."""
    return CaseRow.id_number_index == id_index(key, number)


def phone_matches(key: DataKey, phone: str) -> ColumnElement[bool]:
    """Cases whose villager gave this whole phone number (exact, by blind index; 07315551234 = 0731-5551234)."""
    return CaseRow.phone_index == phone_index(key, phone)


def _stations_named(session: Session, text: str) -> list[str]:
    """Ids of the stations whose name or code holds ``text`` (the stations table is small)."""
    needle = text.upper()
    return [
        sid
        for sid, code, name in session.execute(select(StationRow.id, StationRow.code, StationRow.name))
        if needle in code.upper() or text in name
    ]


def chars_hold(
    expression: SQLColumnExpression[str | None] | SQLColumnExpression[str], text: str
) -> ColumnElement[bool]:
    """Whether ``expression`` holds every character of ``text`` (PostgreSQL): ``string_to_array(x, NULL)``, the
    expression of a GIN index (0109, 0119), so the rows that can hold ``text`` come from the index."""
    chars = func.string_to_array(expression, null(), type_=ARRAY(Text))
    return chars.contains(cast(sorted(set(text)), ARRAY(Text)))


def search_condition(session: Session, query: SearchText) -> ColumnElement[bool]:
    """The WHERE term of a search (combined with the inbox's other filters by the caller)."""
    if query.id_number:
        return id_number_matches(key_of(session), query.id_number)
    if query.phone:
        return phone_matches(key_of(session), query.phone)
    text = query.text
    if session.get_bind().dialect.name != "postgresql":
        return or_(false(), *_station_terms(session, text), _indexed_text(text))
    case_no, name = func.upper(CaseRow.case_no), CaseRow.applicant_name
    by_case_no = case_no.contains(text.upper(), autoescape=True)
    by_name = name.contains(text, autoescape=True)
    if len(text) <= CHARS_UP_TO:
        by_case_no = and_(chars_hold(case_no, text.upper()), by_case_no)
        by_name = and_(chars_hold(name, text), by_name)
    return or_(false(), *_station_terms(session, text), by_case_no, by_name)


def scan_condition(session: Session, query: SearchText) -> ColumnElement[bool]:
    """The search of a text as every row's own fields answer it (each case's JSON read): what the indexes and the
    generated column must find, no more and no less. The search itself does not use it; the tests compare
    against it."""
    text = query.text
    by_name = case_field("applicant.name").contains(text, autoescape=True)
    if session.get_bind().dialect.name != "postgresql":
        by_name = and_(_in_json_text(text), by_name)
    by_case_no = func.upper(CaseRow.case_no).contains(text.upper(), autoescape=True)
    return or_(false(), *_station_terms(session, text), by_case_no, by_name)


def _station_terms(session: Session, text: str) -> list[ColumnElement[bool]]:
    stations = _stations_named(session, text)
    return [CaseRow.station_id.in_(stations)] if stations else []  # first: the cheapest test of a row


def _indexed_text(text: str) -> ColumnElement[bool]:
    """SQLite: the cases whose 办件编号 or name holds ``text``, from ``case_names`` and its trigram index (0114).
    ``case_names.case_no`` is ``upper(case_no)``, so the LIKEs are ``scan_condition``'s own."""
    where: list[ColumnElement[bool]] = [
        _NAMES.c.case_no.contains(text.upper(), autoescape=True) | _NAMES.c.name.contains(text, autoescape=True)
    ]
    # trigrams (folded case) find the rows that may hold it, the LIKEs decide; FTS5 takes no NUL in a query
    if len(text) > CHARS_UP_TO and "\x00" not in text:
        phrase = " OR ".join(sorted({_phrase(text), _phrase(text.upper())}))
        matches = _MATCHES.bindparams(bindparam("phrase", phrase)).columns(column("rowid"))
        where.insert(0, _NAMES.c.id.in_(matches))
    return CaseRow.case_id.in_(select(_NAMES.c.case_id).where(*where))


def _phrase(text: str) -> str:
    """``text`` as an FTS5 phrase: in double quotes, a quote doubled; nothing in it is query syntax."""
    return '"' + text.replace('"', '""') + '"'
