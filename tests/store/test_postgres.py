"""The same store code on a real PostgreSQL server (skipped where none is installed)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from rescuewatch.model import Claim, Source, Victim
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims, iter_claims

pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install '.[postgres]')")
from tests.pg import pg_bindir, temporary_postgres  # noqa: E402

pytestmark = pytest.mark.skipif(pg_bindir() is None, reason="no PostgreSQL server binaries here")


@pytest.fixture(scope="module")
def pg_store() -> Iterator[Store]:
    with temporary_postgres() as url:
        store = Store.open(url)
        yield store
        store.dispose()


def test_migrations_and_claims_work_on_postgresql(pg_store: Store) -> None:
    data = b"a report stored in postgres"
    sha = hashlib.sha256(data).hexdigest()
    with pg_store.transaction() as conn:
        source_id = pg_store.source_id(conn, Source("pg-source", "PG source"))
        pg_store.put_blob(conn, sha, [data])
        doc = pg_store.add_document(conn, {"sha256": sha, "source_id": source_id, "origin": "mem",
                                           "format": "text", "size": len(data)})
        add_claims(conn, doc, [Claim(victims=[Victim("rescuer", killed=1)])])
    assert pg_store.dialect == "postgresql"
    assert [r["status"] for r in pg_store.verify()] == ["ok"]
    (claim, _), = list(iter_claims(pg_store))
    assert claim.victims == [Victim("rescuer", killed=1)]


def test_linking_and_regrouping_run_on_postgresql() -> None:
    from rescuewatch.link.pipeline import link_store
    from tests.link.test_incremental import A, B, D, add, groups

    with temporary_postgres() as url:
        store = Store.open(url)
        try:
            add(store, "a", A)
            add(store, "d", D)
            assert link_store(store)["incidents"] == 2
            add(store, "b", B)
            summary = link_store(store)
            assert summary["mode"] == "incremental" and summary["removed_incidents"] == 1
            assert len(set(groups(store).values())) == 1
        finally:
            store.dispose()


@pytest.mark.parametrize("args", [
    ("review", "show", "2147483648"), ("audit", "--incident", "2147483648"),
    ("sources", "set", "k" * 201, "--reason", "r"),
    ("sources", "set", "k", "--coverage-group", "g" * 101, "--reason", "r"),
])
def test_a_value_beyond_its_column_is_refused_before_postgresql_sees_it(
    pg_store: Store, args: tuple[str, ...]
) -> None:
    # PostgreSQL refused each mid-command ("integer out of range", "value too long for type
    # character varying"), and the command ended in a traceback; SQLite took them
    from tests.conftest import Invoker

    result = Invoker(pg_store.engine.url.render_as_string(hide_password=False))(*args)
    assert result.exit_code == 2, result.output
    assert "is not an id" in result.output or "characters long (shorten it" in result.output


def test_a_registry_value_beyond_its_column_names_row_and_column(pg_store: Store,
                                                                 tmp_path: Path) -> None:
    from tests.conftest import Invoker

    registry = tmp_path / "sources.csv"
    registry.write_text("key,name,coverage_group\nab,AB," + "g" * 101 + "\n", encoding="utf-8")
    result = Invoker(pg_store.engine.url.render_as_string(hide_password=False))(
        "sources", "import", str(registry), "--reason", "r")
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {registry}, row 2, column 'coverage_group': the source's coverage group is 101 "
        "characters long (shorten it to at most 100 characters)")


def test_two_links_at_once_both_succeed_on_postgresql(tmp_path: Path) -> None:
    # as on SQLite: both read "no incidents" before either wrote, and the second would fail
    # on the incident ids the first had taken
    import subprocess
    import sys
    import time

    import psycopg

    from rescuewatch.store.core import WRITE_LOCK_KEY
    from tests.conftest import Invoker

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "acled_current.csv"
    with temporary_postgres() as url:
        assert Invoker(url)("ingest", str(fixture)).exit_code == 0
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))  # a writer
            links = [subprocess.Popen([sys.executable, "-m", "rescuewatch", "link", "--db", url],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2)]
            time.sleep(5)  # time for both to start; neither may have read the claims yet
            other.commit()
        outputs = [link.communicate(timeout=60) for link in links]
        assert [link.returncode for link in links] == [0, 0], outputs
        assert sorted(out.split(":")[0] for out, _ in outputs) == ["full linking",
                                                                   "incremental linking"]


def test_a_user_who_may_not_set_the_id_counters_still_writes(pg_store: Store) -> None:
    # every write transaction sets the counters after the last rows (see Store.transaction),
    # which needs UPDATE on the sequences; a role granted only USAGE (enough to insert) was
    # refused every write: it now writes, its numbers free to skip a failed input's
    from tests.conftest import Invoker

    with pg_store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE ROLE clerk LOGIN")
        conn.exec_driver_sql("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO clerk")
        conn.exec_driver_sql("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO clerk")
    clerk = pg_store.engine.url.set(username="clerk").render_as_string(hide_password=False)
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
    rw = Invoker(clerk)
    with pg_store.engine.connect() as conn:  # the store is the module's: others wrote to it
        before = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
    first = rw("ingest", str(fixtures / "acled_current.csv"))
    assert first.exit_code == 0, first.output
    second = rw("ingest", str(fixtures / "who_ssa_export.csv"))
    assert second.exit_code == 0, second.output
    with pg_store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar() == before + 2


def test_an_incident_added_by_hand_after_linking_takes_the_next_id(tmp_path: Path) -> None:
    # linking numbers incidents itself, which left PostgreSQL's counter at 1: the next incident
    # inserted without an id took id 1 again and failed (duplicate key), where SQLite took max+1
    from rescuewatch.link.pipeline import link_store
    from rescuewatch.store.exports import add_incident
    from tests.conftest import Invoker

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "acled_current.csv"
    with temporary_postgres() as url:
        assert Invoker(url)("ingest", str(fixture)).exit_code == 0
        store = Store.open(url)
        try:
            linked = link_store(store)["incidents"]
            with store.transaction() as conn:
                assert add_incident(conn, {"country": "UA"}) == linked + 1
        finally:
            store.dispose()
