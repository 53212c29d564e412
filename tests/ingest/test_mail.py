"""E-mail messages (.eml): a field report forwarded by mail is read as its subject and body,
dated by its Date: header. Read as plain text before, a base64 body gave no claim and the
header's date was taken for the event's."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

from rescuewatch.ingest.base import InputFile, ReadContext, choose_reader
from rescuewatch.ingest.mail import is_mail
from tests.conftest import Invoker
from tests.ingest.test_bad_input import filled, refused

__all__ = ["filled"]  # the fixture, used by name below

SENT = "Tue, 05 Mar 2024 08:12:00 +0200"


def _message(subject: str, body: str, subtype: str = "plain", cte: str = "base64") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "field.office@example.org"
    msg["To"] = "analyst@example.org"
    msg["Subject"] = subject
    msg["Date"] = SENT
    msg.set_content(body, subtype=subtype, charset="utf-8", cte=cte)
    return msg


def _read(path: Path) -> list:  # type: ignore[type-arg]
    item = InputFile.from_path(path)
    return list(choose_reader(item).read(item, ReadContext()))


def test_a_base64_body_is_read_and_dated_by_its_header(tmp_path: Path) -> None:
    msg = _message("Скорая помощь под ударом",
                   "Вчера в Херсоне дрон атаковал машину скорой помощи, ранены два фельдшера.")
    msg.add_attachment(b"\x00\x01 not text", maintype="application", subtype="octet-stream",
                       filename="photo.bin")
    path = tmp_path / "report.eml"
    path.write_bytes(bytes(msg))
    (parcel,) = _read(path)
    assert parcel.published == dt.date(2024, 3, 5)
    assert parcel.title == "Скорая помощь под ударом"
    (claim,) = parcel.claims
    assert claim.date.start == dt.date(2024, 3, 4)  # "вчера", not the header's day
    assert claim.time_of_day is None  # nor its time
    assert {v.category: v.injured for v in claim.victims}["medic"] == 2


def test_an_html_body_is_a_message_not_a_page(tmp_path: Path) -> None:
    msg = _message("Ambulance hit", "<html><script>var t = '40 paramedics killed in Odesa';"
                   "</script><p>Yesterday a drone hit an ambulance in Sumy, injuring two "
                   "paramedics.</p></html>", subtype="html", cte="quoted-printable")
    path = tmp_path / "forwarded"  # no suffix: the header block tells
    path.write_bytes(bytes(msg))
    (parcel,) = _read(path)
    assert parcel.format == "text"
    (claim,) = parcel.claims
    assert claim.place is not None and claim.place.name == "Sumy"
    assert claim.killed is None and claim.injured == 2


def test_a_report_with_date_and_source_lines_is_no_message() -> None:
    assert not is_mail(b"Date: 2024-03-05\nSource: example.org\n\nA paramedic was hurt.", ".txt")
    assert is_mail(b"From: a@example.org\nDate: Tue, 5 Mar 2024 08:12:00 +0000\n\nx", ".txt")


def test_a_message_without_a_text_body_is_refused(filled: Invoker, db_url: str,
                                                   tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "field.office@example.org"
    msg["Date"] = SENT
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="r.pdf")
    path = tmp_path / "only-attachment.eml"
    path.write_bytes(bytes(msg))
    line = refused(filled, db_url, str(path))
    assert "only-attachment.eml" in line and "without a text or HTML body" in line
