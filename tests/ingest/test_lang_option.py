"""``--lang`` forced on a text plainly in another language: the extractor of that language
finds nothing there, and the input used to report its zero claims without a word. It is
still read as asked (the user's call), and the line now says why claims may be missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rescuewatch.extract.language import clear_language
from tests.conftest import Invoker

EN = "Yesterday a drone hit an ambulance in Kherson, injuring two paramedics, officials said."
RU = ("Вчера в Херсоне дрон атаковал машину скорой помощи, ранены два фельдшера, были повреждены "
      "два автомобиля, сообщили местные власти.")
UK = "Учора в Херсоні дрон атакував автомобіль швидкої допомоги, поранено двох фельдшерів."


def _ingest(rw: Invoker, tmp_path: Path, text: str, lang: str) -> str:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    result = rw("ingest", "--lang", lang, str(path))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(("text", "lang"), [(EN, "uk"), (RU, "en"), (RU, "uk"), (UK, "ru")])
def test_a_text_in_another_language_is_named(rw: Invoker, tmp_path: Path, text: str,
                                             lang: str) -> None:
    out = _ingest(rw, tmp_path, text, lang)
    assert f"read as {lang} by --lang look written in another language" in out


@pytest.mark.parametrize(("text", "lang"), [(EN, "en"), (RU, "ru"), (UK, "uk")])
def test_a_text_in_its_language_has_no_note(rw: Invoker, tmp_path: Path, text: str,
                                            lang: str) -> None:
    out = _ingest(rw, tmp_path, text, lang)
    assert "another language" not in out and "1 claim(s)" in out


def test_the_note_is_in_the_json_report(rw: Invoker, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(EN, encoding="utf-8")
    result = rw("ingest", "--lang", "ru", "--json", str(path))
    (item,) = json.loads(result.output)["inputs"]
    assert "another language" in item["note"]


def test_cyrillic_without_telling_letters_is_left_to_the_user() -> None:
    # no "ы", "э", "і", "ї": Russian or Ukrainian alike, so either --lang is fine
    assert clear_language("Сегодня в Харкове дрон атаковал машину скорой помощи") == "cyrillic"
