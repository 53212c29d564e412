"""Readers (text, HTML, Telegram), bad input, and the ``rescuewatch extract`` contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from rescuewatch.cli import cli
from rescuewatch.errors import InputError
from rescuewatch.ingest.base import InputFile, ReadContext, choose_reader

SCHEMA = json.loads((Path(__file__).parents[2] / "rescuewatch/extract/claim.schema.json").read_text())
FIX = Path(__file__).parents[1] / "fixtures" / "extract"


def run_extract(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(cli, ["extract", *args])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.output


def test_extract_text_contract_validates() -> None:
    code, claims, _ = run_extract(str(FIX / "report_en.txt"))
    assert code == 0 and claims
    for claim in claims:
        jsonschema.validate(claim, SCHEMA)
    incident = next(c for c in claims if not c["is_aggregate"])
    assert incident["date"] == {"start": "2023-04-10", "end": "2023-04-10", "precision": "day"}
    assert incident["place"]["name"] == "Kherson" and incident["repeat_strike"] is True
    assert incident["perpetrator_alleged"]["party"] == "RU"
    assert any(c["is_aggregate"] and c["victims"][0]["killed"] == 14 for c in claims)
    assert incident["document"]["language"] == "en" and len(incident["document"]["sha256"]) == 64


def test_examples_all_validate() -> None:
    examples = sorted((Path(__file__).parents[2] / "examples" / "reports").glob("*.txt"))
    code, claims, _ = run_extract(*map(str, examples))
    assert code == 0
    for claim in claims:
        jsonschema.validate(claim, SCHEMA)
    assert not any("training" in c["document"]["path"] for c in claims)


def test_published_option_and_lang(tmp_path: Path) -> None:
    doc = tmp_path / "post.txt"
    doc.write_text("Вчора в Сумах дрон атакував швидку, поранено двох медиків.", encoding="utf-8")
    _, claims, _ = run_extract(str(doc), "--published", "2024-03-07", "--lang", "uk")
    assert claims[0]["date"]["start"] == "2024-03-06"


def test_html_reader_drops_scripts() -> None:
    item = InputFile.from_path(FIX / "page.html")
    reader = choose_reader(item)
    assert reader.name == "html"
    parcel = next(iter(reader.read(item, ReadContext())))
    assert parcel.title == "Ambulance hit in Belgorod"
    assert parcel.published is not None and parcel.published.isoformat() == "2024-06-14"
    assert parcel.text and "document.write" not in parcel.text and "Ten firefighters" not in parcel.text
    claims = list(parcel.claims)
    assert len(claims) == 1 and claims[0].place.name == "Belgorod"
    assert claims[0].date.start and claims[0].date.start.isoformat() == "2024-06-13"


def test_telegram_reader_one_document_per_message() -> None:
    item = InputFile.from_path(FIX / "channel_result.json")
    reader = choose_reader(item)
    assert reader.name == "telegram"
    parcels = list(reader.read(item, ReadContext()))
    assert [p.origin.rsplit("=", 1)[1] for p in parcels] == ["12", "13", "14"]
    assert {p.source.key for p in parcels} == {"telegram:1000000001"}
    assert [p.language for p in parcels] == ["ru", "uk", "ru"]
    first, second, third = (list(p.claims) for p in parcels)
    assert first[0].perpetrator.party == "UA" and second[0].perpetrator.party == "RU"
    assert first[0].date.start == parcels[0].published and third == []


def test_malformed_telegram_is_one_line_error() -> None:
    code, _, output = run_extract(str(FIX / "broken_result.json"), "--input-format", "telegram")
    assert code != 0 and "not valid JSON on line " in output and len(output.strip().splitlines()) == 1
    assert "export the channel again" in output


@pytest.mark.parametrize(
    ("content", "message"),
    # (b"\xff\xfe" first is UTF-16's byte-order mark, which no UTF-8 text starts with)
    [(b"\x00\x01\x02binary\x00" * 10, "binary"), (b"\xfa\xff\xfe bad utf8", "UTF-8")],
)
def test_bad_text_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, _, output = run_extract(str(path), "--input-format", "text")
    assert code != 0 and message in output


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    code, _, output = run_extract(str(path))
    assert code != 0 and "empty" in output


def test_huge_text_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"shelling " * (6 * 1024 * 1024 // 9 + 1))
    item = InputFile.from_path(path)
    with pytest.raises(InputError, match="larger than"):
        list(choose_reader(item, "text").read(item, ReadContext()))


def test_help_has_examples() -> None:
    result = CliRunner().invoke(cli, ["extract", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output


def test_html_plain_fallback_without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from rescuewatch.ingest.html import _main_text

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import fails: the plain parser runs
    text, title, date = _main_text((FIX / "page.html").read_text(encoding="utf-8"))
    assert title == "Ambulance hit in Belgorod" and date and date.startswith("2024-06-14")
    assert "injuring three paramedics" in text and "document.write" not in text and "Home |" not in text


def test_mixed_language_document_takes_the_main_language(tmp_path: Path) -> None:
    doc = tmp_path / "mixed.txt"
    doc.write_text("Вчера в Белгороде дрон атаковал машину скорой помощи, ранены двое медиков. "
                   "Медиков доставили в больницу. (Update: two medics injured.)", encoding="utf-8")
    _, claims, _ = run_extract(str(doc), "--published", "2024-03-07")
    assert claims and claims[0]["document"]["language"] == "ru"
    assert claims[0]["victims"][-1] == {"category": "medic", "killed": None, "injured": 2}


def test_schema_ships_with_the_package() -> None:
    from rescuewatch.extract import SCHEMA_PATH

    assert json.loads(SCHEMA_PATH.read_text()) == SCHEMA


def test_a_long_channel_name_makes_a_source_key_the_store_keeps() -> None:
    from rescuewatch.ingest.telegram import _channel

    source = _channel({"name": "Channel " * 60}, "result.json")
    assert source.key.startswith("telegram:channel-channel-") and len(source.key) <= 200
    assert source.name == "Channel " * 60  # the name itself is kept whole
    assert len(_channel({"id": "9" * 300}, "result.json").key) <= 200  # and a long id too


@pytest.mark.parametrize(("name", "reader"), [
    ("report_en.txt", "text"), ("page.html", "html"), ("channel_result.json", "telegram")])
def test_a_gzipped_text_page_or_channel_is_recognised_and_read_alike(
        tmp_path: Path, name: str, reader: str) -> None:
    # detection looked at the compressed bytes: 'not in any known format' without --format
    import gzip

    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress((FIX / name).read_bytes()))
    plain, gzipped = InputFile.from_path(FIX / name), InputFile.from_path(packed)
    assert choose_reader(gzipped).name == reader == choose_reader(plain).name

    def claims(item: InputFile) -> list[Any]:
        parcels = choose_reader(item).read(item, ReadContext())
        return [(c.date, c.place, c.victims, c.perpetrator, c.weapon, c.description)
                for p in parcels for c in p.claims]

    assert claims(gzipped) == claims(plain) != []


def test_a_gzipped_table_is_not_taken_for_text(tmp_path: Path) -> None:
    import gzip

    packed = tmp_path / "events.csv.gz"
    packed.write_bytes(gzip.compress(b"a,b,c\n1,2,3\n4,5,6\n"))
    with pytest.raises(InputError, match="not in any known format"):
        choose_reader(InputFile.from_path(packed))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_report_is_read_with_its_bom_or_encoding(tmp_path: Path, encoding: str) -> None:
    # Windows Notepad's "Unicode": refused as "binary content, not text" even with
    # --encoding utf-16, and "not in any known format" without --format
    text = (FIX / "report_en.txt").read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    plain = InputFile.from_path(FIX / "report_en.txt")
    item = InputFile.from_path(path)
    if encoding == "utf-16":  # with a byte-order mark: recognised without any option
        assert choose_reader(item).name == "text"
    ctx = ReadContext(encoding=None if encoding == "utf-16" else encoding)
    parcel = next(iter(choose_reader(item, "text").read(item, ctx)))
    assert parcel.text == text

    def claims(found: InputFile, context: ReadContext) -> list[Any]:
        return [(c.date, c.place, c.victims, c.perpetrator, c.weapon)
                for p in choose_reader(found, "text").read(found, context) for c in p.claims]

    assert claims(item, ctx) == claims(plain, ReadContext()) != []
    nul = tmp_path / "nul.txt"
    nul.write_bytes("a\x00b".encode(encoding))
    with pytest.raises(InputError, match="binary content, not text"):
        list(choose_reader(item, "text").read(InputFile.from_path(nul), ctx))
    page = tmp_path / "page.html"
    page.write_bytes((FIX / "page.html").read_text(encoding="utf-8").encode(encoding))
    html = next(iter(choose_reader(InputFile.from_path(page), "html").read(
        InputFile.from_path(page), ctx)))
    assert html.text == next(iter(choose_reader(InputFile.from_path(FIX / "page.html")).read(
        InputFile.from_path(FIX / "page.html"), ReadContext()))).text
    blank = tmp_path / "blank.txt"
    blank.write_bytes(" \r\n".encode("utf-16"))  # white space only: empty, as in UTF-8
    with pytest.raises(InputError, match="empty file"):
        choose_reader(InputFile.from_path(blank), "text")
