"""The link, assess, review, audit and sources commands, end to end on a real store."""

from __future__ import annotations

import json
from pathlib import Path

from rescuewatch.model import Source
from rescuewatch.store import Store
from tests.link.factory import add_document, claim


def seed(db_url: str) -> None:
    st = Store.open(db_url)
    add_document(st, Source("reuters.com", "reuters.com"), [claim("2024-03-05", killed=2)], label="1")
    add_document(st, Source("dsns.gov.ua", "dsns.gov.ua"), [claim("2024-03-05", killed=3)], label="2")
    add_document(st, Source("t.me/x", "t.me/x"), [claim("2024-06-01", lat=47.0, lon=35.0,
                                                        place="Far", admin1="B")], label="3")
    st.dispose()


def incidents(rw) -> list[dict]:
    return json.loads(rw("review", "list", "--json").output)


def test_link_assess_review_and_audit(rw, db_url: str) -> None:
    seed(db_url)
    assert rw("link", "--json").exit_code == 0
    out = json.loads(rw("assess", "--json").output)
    assert out["sources_filled_from_registry"] == 2  # reuters.com and dsns.gov.ua from defaults
    rows = incidents(rw)
    assert len(rows) == 2
    # lists, as in the exports and the web API (they were a JSON text and a comma list)
    assert all(isinstance(r["perpetrators"], list) and isinstance(r["categories"], list)
               for r in rows)
    pair = next(r for r in rows if r["n_claims"] == 2)
    assert pair["certainty"] == "possible"  # one independent + one party's voice
    assert "DSNS" in pair["certainty_rationale"] or "dsns" in pair["certainty_rationale"]

    single = next(r for r in rows if r["n_claims"] == 1)
    # A reason is required.
    assert rw("review", "merge", str(pair["id"]), str(single["id"])).exit_code != 0
    res = rw("review", "merge", str(pair["id"]), str(single["id"]), "--reason", "same strike")
    assert res.exit_code == 0, res.output
    assert len(incidents(rw)) == 1
    # The merge survives a full relink.
    rw("link", "--full")
    assert len(incidents(rw)) == 1

    shown = json.loads(rw("review", "show", str(pair["id"]), "--json").output)
    far = next(c["id"] for c in shown["claims"] if c["place_name"] == "Far")
    res = rw("review", "split", str(pair["id"]), "--claims", str(far), "--reason", "different day")
    assert res.exit_code == 0, res.output
    rw("link", "--full")
    assert len(incidents(rw)) == 2

    res = rw("review", "certainty", str(pair["id"]), "confirmed", "--reason", "verified video")
    assert res.exit_code == 0
    rw("assess")
    after = json.loads(rw("review", "show", str(pair["id"]), "--json").output)["incident"]
    assert after["certainty"] == "confirmed" and after["certainty_locked"]

    log = json.loads(rw("audit", "--incident", str(pair["id"]), "--json").output)
    actions = {e["action"] for e in log}
    assert {"merge", "split", "set-certainty"} <= actions
    assert all(e["reason"] for e in log)
    merge = next(e for e in log if e["action"] == "merge")
    assert merge["before"] and merge["after"]["n_claims"] == 3


def test_reject_keeps_claim_out_of_every_incident(rw, db_url: str) -> None:
    seed(db_url)
    rw("link")
    pair = next(r for r in incidents(rw) if r["n_claims"] == 2)
    claims = json.loads(rw("review", "show", str(pair["id"]), "--json").output)["claims"]
    res = rw("review", "reject", str(pair["id"]), "--claim", str(claims[0]["id"]),
             "--reason", "hoax account")
    assert res.exit_code == 0, res.output
    rw("link", "--full")
    rows = incidents(rw)
    assert sum(r["n_claims"] for r in rows) == 2


def test_sources_commands_round_trip(rw, tmp_path: Path) -> None:
    res = rw("sources", "set", "t.me/newchannel", "--kind", "channel", "--affiliation", "unknown",
             "--reason", "seen in a report")
    assert res.exit_code == 0, res.output
    assert rw("sources", "set", "x", "--affiliation", "Party X", "--reason", "r").exit_code == 2
    out = tmp_path / "reg.csv"
    assert rw("sources", "export", "-o", str(out)).exit_code == 0
    text = out.read_text()
    assert "t.me/newchannel" in text
    out.write_text(text.replace("channel,,unknown", "channel,UA,UA"))
    res = rw("sources", "import", str(out), "--reason", "registry v2")
    assert res.exit_code == 0, res.output
    listed = json.loads(rw("sources", "list", "--json").output)
    assert listed[0]["affiliation"] == "UA"
    shown = json.loads(rw("sources", "show", "tass.ru", "--json").output)
    assert shown["default_registry"]["affiliation"] == "RU"


def test_stats_count_incidents_by_format_and_category(rw, db_url: str) -> None:
    seed(db_url)
    st = Store.open(db_url)
    add_document(st, Source("t.me/y", "t.me/y"), [claim("2024-03-05", killed=2, categories=(
        "medic", "ambulance"))], label="4")
    st.dispose()
    before = json.loads(rw("stats", "--json").output)
    assert before["by_format"]["text"] == {"documents": 4, "claims": 4, "incidents": 0}
    assert rw("link").exit_code == 0
    after = json.loads(rw("stats", "--json").output)
    assert after["incidents"] == 2
    # the three claims on 5 March are one incident, the one in June another
    assert after["by_format"]["text"] == {"documents": 4, "claims": 4, "incidents": 2}
    assert after["by_category"]["medic"]["claims"] == 4
    assert after["by_category"]["medic"]["incidents"] == 2
    # the claim names the dead of its first category only: the ambulance's are not known
    assert after["by_category"]["ambulance"] == {"claims": 1, "killed": None, "injured": None,
                                                 "incidents": 1}
    text = rw("stats").output
    assert "2 incidents" in text.splitlines()[1]


def test_stats_count_the_killed_of_an_incident_once_and_leave_aggregates_out(
        rw, db_url: str) -> None:
    seed(db_url)  # 5 March: 2 and 3 medics killed, by two sources, one incident; June: 1
    st = Store.open(db_url)
    add_document(st, Source("t.me/y", "t.me/y"), [claim(
        "2024-03-05", lat=None, lon=None, place=None, killed=19, aggregate=True,
        description="19 medics killed since 2022")], label="4")
    st.dispose()
    before = json.loads(rw("stats", "--json").output)["by_category"]["medic"]
    # not linked yet: each claim is its own event; the aggregate total is no event at all
    assert before == {"claims": 3, "killed": 2 + 3 + 1, "injured": None, "incidents": 0}
    assert rw("link").exit_code == 0
    after = json.loads(rw("stats", "--json").output)["by_category"]["medic"]
    # the incident reported twice counts its lowest claim, as the ACLED export does
    assert after == {"claims": 3, "killed": 2 + 1, "injured": None, "incidents": 2}
    # no claim gives the injured: unknown, not 0
    assert ("medic                     3 claims       3 killed unknown injured       2 incidents"
            in rw("stats").output)


def test_an_unknown_incident_or_source_is_named_without_calling_it_a_column(rw, db_url: str) -> None:
    seed(db_url)
    rw("link")
    for args, expected in [
        (("review", "show", "9999"), "no incident 9999 (see `rescuewatch review list`)"),
        (("review", "certainty", "9999", "probable", "--reason", "x"), "no incident 9999"),
        (("review", "merge", "9999", "9998", "--reason", "x"), "no incident 999"),
        (("review", "certainty", "1", "--reason", "x"), "give a grade or --unlock (one of"),
        (("sources", "show", "nosuch"), "(see `rescuewatch sources list`)"),
    ]:
        result = rw(*args)
        assert result.exit_code == 2, result.output
        assert expected in result.output and "column" not in result.output, result.output


def test_a_grade_and_unlock_together_are_refused(rw, db_url: str) -> None:
    # the incident was unlocked and the grade given beside --unlock dropped without a word
    seed(db_url)
    rw("link")
    before = rw("review", "show", "1", "--json").output
    result = rw("review", "certainty", "1", "confirmed", "--unlock", "--reason", "x")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: give a grade or --unlock, not both "
                                     "(one of rumour, possible, probable, confirmed)")
    assert rw("review", "show", "1", "--json").output == before


def test_misspelt_review_filters_and_source_fields_are_refused_naming_the_option(
        rw, db_url: str) -> None:
    seed(db_url)
    rw("link")
    # a misspelt --status or --certainty listed nothing and exited 0
    for args in (("review", "list", "--status", "unreviwed"),
                 ("review", "list", "--certainty", "sure"),
                 ("sources", "set", "x.org", "--kind", "blog", "--reason", "r")):
        result = rw(*args)
        assert result.exit_code == 2 and "Invalid value for '--" in result.output, result.output
    result = rw("sources", "set", "x.org", "--affiliation", "Russia", "--reason", "r")
    assert result.exit_code == 2
    assert "Error: --affiliation: affiliation 'Russia' is not a party code" in result.output
    assert rw("review", "list", "--status", "unreviewed", "--certainty", "possible").exit_code == 0


def test_a_rejected_incident_is_left_out_of_counts_analyses_and_exports(
        rw, db_url: str, tmp_path: Path) -> None:
    """"Rejected for good" (a satire site, a retraction): the incident keeps its rows and its
    audit trail, but no count, analysis, report, web list or export shows it any more."""
    import httpx

    from tests.web.serving import serving

    seed(db_url)
    assert rw("link").exit_code == 0
    rows = incidents(rw)
    gone = next(r for r in rows if r["n_claims"] == 2)
    medics = json.loads(rw("stats", "--json").output)["by_category"]["medic"]
    assert rw("review", "reject", str(gone["id"]), "--reason", "satire site").exit_code == 0
    # by category too: its two claims and its dead (2, by its lowest claim) no longer count
    assert json.loads(rw("stats", "--json").output)["by_category"]["medic"] == {
        **medics, "claims": medics["claims"] - 2, "killed": medics["killed"] - 2,
        "incidents": medics["incidents"] - 1}

    trends = json.loads(rw("analyse", "trends", "--json").output)
    assert sum(r["incidents"] for r in trends["rows"]) == len(rows) - 1
    out = tmp_path / "incidents.csv"
    assert rw("export", "--format", "csv", "--level", "incidents", "-o", str(out)).exit_code == 0
    exported = out.read_text(encoding="utf-8").splitlines()
    assert len(exported) == 1 + len(rows) - 1
    stats = json.loads(rw("stats", "--json").output)
    assert stats["incidents"] == len(rows) and stats["rejected_incidents"] == 1
    assert "1 rejected by a reviewer" in rw("stats").output
    report = json.loads(rw("report", "--out", str(tmp_path / "r.html"), "--permutations", "9",
                           "--json").output)
    assert report["result"]["incidents"] == len(rows) - 1
    store = Store.open(db_url)
    try:
        with serving(store) as base:
            api = httpx.get(base + "/api/stats").json()
            assert api["incidents"] == len(rows) - 1 and api["rejected_incidents"] == 1
            listed = httpx.get(base + "/api/incidents").json()
            assert listed["total"] == len(rows) - 1
            assert gone["id"] not in [i["id"] for i in listed["incidents"]]
            # its page still opens: the decision and its reason stay on the record
            assert httpx.get(f"{base}/api/incidents/{gone['id']}").status_code == 200
    finally:
        store.dispose()
    # the reviewer still finds it
    assert gone["id"] in [r["id"] for r in json.loads(
        rw("review", "list", "--status", "rejected", "--json").output)]


def test_show_writes_an_unknown_value_as_a_question_mark_not_none(rw, db_url: str) -> None:
    # `review show` printed "killed None", "weapons None" and ", None," for a missing admin1,
    # and `sources show` a Python tuple for the aliases.
    st = Store.open(db_url)
    add_document(st, Source("t.me/y", "t.me/y"),
                 [claim("2024-03-05", killed=None, weapon=None, admin1=None)], label="1")
    st.dispose()
    assert rw("link").exit_code == 0
    (row,) = incidents(rw)
    shown = rw("review", "show", str(row["id"]))
    assert shown.exit_code == 0, shown.output
    assert "None" not in shown.output
    assert f"incident {row['id']}: 2024-03-05..2024-03-05 (day), Town, UA\n" in shown.output
    assert "killed ?, injured ?; weapons ?" in shown.output
    assert "2024-03-05 Town killed ?" in shown.output
    assert "certainty not graded yet (run `rescuewatch assess`)" in shown.output
    source = rw("sources", "show", "tass.ru")
    assert "aliases=tass.com," in source.output and "(" not in source.output.split("aliases")[1][:5]


def test_a_claim_not_in_the_incident_is_refused_with_the_claims_it_has(rw, db_url: str) -> None:
    # The split and reject errors named the wrong claim but not the right ones to give.
    seed(db_url)
    rw("link")
    pair = next(r for r in incidents(rw) if r["n_claims"] == 2)
    shown = json.loads(rw("review", "show", str(pair["id"]), "--json").output)
    ids = ", ".join(str(c["id"]) for c in sorted(shown["claims"], key=lambda c: c["id"]))
    hint = f"(incident {pair['id']} has claim(s) {ids}; see `rescuewatch review show {pair['id']}`)"
    for args in (("split", str(pair["id"]), "--claims", "9999"),
                 ("split", str(pair["id"]), "--claims", ids.replace(" ", "")),
                 ("reject", str(pair["id"]), "--claim", "9999")):
        result = rw("review", *args, "--reason", "x")
        assert result.exit_code == 2 and hint in result.output, result.output


def test_a_link_worker_count_that_is_not_a_number_is_one_line(rw, db_url: str, monkeypatch) -> None:
    # int("two") escaped as a ValueError traceback.
    seed(db_url)
    monkeypatch.setenv("RESCUEWATCH_LINK_WORKERS", "two")
    result = rw("link")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: RESCUEWATCH_LINK_WORKERS='two' is not a whole number "
                                     "(set it to 1 (one process) or more, or unset it)")
    monkeypatch.setenv("RESCUEWATCH_LINK_WORKERS", "1")
    assert rw("link").exit_code == 0 and len(incidents(rw)) == 2


def test_empty_listings_say_why_on_standard_error(tmp_path: Path) -> None:
    # review list, audit and sources list printed nothing at all on a new store
    from rescuewatch.store import Store
    from tests.conftest import Invoker

    url = f"sqlite:///{tmp_path / 'new.db'}"
    Store.open(url).dispose()  # a new, empty store
    rw = Invoker(url)
    for args, said in ((("review", "list"), "no incidents yet: `rescuewatch link`"),
                       (("review", "list", "--certainty", "confirmed"), "no incidents match"),
                       (("audit", "--incident", "3"), "no changes recorded for incident 3"),
                       (("sources", "list"), "no sources yet")):
        result = rw(*args)
        assert result.exit_code == 0
        assert result.stdout == "" and said in result.stderr, (args, result.stderr)
        assert rw(*args, "--json").stdout.strip() == "[]"
