"""The documentation stays true: quick start, CI, and every command documented."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from rescuewatch.cli import COMMANDS, cli
from tests.conftest import ROOT

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


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_examples(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    if result.exit_code == 2 and "No such command" in result.output:
        pytest.skip(f"{name} is not implemented in this build")
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_examples_are_credited() -> None:
    credits = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "examples").rglob("*")):
        if path.is_file() and path.name != "README.md":
            assert path.name in credits or path.parent.name in credits, f"{path} has no credit"
