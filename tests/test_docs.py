"""The README documents every command, and every command documents itself.

Walks the click group `ficlens.cli.main` (subgroups such as `eval` included), so a
command added later without a README example or a `--help` description fails here.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from ficlens.cli import main

README = ROOT / "README.md"


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subgroup under `group`, as name paths: ("info",), ("eval", "pdnc")."""
    paths = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
    return paths


COMMANDS = command_paths(main)


def lookup(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_the_walk_finds_the_known_commands():
    # Guards the walk itself: if it found nothing, the tests below would pass vacuously.
    assert {("info",), ("text",), ("analyze",), ("eval",), ("eval", "pdnc")} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_readme_shows_every_command(path):
    invocation = "ficlens " + " ".join(path)
    assert invocation in README.read_text("utf-8"), f"README.md never shows `{invocation}`"


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(("ficlens", *p)))
def test_help_runs_and_describes_the_command(path):
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="ficlens", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(('ficlens', *path))} ")
    description = (lookup(path).help or "").strip()
    assert description, f"`ficlens {' '.join(path)}` has no description"
    # The docstring's first paragraph is what --help shows above the options (rewrapped).
    first_paragraph = description.split("\n\n")[0]
    assert " ".join(first_paragraph.split()) in " ".join(result.output.split())
