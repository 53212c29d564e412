"""``rescuewatch review``, ``audit`` and ``sources``: analysts' decisions and the registry."""

from __future__ import annotations

import json
from typing import Any

import click

from rescuewatch.cli.common import (
    ROW_ID,
    db_option,
    echo,
    json_option,
    open_store,
    print_json,
    safe,
)
from rescuewatch.model import CERTAINTY_GRADES, SOURCE_KINDS

#: Review states an incident can be in (set by rescuewatch.link.review); listed so that a
#: misspelt --status is refused instead of matching nothing.
REVIEW_STATUSES = ("unreviewed", "reviewed", "merged", "split", "rejected")

reason_option = click.option("--reason", required=True,
                             help="Why (required; kept in the audit log).")


@click.group()
def review() -> None:
    """List, merge, split, reject and grade incidents by hand (every change is audited).

    \b
    Examples:
      rescuewatch review list --status unreviewed
      rescuewatch review show 12
      rescuewatch review merge 12 15 --reason "same strike, two reports a day apart"
      rescuewatch review split 12 --claims 40,41 --reason "second strike in the next village"
      rescuewatch review reject 12 --reason "satire site"
      rescuewatch review certainty 12 probable --reason "verified footage"
    """


@review.command("list")
@click.option("--status", type=click.Choice(REVIEW_STATUSES), default=None,
              help="Only incidents with this review status.")
@click.option("--certainty", type=click.Choice(CERTAINTY_GRADES), default=None,
              help="Only incidents with this grade.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True,
              help="At most this many incidents.")
@click.option("--offset", type=click.IntRange(0), default=0,
              help="Leave out this many first (to page through a long list).")
@db_option
@json_option
def list_cmd(status: str | None, certainty: str | None, limit: int, offset: int,
             db: str | None, as_json: bool) -> None:
    """List incidents, newest first.

    \b
    Examples:
      rescuewatch review list --status unreviewed
      rescuewatch review list --certainty rumour --limit 20
    """
    from rescuewatch.store.incidents import list_incident_rows

    store = open_store(db, create=False)
    with store.engine.connect() as conn:
        rows = list_incident_rows(conn, status=status, certainty=certainty, limit=limit,
                                  offset=offset)
    if as_json:  # lists and objects, as the exports and the web API give them
        from rescuewatch.store.browse import incident_json

        print_json([incident_json(r) for r in rows])
        return
    if not rows:  # on standard error: the listing itself stays empty for a script
        filtered = status or certainty or offset
        click.echo("no incidents match" if filtered else
                   "no incidents yet: `rescuewatch link` makes them from the claims ingested",
                   err=True)
    for r in rows:
        killed = _range(r["killed_min"], r["killed_max"])
        echo(f"{r['id']:>7}  {r['date_start'] or '?'}  {safe(r['place_name'] or '?')[:30]:<30} "
                   f"{r['categories'] or 'context':<24} killed {killed:<7} "
                   f"{r['certainty'] or '-':<9} {r['n_sources']} src  {r['review_status']}")


def _range(lo: Any, hi: Any) -> str:
    if lo is None:
        return "?"
    return str(lo) if lo == hi else f"{lo}-{hi}"


@review.command("show")
@click.argument("incident", type=ROW_ID)
@db_option
@json_option
def show(incident: int, db: str | None, as_json: bool) -> None:
    """Show one incident with every claim and its source.

    \b
    Examples:
      rescuewatch review show 12
      rescuewatch review show 12 --json
    """
    from rescuewatch.errors import InputError
    from rescuewatch.store.incidents import get_incident, incident_claims

    store = open_store(db, create=False)
    with store.engine.connect() as conn:
        row = get_incident(conn, incident)
        if row is None:
            raise InputError(f"no incident {incident}", hint="see `rescuewatch review list`")
        claims = incident_claims(conn, [incident])
    if as_json:
        print_json({"incident": row, "claims": claims})
        return
    # An unknown value reads "?" as in `review list`, never Python's "None".
    where = ", ".join(v for v in (row["place_name"], row["admin1"], row["country"]) if v) or "?"
    echo(f"incident {row['id']}: {row['date_start'] or '?'}..{row['date_end'] or '?'} "
         f"({row['date_precision'] or '?'}), {where}")
    echo(f"  victims {row['categories'] or 'none (context event)'}; killed "
               f"{_range(row['killed_min'], row['killed_max'])}, injured "
               f"{_range(row['injured_min'], row['injured_max'])}; weapons {row['weapons'] or '?'}")
    for p in json.loads(row["perpetrators"] or "[]"):
        echo(f"  perpetrator {p['party'] or p['text']} as alleged by {', '.join(p['alleged_by'])}")
    grade = (f"{row['certainty']} ({'locked' if row['certainty_locked'] else 'by rules'})"
             if row["certainty"] else "not graded yet (run `rescuewatch assess`)")
    echo(f"  certainty {grade}, review {row['review_status']}")
    for line in (row["certainty_rationale"] or "").splitlines():
        echo(f"    {line}")
    for c in claims:
        echo(f"  claim {c['id']}: {c['source_key']} ({c['source_affiliation']}) "
                   f"{c['date_start'] or '?'} {c['place_name'] or c['place_text'] or '?'} "
                   f"killed {_range(c['killed'], c['killed'])} "
                   f"{c['weapon'] or ''} {c['perpetrator_party'] or ''}".rstrip())


@review.command("merge")
@click.argument("incidents", type=ROW_ID, nargs=-1, required=True)
@reason_option
@db_option
def merge_cmd(incidents: tuple[int, ...], reason: str, db: str | None) -> None:
    """Merge incidents into the one with the lowest id.

    \b
    Examples:
      rescuewatch review merge 12 15 --reason "same strike, reported a day apart"
    """
    from rescuewatch.link.review import merge

    target = merge(open_store(db, create=False), list(incidents), reason)
    echo(f"merged into incident {target}")


@review.command("split")
@click.argument("incident", type=ROW_ID)
@click.option("--claims", required=True, help="Comma-separated claim ids to move to a new incident.")
@reason_option
@db_option
def split_cmd(incident: int, claims: str, reason: str, db: str | None) -> None:
    """Move some claims of an incident into a new incident.

    \b
    Examples:
      rescuewatch review split 12 --claims 40,41 --reason "a second strike in the next village"
    """
    from rescuewatch.errors import InputError
    from rescuewatch.link.review import split

    try:
        ids = [int(x) for x in claims.split(",") if x.strip()]
    except ValueError as exc:
        raise InputError(f"claim ids must be integers: {claims[:80]!r}", field="--claims") from exc
    new_id = split(open_store(db, create=False), incident, ids, reason)
    echo(f"claims {', '.join(map(str, ids))} moved to new incident {new_id}")


@review.command("reject")
@click.argument("incident", type=ROW_ID)
@click.option("--claim", "claim_id", type=ROW_ID, default=None,
              help="Reject only this claim of the incident.")
@reason_option
@db_option
def reject_cmd(incident: int, claim_id: int | None, reason: str, db: str | None) -> None:
    """Reject an incident, or one of its claims, for good.

    A rejected incident keeps its claims, its rows and its audit trail, but counts, analyses,
    the report, the web app's lists and the incident exports leave it out (`review list
    --status rejected` lists them). A rejected claim leaves its incident and joins no other.

    \b
    Examples:
      rescuewatch review reject 12 --reason "the report was retracted"
    """
    from rescuewatch.link.review import reject

    reject(open_store(db, create=False), incident, reason, claim_id)
    echo(f"rejected {'claim ' + str(claim_id) + ' of ' if claim_id else ''}incident {incident}")


@review.command("certainty")
@click.argument("incident", type=ROW_ID)
@click.argument("grade", required=False,
                type=click.Choice(["rumour", "possible", "probable", "confirmed"]))
@click.option("--unlock", is_flag=True, help="Return the incident to the grading rules.")
@reason_option
@db_option
def certainty_cmd(incident: int, grade: str | None, unlock: bool, reason: str,
                  db: str | None) -> None:
    """Set (and lock) an incident's certainty grade, or --unlock it.

    \b
    Examples:
      rescuewatch review certainty 12 probable --reason "two independent witnesses"
      rescuewatch review certainty 12 --unlock --reason "back to the rules"
    """
    from rescuewatch.errors import InputError
    from rescuewatch.link.review import set_certainty

    if unlock == (grade is not None):  # both: the grade was dropped without a word
        raise InputError("give a grade or --unlock" + (", not both" if unlock else ""),
                         hint="one of rumour, possible, probable, confirmed")
    after = set_certainty(open_store(db, create=False), incident, grade, reason, unlock=unlock)
    echo(f"incident {incident}: certainty {after['certainty']}"
               f"{' (locked)' if after['certainty_locked'] else ''}")


@click.command()
@click.option("--incident", type=ROW_ID, default=None, help="Only entries about this incident.")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True,
              help="At most this many entries, newest first.")
@db_option
@json_option
def audit(incident: int | None, limit: int, db: str | None, as_json: bool) -> None:
    """Show the audit log: who changed what, when and why, newest first.

    One line per change; --json gives each entry with its values before and after.

    \b
    Examples:
      rescuewatch audit
      rescuewatch audit --incident 12 --json
    """
    from rescuewatch.store.incidents import audit_entries

    entries = audit_entries(open_store(db, create=False), incident_id=incident, limit=limit)
    if as_json:
        for e in entries:
            for key in ("before", "after"):
                e[key] = None if e[key] is None else json.loads(e[key])
        print_json(entries)
        return
    if not entries:
        click.echo("no changes recorded" + (f" for incident {incident}" if incident else ""),
                   err=True)
    for e in entries:
        target = f"{e['entity']} {e['entity_id']}" if e["entity_id"] is not None else e["entity"]
        echo(f"{e['at']:%Y-%m-%d %H:%M:%S}  {e['actor']:<12} {e['action']:<16} {target:<16} "
                   f"{e['reason'] or ''}")


@click.group()
def sources() -> None:
    """Show and edit the source registry (kind, country, affiliation, coverage group).

    Affiliation is a party code: ISO-2 for a state party (UA, RU, IL), <ISO2>-<SHORT> for a
    non-state party (SD-RSF) and for each side of a civil war (SY-GOV, SY-OPP), or
    independent / unknown: the codes the text extractor gives alleged perpetrators.

    \b
    Examples:
      rescuewatch sources list
      rescuewatch sources show tass.ru
      rescuewatch sources set t.me/somechannel --kind channel --affiliation unknown --reason "new"
      rescuewatch sources export -o sources.csv
      rescuewatch sources import sources.csv --reason "reviewed registry v3"
    """


@sources.command("list")
@db_option
@json_option
def sources_list(db: str | None, as_json: bool) -> None:
    """List the store's sources.

    \b
    Examples:
      rescuewatch sources list
      rescuewatch sources list --json
    """
    from rescuewatch.store.incidents import list_sources

    store = open_store(db, create=False)
    with store.engine.connect() as conn:
        rows = list_sources(conn)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no sources yet: `rescuewatch ingest` adds the publishers of what it reads, "
                   "`sources set` and `sources import` describe them", err=True)
    for r in rows:
        echo(f"{r['key'][:40]:<40} {r['kind']:<18} {r['country'] or '-':<3} "
                   f"{r['affiliation']:<12} {r['coverage_group'] or ''}")


@sources.command("show")
@click.argument("key")
@db_option
@json_option
def sources_show(key: str, db: str | None, as_json: bool) -> None:
    """Show one source (and its default registry entry, if any).

    \b
    Examples:
      rescuewatch sources show reuters.com
    """
    from rescuewatch.assess.registry import Registry, default_entries
    from rescuewatch.errors import InputError
    from rescuewatch.store.incidents import get_source

    store = open_store(db, create=False)
    with store.engine.connect() as conn:
        row = get_source(conn, key)
    default = Registry(default_entries()).find(key)
    if row is None and default is None:
        raise InputError(f"no source {key!r} in the store or the default registry",
                         hint="see `rescuewatch sources list`")
    data = {"store": row, "default_registry": None if default is None else default.__dict__}
    if as_json:
        print_json(data)
        return
    for label, value in data.items():
        # aliases as the registry file writes them (a;b), not as a Python tuple
        echo(f"{label}: " + ("-" if value is None else ", ".join(
            f"{k}={';'.join(v) if isinstance(v, tuple | list) else v}"
            for k, v in value.items() if v)))


@sources.command("set")
@click.argument("key")
@click.option("--name", default=None, help="Name of the publisher (default: the key).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default=None, help="Kind of source.")
@click.option("--country", default=None, help="ISO-2 country of the publisher.")
@click.option("--affiliation", default=None, help="Party code, independent or unknown.")
@click.option("--coverage-group", default=None,
              help="Free label grouping outlets for `rescuewatch analyse coverage`.")
@click.option("--aliases", default=None,
              help="Other keys of the publisher, separated by ';' (a domain, a channel, the name "
                   "a report's Source: line gives); \"\" removes them.")
@click.option("--notes", default=None, help="Free notes on the publisher; \"\" removes them.")
@reason_option
@db_option
def sources_set(key: str, name: str | None, kind: str | None, country: str | None,
                affiliation: str | None, coverage_group: str | None, aliases: str | None,
                notes: str | None, reason: str, db: str | None) -> None:
    """Create or change a source (audited).

    \b
    Examples:
      rescuewatch sources set example.org --kind ngo --affiliation independent --reason "checked"
    """
    from rescuewatch.assess.registry import (
        Entry,
        check_affiliation,
        check_country,
        check_length,
        import_entries,
        split_aliases,
    )
    from rescuewatch.store.incidents import get_source

    check_length("key", key, field="")
    check_length("coverage_group", coverage_group, field="--coverage-group")
    check_length("aliases", aliases, field="--aliases")
    check_length("notes", notes, field="--notes")
    if country is not None:
        country = check_country(country, field="--country")
    store = open_store(db, lasting=True)
    with store.engine.connect() as conn:
        current = get_source(conn, key) or {}
    entry = Entry(
        key=key, name=name or current.get("name") or key,
        kind=kind or current.get("kind", "unknown"),
        country=country or current.get("country"),
        affiliation=(check_affiliation(affiliation, field="--affiliation") if affiliation
                     else current.get("affiliation", "unknown")),
        coverage_group=coverage_group if coverage_group is not None else current.get("coverage_group"),
        # kept unless given: a change of kind must not drop what a registry import stored
        aliases=split_aliases(current.get("aliases") if aliases is None else aliases),
        notes=(current.get("notes") if notes is None else notes) or None,
    )
    result = import_entries(store, [entry], reason)
    echo(f"source {key}: {'created' if result['created'] else 'updated' if result['changed'] else 'unchanged'}")


@sources.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@reason_option
@db_option
def sources_import(path: str, reason: str, db: str | None) -> None:
    """Write a registry CSV into the store (key,name,kind,country,affiliation,coverage_group,...).

    A leading ' before = + - @, a tab or a carriage return, as sources export writes it, is
    taken off.

    \b
    Examples:
      rescuewatch sources import sources.csv --reason "reviewed registry v3"
    """
    from rescuewatch.assess.registry import import_entries, read_file

    entries = read_file(path)  # a bad row fails before the store is touched
    result = import_entries(open_store(db, lasting=True), entries, reason)
    echo(f"{path}: {result['created']} source(s) created, {result['changed']} changed")


@sources.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: stdout).")
@db_option
def sources_export(output: str | None, db: str | None) -> None:
    """Write the store's sources as a registry CSV you can version and import again.

    A cell beginning with = + - @, a tab or a carriage return gets a leading ' so that a
    spreadsheet shows it rather than running it; import takes the quote off again.

    \b
    Examples:
      rescuewatch sources export -o sources.csv
    """
    from rescuewatch.assess.registry import export_csv
    from rescuewatch.export.outputs import text_output

    text = export_csv(open_store(db, create=False))
    if output:
        with text_output(output) as fh:  # whole or not at all; never over the store
            fh.write(text)
        echo(f"wrote {output}")
    else:  # the file's very text, for a pipe (escaping would change what is imported back)
        click.echo(text, nl=False)
