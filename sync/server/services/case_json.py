"""One text field of the case projection's JSON (``cases.data``), as an SQL expression that indexes can serve.

SQLAlchemy's ``data["key"].as_string()`` binds the JSON path as a parameter, which no expression index
can match; ``case_field("due_on")`` renders the literal expression ``json_extract(data, '$.due_on')``
(SQLite) or ``(data ->> 'due_on')`` (PostgreSQL) — the very expressions of the indexes of migration
0100_staff, so the deadline board, the counters and the 差评 scan use them instead of reading every row.
A key one level down, ``case_field("applicant.name")``, renders ``json_extract(data, '$.applicant.name')``
or ``(data #>> '{applicant,name}')``: the staff search reads those, and an index on the same expression
would serve it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

#: A top-level key (``due_on``) or one level down (``applicant.name``).
_KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)?$")


#: Keys holding integers (compared as numbers on PostgreSQL too).
_INTEGER_KEYS = frozenset({"rating"})


class case_field(FunctionElement[Any]):
    inherit_cache = True
    name = "case_field"
    _traverse_internals = [("field_key", InternalTraversal.dp_string)]  # noqa: RUF012 - SQLAlchemy's protocol

    def __init__(self, key: str) -> None:
        if not _KEY.match(key):
            raise ValueError(key)
        self.field_key = key
        self.type = Integer() if key in _INTEGER_KEYS else String()
        super().__init__()


def _expr(key: str, dialect: str, table: str = "") -> str:
    data = f"{table}data"
    if dialect == "sqlite":
        return f"json_extract({data}, '$.{key}')"
    text = f"({data} #>> '{{{key.replace('.', ',')}}}')" if "." in key else f"({data} ->> '{key}')"
    return f"({text}::integer)" if key in _INTEGER_KEYS else text


@compiles(case_field, "sqlite")
def _sqlite(element: case_field, compiler: Any, **kw: Any) -> str:
    return _expr(element.field_key, "sqlite", "cases.")


@compiles(case_field)
def _postgres(element: case_field, compiler: Any, **kw: Any) -> str:
    return _expr(element.field_key, "postgresql", "cases.")
