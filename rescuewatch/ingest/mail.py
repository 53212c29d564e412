"""E-mail messages (``.eml``, RFC 5322) read by the ``text`` reader.

A field report forwarded by e-mail is a text document whose body may be quoted-printable or
base64 in any charset, and whose header holds a ``Date:`` line with a time. Read as plain
text, a base64 body gave no claim at all, and the header's date and time were taken for the
event's. Here the body (the plain-text part, else the HTML one) is the document's text, under
the subject as its first line; the header's date is the publication date. The raw bytes are
stored unaltered, as for every document.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import EmailMessage

from rescuewatch.errors import InputError

MAIL_SUFFIXES = (".eml",)
#: The first line of a message as mail programs save it; with a ``From:`` and a ``Date:`` or
#: ``Message-ID:`` in the header block, a file without the ``.eml`` suffix is a message too.
_FIRST_HEADER = re.compile(
    rb"^(?:Return-Path|Received|From|To|Date|Subject|Message-ID|MIME-Version|Delivered-To|"
    rb"X-[\w-]+):[ \t]", re.IGNORECASE)
_HEADER_NAME = re.compile(rb"^([A-Za-z][\w-]*):", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Mail:
    """What a message gives the text reader."""

    text: str
    subject: str | None
    sent: dt.date | None


def is_mail(data: bytes, suffix: str) -> bool:
    """Whether ``data`` is an e-mail message: named ``.eml``, or opening with a header block
    that holds ``From:`` and ``Date:`` or ``Message-ID:`` (a report starting "Date: ..." and
    "Source: ..." is none)."""
    if suffix in MAIL_SUFFIXES:
        return True
    if not _FIRST_HEADER.match(data):
        return False
    block = re.split(rb"\r?\n\r?\n", data[:16384], maxsplit=1)[0]
    names = {m.group(1).lower() for m in _HEADER_NAME.finditer(block)}
    return b"from" in names and bool(names & {b"date", b"message-id"})


def read_mail(data: bytes, origin: str) -> Mail:
    """The text, subject and sending date of the message in ``data``."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)  # the default policy makes one
    subject = _header(msg, "subject")
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise InputError("an e-mail message without a text or HTML body", path=origin,
                         hint="save the report itself as a .txt file")
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, ValueError) as exc:  # an unknown charset, a bad body
        raise InputError(f"cannot decode the e-mail body ({exc.__class__.__name__})",
                         path=origin) from exc
    if not isinstance(content, str):
        raise InputError("the e-mail body is not text", path=origin)
    if body.get_content_type() == "text/html":
        from rescuewatch.ingest.html_plain import plain_text

        content = plain_text(content)[0]
    content = content.replace("\r\n", "\n").strip()
    text = f"{subject}\n\n{content}" if subject and not content.startswith(subject) else content
    return Mail(text, subject, _sent(msg))


def _header(msg: EmailMessage, name: str) -> str | None:
    try:
        value = msg[name]
    except (ValueError, IndexError, TypeError):  # a header the parser cannot make sense of
        return None
    if value is None:
        return None
    return " ".join(str(value).split())[:300] or None


def _sent(msg: EmailMessage) -> dt.date | None:
    raw = _header(msg, "date")
    if not raw:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(raw)
    except (ValueError, TypeError, IndexError):
        return None
    day = sent.date()
    return day if 1900 <= day.year <= 2099 else None
