"""Gather the per-area result fragments (``benchmarks/<area>/RESULTS-<area>.md``) into RESULTS.md.

Each benchmark script writes or updates its own fragment; this keeps ``RESULTS.md`` the one
page to read. The summary at the top (``SUMMARY.md``) is written by hand, because it says
which targets are met and what was left alone.

Usage: ``python benchmarks/collect_results.py``
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("ingest", "export", "geo", "extraction", "linking", "knox", "analysis", "report")


def fragments() -> list[Path]:
    """The fragments in pipeline order, then any other area alphabetically."""
    found = sorted(HERE.glob("*/RESULTS-*.md"))
    rank = {area: i for i, area in enumerate(ORDER)}
    return sorted(found, key=lambda p: (rank.get(p.parent.name, len(ORDER)), str(p)))


def main() -> None:
    parts = [(HERE / "SUMMARY.md").read_text(encoding="utf-8").rstrip()]
    for path in fragments():
        text = path.read_text(encoding="utf-8").strip()
        parts.append(f"<!-- from {path.relative_to(HERE)} -->\n{text}")
    (HERE / "RESULTS.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'} from {len(parts) - 1} fragments")


if __name__ == "__main__":
    main()
