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
