"""The README's promises hold: two quickstart commands, CI runs the second, generated docs are current."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def quickstart_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_the_quickstart_is_exactly_two_one_line_commands():
    commands = quickstart_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert commands[0].endswith("python -m preflight check --stack dev")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readmes_test_command_and_fails_on_any_nonzero_exit():
    script = (REPO / ".ci" / "run").read_text()
    assert quickstart_commands()[1] in script.splitlines()
    assert "set -eu" in script


def test_generated_documentation_is_current():
    result = subprocess.run([sys.executable, "docs/generate.py", "--check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
