"""Reader ``telegram``: a Telegram Desktop export (``result.json``) of one channel.

Each message is one document (its JSON as the raw bytes) with the message date as its
publication date and the channel as its source; a message forwarded from another channel has
that channel as its source (a repost is no second voice).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import InputFile, Parcel, ReadContext, Reader, register
from rescuewatch.ingest.tables import NUL_MESSAGE
from rescuewatch.ingest.text import UNKNOWN_SOURCE, read_limited, text_parcel
from rescuewatch.model import Source

MAX_EXPORT_BYTES = 200 * 1024 * 1024


def message_text(value: Any) -> str:
    """The plain text of a message's ``text`` field (a string or a list of parts)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict) else ""
                       for p in value)
    return ""


def _channel(data: dict[str, Any], origin: str) -> Source:
    return _source(str(data.get("name") or "Telegram channel"), data.get("id"), origin)


def _forwarded(msg: dict[str, Any], origin: str) -> Source | None:
    """The channel a message was forwarded from, keyed as that channel's own export is (by
    its id, which ``forwarded_from_id`` gives as "channel<id>", else by its name); the
    unknown publisher when the export hides it. ``None`` for a message of the channel's own."""
    if "forwarded_from" not in msg and "forwarded_from_id" not in msg:
        return None
    name, ident = msg.get("forwarded_from"), msg.get("forwarded_from_id")
    if isinstance(ident, str):
        ident = ident.removeprefix("channel").removeprefix("user") or None
    if not name and not ident:
        return UNKNOWN_SOURCE
    return _source(str(name or ident), ident, origin)


def _source(name: str, ident: Any, origin: str) -> Source:
    label = str(ident) if ident is not None else name.lower().replace(" ", "-")
    for field, value in (("name", name), ("id", label)):
        if "\x00" in value:  # JSON's \u0000: SQLite kept it, PostgreSQL refused it (a traceback)
            raise InputError(f"the channel's {field} {NUL_MESSAGE}", path=origin, field=field,
                             hint="correct it in the export, or export the channel again")
    # a source key is at most 200 characters: a long channel name or id is cut (PostgreSQL
    # refused a longer one, SQLite kept it)
    return Source(key=f"telegram:{label[:180]}", name=name, kind="channel")


_EXPORT_AGAIN = ("the Telegram export looks damaged or cut short: export the channel again "
                 "with Telegram Desktop (Export chat history, format JSON)")


@register
class TelegramReader(Reader):
    name = "telegram"
    description = "Telegram Desktop export (result.json): one document per message."

    def sniff(self, item: InputFile) -> int:
        sample = item.sample()  # of a gzip file, what it unpacks to
        if sample[:4096].lstrip().startswith(b"{") and b'"messages"' in sample:
            return 95
        return 0

    def read(self, item: InputFile, ctx: ReadContext) -> Iterator[Parcel]:
        data = read_limited(item, MAX_EXPORT_BYTES)
        try:
            export = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", path=item.origin,
                             hint=_EXPORT_AGAIN) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}",
                             path=item.origin, hint=_EXPORT_AGAIN) from exc
        except RecursionError:  # json's parser recurses once per level of nesting
            raise InputError("not valid JSON (nested too deeply)", path=item.origin) from None
        if not isinstance(export, dict) or not isinstance(export.get("messages"), list):
            raise InputError("not a Telegram export: no 'messages' list", path=item.origin,
                             hint="export the channel with Telegram Desktop as JSON")
        source = _channel(export, item.origin)
        for n, msg in enumerate(export["messages"], start=1):
            parcel = self._message(item, ctx, source, msg, n)
            if parcel is not None:
                yield parcel

    def _message(self, item: InputFile, ctx: ReadContext, source: Source, msg: Any, n: int) -> Parcel | None:
        if not isinstance(msg, dict):
            ctx.bad_row(InputError("message is not an object", path=item.origin, row=n))
            return None
        if msg.get("type", "message") != "message":
            return None
        ident = msg.get("id", n)
        text = message_text(msg.get("text"))
        if not text.strip():
            return None
        if "\x00" in text:  # a bad message, not a bad export: --skip-bad-rows may pass over it
            ctx.bad_row(InputError(f"message text {NUL_MESSAGE}", path=item.origin, row=ident,
                                   field="text"))
            return None
        try:
            published = dt.datetime.fromisoformat(str(msg["date"])).date()
        except (KeyError, ValueError):
            ctx.bad_row(InputError("message has no valid 'date'", path=item.origin, row=ident, field="date"))
            return None
        raw = json.dumps(msg, ensure_ascii=False, sort_keys=True).encode("utf-8")
        try:
            source = _forwarded(msg, item.origin) or source
        except InputError as exc:  # a NUL in the name: this message is the bad row
            ctx.bad_row(InputError(str(exc.message), path=item.origin, row=ident,
                                   field="forwarded_from"))
            return None
        return text_parcel(raw, text, origin=f"{item.origin}#message={ident}", fmt=self.name, ctx=ctx,
                           published=published, source=source, media_type="application/json")
