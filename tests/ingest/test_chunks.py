"""The column-wise chunk path of dataset readers gives exactly the rows of the per-row path.

Large CSV datasets are turned into SQLite rows a chunk at a time (``ingest/chunks.py``, the
ACLED reader's ``_Builder.rows``). These tests build both from the same files, including a file
of ACLED fixture rows varied in every way the readers must handle (padding, quotes, control
characters, other scripts, missing values, other date styles, bad values), and compare them.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from rescuewatch.errors import InputError
from rescuewatch.ingest import chunks, pipeline
from rescuewatch.ingest.base import Parcel, ReadContext, choose_reader
from rescuewatch.store import Store
from rescuewatch.store import claims as sc

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
ACLED_FILES = ["acled_current.csv", "acled_api.csv", "acled_legacy.csv"]

NOTES = [
    "On {d}, a drone struck an ambulance near the town; two paramedics were injured.",
    'Shelling hit the "central" hospital; a nurse was killed.\nA second strike followed.',
    "Rescuers of the civil defence were hit by a second strike while at the site.",
    "The wounded were taken to the local hospital, according to medical sources.",
    "Обстрел повредил больницу; погиб врач.",
    "Gunfire near the checkpoint; no casualties. Path C:\\temp\\x",
    "Health workers marched for better protection.",
    "  padded note with a tab\there  ",
    "",
]


def _vary(row: dict[str, str], rng: random.Random, n: int) -> dict[str, str]:
    out = dict(row)
    name = {c.lower(): c for c in row}  # the legacy layout writes names in capitals
    choices = {
        "notes": None, "time_precision": ["1", "2", "3", "", " 1 "],
        "geo_precision": ["1", "2", "3", ""], "fatalities": ["0", "3", "", " 12 "],
    }
    out[name["event_id_cnty"]] = f"{row[name['event_id_cnty']]}-{n}"
    for column, values in choices.items():
        if column in name:
            out[name[column]] = (rng.choice(values) if values else rng.choice(NOTES).replace(
                "{d}", row[name["event_date"]]))
    if "admin1" in name and rng.random() < 0.2:
        out[name["admin1"]] = ""
    if "location" in name and rng.random() < 0.2:
        out[name["location"]] = f"  {row[name['location']]} "
    if "event_type" in name and rng.random() < 0.15:
        out[name["event_type"]] = "Protests"
    if rng.random() < 0.1:
        out[name["event_date"]] = rng.choice(["9-May-20", "2021-02-28", ""])
    return out


def varied_acled(tmp_path: Path, name: str, rows: int, seed: int = 5,
                 bad: dict[int, tuple[str, str]] | None = None) -> Path:
    """``rows`` rows varied from the fixture ``name``; ``bad`` puts bad values in given rows."""
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        base = list(reader)
    rng = random.Random(seed)
    path = tmp_path / f"varied_{name}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for n in range(rows):
            row = _vary(base[n % len(base)], rng, n)
            if bad and n in bad:
                column, value = bad[n]
                row[{c.lower(): c for c in row}[column]] = value
            writer.writerow(row)
    return path


def parcel_of(path: Path, tmp_path: Path, ctx: ReadContext) -> Parcel:
    item = pipeline.open_input(str(path), tmp_path)
    parcels = list(choose_reader(item, "auto").read(item, ctx))
    assert len(parcels) == 1
    return parcels[0]


def full_rows(batch: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A batch's claim rows widened to every claims column (left-out columns are null)."""
    rows, victims, _spans, columns = batch
    if columns is None:
        return list(rows), list(victims)
    where = {name: i for i, name in enumerate(columns)}
    return ([tuple(r[where[c]] if c in where else None for c in sc.CLAIM_COLUMNS)
             for r in sc.row_tuples(rows)], list(victims))


def both_paths(path: Path, tmp_path: Path, skip: bool = False) -> tuple[Any, Any]:
    slow_ctx, fast_ctx = ReadContext(skip_bad_rows=skip), ReadContext(skip_bad_rows=skip)
    slow_parcel = parcel_of(path, tmp_path, slow_ctx)
    keys, claims = sc.with_document_keys(slow_parcel.claims)
    slow: tuple[list[Any], list[Any]] = ([], [])
    for batch in sc.sqlite_batches(claims, 11, 3, keys):
        rows, victims = full_rows(batch)
        slow[0].extend(rows)
        slow[1].extend(victims)
    fast_parcel = parcel_of(path, tmp_path, fast_ctx)
    assert fast_parcel.row_batches is not None
    assert fast_parcel.original_keys == keys
    fast: tuple[list[Any], list[Any]] = ([], [])
    for batch in fast_parcel.row_batches(11, 3):
        rows, victims = full_rows(batch)
        fast[0].extend(rows)
        fast[1].extend(victims)
    return (slow, slow_ctx.skipped), (fast, fast_ctx.skipped)


@pytest.mark.parametrize("name", ACLED_FILES)
def test_fixture_rows_are_the_same_both_ways(tmp_path: Path, name: str) -> None:
    (slow, _), (fast, _) = both_paths(FIXTURES / name, tmp_path)
    assert slow[0] and fast == slow


def test_rows_under_a_title_are_the_same_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_bytes(b"ACLED export for the region,,,\r\n\r\n"
                     + (FIXTURES / "acled_current.csv").read_bytes())
    (slow, _), (fast, _) = both_paths(path, tmp_path)
    (plain, _), _ = both_paths(FIXTURES / "acled_current.csv", tmp_path)
    assert fast == slow
    ref = sc.CLAIM_COLUMNS.index("row_ref")
    assert [r[ref] for r in fast[0]] == [r[ref] for r in plain[0]] and len(plain[0]) == 12


def test_a_totals_row_is_the_same_aggregate_both_ways(tmp_path: Path) -> None:
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    total = [""] * len(header)
    total[0], total[header.index("fatalities")] = "Total", "57"  # as a spreadsheet user adds
    path = tmp_path / "with_total.csv"
    path.write_text("\n".join([*lines, ",".join(total)]) + "\n", encoding="utf-8")
    (slow, _), (fast, _) = both_paths(path, tmp_path)
    assert fast == slow and len(fast[0]) == 13
    aggregate = sc.CLAIM_COLUMNS.index("is_aggregate")
    assert [r[aggregate] for r in fast[0]] == [0] * 12 + [1]


@pytest.fixture
def fast_chunks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each chunk was built column-wise (``True``) or fell back to the row path."""
    taken: list[bool] = []
    real = chunks._fast_batch

    def counting(*args: Any) -> Any:
        batch = real(*args)
        taken.append(batch is not None)
        return batch

    monkeypatch.setattr(chunks, "_fast_batch", counting)
    return taken


@pytest.mark.parametrize("name", ACLED_FILES)
def test_varied_rows_are_the_same_both_ways(tmp_path: Path, name: str,
                                            fast_chunks: list[bool]) -> None:
    path = varied_acled(tmp_path, name, 12000)
    (slow, _), (fast, _) = both_paths(path, tmp_path)
    assert fast_chunks == [True] * -(-12000 // sc.BATCH)  # none fell back to the row path
    assert len(fast[0]) == 12000
    assert fast == slow
    # the variations reach the interesting cases
    assert any(r[sc.CLAIM_COLUMNS.index("protected")] for r in fast[0])
    categories = {r[sc.CLAIM_COLUMNS.index("categories")] for r in fast[0]}
    assert {"ambulance,medic", "health_facility,health_worker", "rescuer"} <= categories


def test_bad_rows_are_skipped_and_named_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_chunks: list[bool]
) -> None:
    monkeypatch.setattr(sc, "BATCH", 50)  # bad rows in some chunks, clean chunks between
    bad = {7: ("latitude", "999"), 120: ("event_date", "31-Feb-21"), 121: ("fatalities", "-2"),
           300: ("longitude", "east")}
    path = varied_acled(tmp_path, "acled_current.csv", 400, bad=bad)
    (slow, slow_skipped), (fast, fast_skipped) = both_paths(path, tmp_path, skip=True)
    assert fast == slow and len(fast[0]) == 400 - len(bad)
    assert fast_chunks == [False, True, False, True, True, True, False, True]
    assert fast_skipped == slow_skipped
    assert [(s["row"], s["field"]) for s in fast_skipped] == [
        ("9", "latitude"), ("122", "event_date"), ("123", "fatalities"), ("302", "longitude")]
    ids = [r[0] for r in fast[0]]
    assert ids == list(range(11, 11 + len(ids)))  # no gaps where rows were skipped


def test_a_bad_row_stops_the_ingest_with_its_row_and_column(tmp_path: Path) -> None:
    path = varied_acled(tmp_path, "acled_current.csv", 6000, bad={5500: ("latitude", "95.5")})
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        with pytest.raises(InputError) as caught:
            pipeline.ingest(store, [str(path)])
        assert (caught.value.row, caught.value.field) == (5502, "latitude")
        assert store.count("claims") == 0
    finally:
        store.dispose()


def journal_mode(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_bulk_ingest_uses_a_rollback_journal_only_when_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{db}")
    seen: list[str] = []
    real = sc.insert_batch

    def spying(conn: Any, batch: Any) -> int:
        seen.append(conn.connection.driver_connection.execute("PRAGMA journal_mode").fetchone()[0])
        return real(conn, batch)

    monkeypatch.setattr(pipeline, "insert_batch", spying)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    try:
        pipeline.ingest(store, [str(FIXTURES / "acled_current.csv")])
        assert seen == ["delete"]
        assert journal_mode(db) == "wal"  # back to the write-ahead log afterwards
        seen.clear()
        reader = sqlite3.connect(db)  # another connection (a web server, say) has it open
        try:
            reader.execute("SELECT count(*) FROM claims").fetchone()
            pipeline.ingest(store, [str(FIXTURES / "acled_api.csv")])
        finally:
            reader.close()
        assert seen == ["wal"]
        assert store.count("claims") == 12 + 6
    finally:
        store.dispose()


UCDP_FILES = ["ucdp_ged191_syria_2016-01_2019-11.csv.gz", "ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv"]


@pytest.mark.parametrize("name", UCDP_FILES)
def test_real_ucdp_rows_are_the_same_both_ways(tmp_path: Path, shared_data: Path, name: str,
                                               fast_chunks: list[bool]) -> None:
    (slow, _), (fast, _) = both_paths(shared_data / name, tmp_path)
    assert len(fast[0]) > 1000 and all(fast_chunks)  # the HDX copy's HXL row is no obstacle
    assert fast == slow


@pytest.mark.parametrize(("column", "value"), [
    ("date_end", "2001-01-01"),  # ends before it starts
    ("where_prec", "9"), ("date_prec", "0"),  # codes GED's codebook does not have
])
def test_a_bad_ucdp_row_falls_back_to_the_row_path(tmp_path: Path, shared_data: Path,
                                                   fast_chunks: list[bool], column: str,
                                                   value: str) -> None:
    source = shared_data / "ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[40]]))
    row[header.index(column)] = value
    out = tmp_path / "ucdp_bad.csv"
    buffer = [lines[0], *lines[1:40]]
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(buffer) + "\n")
        csv.writer(handle, lineterminator="\n").writerow(row)
        handle.write("\n".join(lines[41:]) + "\n")
    (slow, slow_skipped), (fast, fast_skipped) = both_paths(out, tmp_path, skip=True)
    assert fast == slow and fast_skipped == slow_skipped
    assert [(s["row"], s["field"]) for s in fast_skipped] == [("41", column)]
    assert fast_chunks[0] is False and all(fast_chunks[1:])


def test_ucdp_codes_written_as_decimals_are_the_same_both_ways(
        tmp_path: Path, shared_data: Path, fast_chunks: list[bool]) -> None:
    source = shared_data / "ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[2:]:  # after the header and the HXL row, as a spreadsheet may save them
        for column in ("where_prec", "date_prec"):
            at = rows[0].index(column)
            row[at] = f"{row[at]}.0"
    out = tmp_path / "ucdp_decimal.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    (slow, _), (fast, _) = both_paths(out, tmp_path)
    assert fast == slow and all(fast_chunks)
    (plain, _), _ = both_paths(source, tmp_path)
    at = [sc.CLAIM_COLUMNS.index(c) for c in ("date_precision", "place_precision")]
    words = [tuple(r[i] for i in at) for r in fast[0]]
    assert words == [tuple(r[i] for i in at) for r in plain[0]]
    assert ("day", "exact") in words and (None, None) not in words


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_data_chunks_leave_out_the_rows_that_table_rows_leaves_out(tmp_path: Path, size: int) -> None:
    # blank and hashtag rows inside the data, a first cell that is empty, padded or starts
    # with "#" (a hashtag row only if every cell is a hashtag or empty)
    lines = ["event_id,place,notes", "#x,#loc,#description", "A1,Kyiv,one", "", " ,,",
             ",Donetsk,empty first cell", " B2,Sumy,padded first cell", "#7,Lviv,not hashtags",
             "C3,Odesa,four", "#a,#b,", "D4,Kharkiv,five", ",,", "E5,Dnipro,six", "#z,,"]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def table() -> Any:
        from rescuewatch.ingest.tables import open_table
        return open_table(pipeline.open_input(str(path), tmp_path))

    expected_table = table()
    expected = list(expected_table.rows)
    got_table, got = table(), []
    while chunk := chunks.data_chunk(got_table, size):
        assert len(chunk) == size or len(got) + len(chunk) == len(expected)
        got += chunk
    assert got == expected
    assert [n for n, _ in got] == [3, 6, 7, 8, 9, 11, 13]
    assert got_table.hashtags == expected_table.hashtags == ["#z", "", ""]
