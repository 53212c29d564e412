"""Options and helpers shared by the commands."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class RowId(click.ParamType):
    """A stored row's id (incident, claim, ingest run): a positive integer. A larger number
    than a store keeps ended in the driver's traceback (OverflowError on SQLite beyond 64 bits,
    "integer out of range" on PostgreSQL beyond 32). (Not an IntRange, whose bounds would fill
    the help with a ten-digit number.)"""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from rescuewatch.model import INTEGER_MAX  # the web app's bound for ids too

        number = int(click.INT.convert(value, param, ctx))
        if not 1 <= number <= INTEGER_MAX:
            self.fail(f"{value!r} is not an id: ids are whole numbers from 1 to {INTEGER_MAX}",
                      param, ctx)
        return number


ROW_ID = RowId()

class Measure(click.FloatRange):
    """A distance or a span of time: a finite number, 0 or more. ``FloatRange(min=0)`` let
    "nan" and "inf" through, which the analyses then refused with a traceback."""

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


MEASURE = Measure()


class Day(click.DateTime):
    """A day given as ``YYYY-MM-DD``, within the days a claim may fall on
    (:func:`rescuewatch.model.check_date`): ``--published 0001-01-01`` made every relative
    date of a text ("yesterday") a day that the report could not hold, and it stopped with a
    traceback."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from rescuewatch.model import check_date

        day = super().convert(value, param, ctx)
        try:
            check_date(day.date())
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return day


DAY = Day()

#: The seed of a permutation test: numpy refuses a negative one (with a traceback, after the
#: store had been read).
SEED = click.IntRange(min=0)


def db_option(func: F) -> F:
    """``--db URL``: the store, also from ``RESCUEWATCH_DB``; default ``rescuewatch.db`` here."""
    return click.option(
        "--db",
        "db",
        envvar="RESCUEWATCH_DB",
        default=None,
        metavar="URL",
        help="Store as a SQLAlchemy URL or a SQLite file path [env RESCUEWATCH_DB; default: rescuewatch.db].",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(func)


def known_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--encoding``: checked before anything is read, so that a misspelt name fails at once
    with its own message instead of as "not valid ... text" of the first input (or not at all
    when every input is already stored)."""
    if value is None:
        return None
    import codecs

    try:
        info = codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r} (e.g. utf-8, cp1251, latin-1)") from None
    # base64, rot13, zlib ... are codecs but no text encodings (the reader's text stream
    # raised LookupError with a traceback); 'undefined' decodes nothing, and 'idna' no text
    # with a character it cannot decode replaced (as a CSV file's sample is)
    try:
        text = getattr(info, "_is_text_encoding", True) and b"a,b\n".decode(value, "replace")
    except UnicodeError:
        text = False
    if not text:
        raise click.BadParameter(f"{value!r} is not a text encoding (e.g. utf-8, cp1251, latin-1)")
    return value


def check_categories(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--category``: victim categories, comma-separated, or ``responders``; a misspelt one
    fails at once instead of matching nothing."""
    if value is None:
        return None
    from rescuewatch.model import expand_categories

    if not value.strip():  # an unset shell variable: it filtered nothing out, without a word
        raise click.BadParameter("an empty value names no category; leave the option out for "
                                 "every category")
    try:
        expand_categories(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def check_country(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--country``: an ISO 3166-1 alpha-2 code in either case. Anything else (an ISO-3 code
    such as ACLED's ``iso3``) would match no row and give an empty result without a word."""
    if value is None:
        return None
    from rescuewatch.ingest.countries import alpha2, alpha2_hint

    if code := alpha2(value):
        from rescuewatch.export.records import countries

        if code in countries():
            return code
        # of the right form but no country's (UK for GB): it matched nothing, without a word
        raise click.BadParameter(
            f"{value[:40]!r} is no country's ISO 3166-1 alpha-2 code"
            + (": use GB" if code == "UK" else " (GeoNames' country table has none such)"))
    raise click.BadParameter(
        f"{value[:40]!r} is not an ISO 3166-1 alpha-2 code: {alpha2_hint(value)}")


def check_span(since: Any, until: Any) -> None:
    """``--since`` after ``--until`` would select nothing: say so instead."""
    if since is not None and until is not None and since > until:
        raise click.UsageError(
            f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}: nothing is in between")


# C0 controls but line feed and tab, DEL, C1 controls, and the bidirectional overrides and
# isolates: stored text (a cell, a file name) must not move the cursor, retitle the terminal,
# write the clipboard (OSC 52) or reorder what a reader sees.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(m: re.Match[str]) -> str:
    return f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}"


def safe(value: object) -> str:
    """``value`` as one line of text fit for a terminal: control characters, line breaks and
    bidirectional overrides shown as escapes (``\\x1b``)."""
    return _CONTROL_OR_NEWLINE.sub(_escaped, str(value))


def echo(message: str = "", **kwargs: Any) -> None:
    """:func:`click.echo` of a message that may hold stored text: its control characters are
    shown as escapes, its line breaks kept."""
    click.echo(_CONTROL.sub(_escaped, message), **kwargs)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def open_store(db: str | None, *, create: bool = True, lasting: bool = False) -> Any:
    """The store; ``lasting``: refuse one in memory, whose writes would end with the command."""
    from rescuewatch.store import Store

    return Store.open(db, create=create, lasting=lasting)


def progress_enabled() -> bool:
    """Progress bars only on an interactive terminal, never in pipes, logs or CI."""
    return sys.stderr.isatty()


def make_progress(*, auto_refresh: bool = True) -> Any:
    """A Rich progress display on stderr (disabled when stderr is not a terminal).

    ``auto_refresh=False`` starts no refresh thread; the caller refreshes on each update.
    Ingest needs that, because its parsing worker is forked only from a single-threaded process.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not progress_enabled(),
        transient=True,
        auto_refresh=auto_refresh,
    )
