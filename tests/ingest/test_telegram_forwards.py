"""Forwarded Telegram messages: a repost is the voice of the channel it came from, not of the
channel that forwarded it. Attributed to each forwarding channel, one post reposted by three
channels counted as three sources and raised its incident's certainty grade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Invoker

POST = "Вчера в Херсоне дрон атаковал машину скорой помощи, ранены два фельдшера."


def _export(path: Path, name: str, ident: int, messages: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"name": name, "type": "public_channel", "id": ident,
                                "messages": messages}, ensure_ascii=False), encoding="utf-8")
    return path


def _sources(rw: Invoker) -> list[str]:
    out = rw("export", "--format", "jsonl", "-o", "-").output
    return sorted(json.loads(line)["source_key"] for line in out.splitlines() if line.strip())


def test_a_forwarded_post_is_its_origin_channels_claim(rw: Invoker, tmp_path: Path) -> None:
    original = _export(tmp_path / "a.json", "Origin Channel", 100,
                       [{"id": 1, "type": "message", "date": "2024-03-07T09:00:00", "text": POST}])
    paths = [str(original)]
    for n in range(3):  # three channels repost it, with one post of their own each
        paths.append(str(_export(tmp_path / f"r{n}.json", f"Reposter {n}", 200 + n, [
            {"id": 5, "type": "message", "date": f"2024-03-07T1{n}:00:00", "text": POST,
             "forwarded_from": "Origin Channel", "forwarded_from_id": "channel100"},
            {"id": 6, "type": "message", "date": "2024-03-07T12:00:00",
             "text": f"Вчера в Сумах обстреляли спасателей, ранены {n + 2} спасателя."}])))
    assert rw("ingest", *paths).exit_code == 0
    assert _sources(rw) == ["telegram:100"] * 4 + ["telegram:200", "telegram:201", "telegram:202"]


def test_a_forward_of_a_hidden_sender_is_of_an_unknown_publisher(rw: Invoker, tmp_path: Path) -> None:
    export = _export(tmp_path / "r.json", "Reposter", 300, [
        {"id": 5, "type": "message", "date": "2024-03-07T10:00:00", "text": POST,
         "forwarded_from": None}])
    assert rw("ingest", str(export)).exit_code == 0
    assert _sources(rw) == ["unknown"]
