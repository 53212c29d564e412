"""``rescuewatch extract``: print the claims found in documents, without touching a store."""

from __future__ import annotations

import datetime as dt
import json

import click

from rescuewatch.cli.common import DAY, known_encoding


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "out_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per claim, as described by the JSON Schema "
                   "rescuewatch/extract/claim.schema.json.")
@click.option("--input-format", "fmt", type=click.Choice(["auto", "text", "html", "telegram"]),
              default="auto", show_default=True, help="Input format; auto detects it from the content.")
@click.option("--published", type=DAY, default=None,
              help="Publication date for documents that carry none (YYYY-MM-DD); relative dates "
                   "('yesterday', 'в понедельник') resolve against it.")
@click.option("--lang", type=click.Choice(["auto", "en", "ru", "uk"]), default="auto", show_default=True,
              help="Language of the documents.")
@click.option("--encoding", default=None, callback=known_encoding,
              help="Text encoding when not UTF-8 (e.g. cp1251).")
def extract(paths: tuple[str, ...], out_format: str, fmt: str, published: dt.datetime | None,
            lang: str, encoding: str | None) -> None:
    """Print the claims found in documents, one JSON object per line.

    Reads text, Markdown, HTML and Telegram exports; finds attacks on medical and rescue
    workers in English, Russian and Ukrainian: victims by category with killed/injured
    counts, date, place, weapon, repeat strike, the perpetrator as the source alleges it, and
    the evidence spans. Unknown values are null. Nothing is written to a database.

    \b
    Examples:
      rescuewatch extract examples/reports/*.txt
      rescuewatch extract post.txt --published 2024-03-07 --lang uk
      rescuewatch extract result.json --input-format telegram | jq .victims
    """
    from rescuewatch.ingest.base import ReadContext
    from rescuewatch.ingest.pipeline import iter_parcels

    ctx = ReadContext(published=published.date() if published else None,
                      lang=None if lang == "auto" else lang, encoding=encoding)
    for _, parcel in iter_parcels(list(paths), fmt=fmt, ctx=ctx):
        document = {"path": parcel.origin, "sha256": parcel.sha256, "language": parcel.language}
        for claim in parcel.claims:
            click.echo(json.dumps(claim.to_contract(document), ensure_ascii=False))
