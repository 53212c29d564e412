"""Text matched case aside in any script, on SQLite as on PostgreSQL.

SQLite's ``lower()`` folds ASCII letters only ("Донецьк" stays as it is), PostgreSQL's folds
every script. Each SQLite connection of a store gets a Python ``lower`` of its own
(:func:`add_text_functions`), which :class:`unicode_lower` names there; it costs a Python call
a row, so it is used only for text that is not ASCII.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

#: The SQL name of :func:`_unicode_lower` on SQLite connections.
UNICODE_LOWER = "rw_unicode_lower"


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def add_text_functions(dbapi_conn: Any) -> None:
    """Give a new SQLite connection the functions this module's expressions call."""
    dbapi_conn.create_function(UNICODE_LOWER, 1, _unicode_lower, deterministic=True)


class unicode_lower(FunctionElement[str]):  # noqa: N801 - used like SQLAlchemy's func.lower
    """``lower()`` of text in any script: PostgreSQL's own, on SQLite the connection's."""

    type = String()
    inherit_cache = True


@compiles(unicode_lower)
def _lower_anywhere(element: unicode_lower, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _lower_on_sqlite(element: unicode_lower, compiler: Any, **kw: Any) -> str:
    return f"{UNICODE_LOWER}({compiler.process(element.clauses, **kw)})"


def folded_equals(column: Any, text: str) -> Any:
    """``column`` equal to ``text``, case aside in any script."""
    if text.isascii():
        return func.lower(column) == text.lower()
    return unicode_lower(column) == text.lower()


def folded_holds(column: Any, text: str) -> Any:
    """``column`` holding ``text`` literally (``%`` and ``_`` too), case aside in any script."""
    if text.isascii():
        return column.icontains(text, autoescape=True)
    return unicode_lower(column).contains(text.lower(), autoescape=True)
