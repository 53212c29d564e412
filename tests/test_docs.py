"""The documentation stays true: quick start, CI, and every command documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from rescuewatch.cli import COMMANDS, cli
from tests.conftest import ROOT, Invoker

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_lines() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quick_start_has_two_commands_and_ci_runs_the_second() -> None:
    lines = quick_start_lines()
    assert len(lines) == 2
    assert "rescuewatch run examples/" in lines[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert lines[1] in ci.splitlines(), ".ci/run must run the README's test command as written"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"rescuewatch {name}" in README


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand, as the words typed after ``rescuewatch``."""
    paths: list[tuple[str, ...]] = []
    ctx = click.Context(cli)
    for name in sorted(COMMANDS):
        command = cli.get_command(ctx, name)
        assert command is not None, f"{name} is listed but cannot be imported"
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in command.list_commands(ctx)]
    return paths


CLI_REFERENCE = ROOT / "docs" / "cli.md"
CLI_REFERENCE_INTRO = """# Command reference

The `--help` of every command and subcommand, as `rescuewatch` prints it. This page is
generated: after changing a command, run `python -m tests.test_docs` from the repository's
root to write it again (`tests/test_docs.py` fails while it is out of date).
"""


def _help_of(words: tuple[str, ...]) -> str:
    """``rescuewatch WORDS --help`` at 80 columns, whatever the terminal."""
    ctx = click.Context(cli, info_name="rescuewatch", terminal_width=80, max_content_width=80,
                        **cli.context_settings)
    command: click.Command = cli
    for word in words:
        assert isinstance(command, click.Group)
        sub = command.get_command(ctx, word)
        assert sub is not None, word
        command, ctx = sub, click.Context(sub, info_name=word, parent=ctx)
    return command.get_help(ctx)


def cli_reference() -> str:
    """docs/cli.md: every command's help, so that every option is documented and stays true."""
    parts = [CLI_REFERENCE_INTRO]
    in_help_order = sorted(_command_paths(), key=lambda words: list(COMMANDS).index(words[0]))
    for words in [(), *in_help_order]:
        title = " ".join(("rescuewatch", *words))
        parts.append(f"## `{title}`\n\n```text\n{_help_of(words)}\n```\n")
    return "\n".join(parts)


def test_the_command_reference_is_up_to_date() -> None:
    assert CLI_REFERENCE.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is out of date: run `python -m tests.test_docs`")


def test_the_readme_points_to_the_command_reference() -> None:
    assert "docs/cli.md" in README


@pytest.mark.parametrize("words", _command_paths(), ids=" ".join)
def test_every_command_has_help_with_examples(words: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"rescuewatch {' '.join(words)} --help has no examples"


def test_examples_are_credited() -> None:
    credits = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "examples").rglob("*")):
        if path.is_file() and path.name != "README.md":
            assert path.name in credits or path.parent.name in credits, f"{path} has no credit"


def test_python_example_in_the_readme_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = Invoker(f"sqlite:///{tmp_path / 'rescuewatch.db'}")(
        "run", str(ROOT / "examples"), "--no-report")
    assert result.exit_code == 0, result.output
    snippet = README.split("## From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)  # the README's own code, not input
    assert len(namespace["events"]) > 0
    assert namespace["knox"].to_json()["n"] > 0


def test_every_linking_weight_is_documented() -> None:
    import dataclasses

    from rescuewatch.link.score import Weights

    doc = (ROOT / "docs" / "linking.md").read_text(encoding="utf-8")
    missing = [f.name for f in dataclasses.fields(Weights) if f"`{f.name}`" not in doc]
    assert not missing, f"docs/linking.md does not explain {missing}"


if __name__ == "__main__":
    CLI_REFERENCE.write_text(cli_reference(), encoding="utf-8")


def test_the_help_examples_do_not_all_filter_one_sides_country() -> None:
    """Every --country example named UA: the examples read as if the tool were about one war."""
    cli_md = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    examples = re.findall(r"^\s+rescuewatch .*--country ([A-Z]{2})\b", cli_md, flags=re.M)
    assert examples and max(examples.count(c) for c in set(examples)) <= len(examples) // 2
