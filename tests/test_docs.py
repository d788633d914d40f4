"""The README's promises hold: two quickstart commands, CI runs the second, generated docs are current."""

from __future__ import annotations

import os
import re
import shutil
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


def test_the_test_command_installs_the_system_tools_first_and_a_run_with_no_tests_fails(tmp_path):
    """.ci/run's exit is pytest's: 5 ("no tests collected") fails CI like any failure."""
    assert quickstart_commands()[1].startswith(".ci/install && ")
    (tmp_path / ".ci").mkdir()
    shutil.copy(REPO / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / ".ci" / "install").write_text("#!/bin/sh\nexit 0\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # python3 -m venv .venv makes a pip that succeeds and a python whose pytest collects nothing.
    (bin_dir / "python3").write_text('#!/bin/sh\nmkdir -p .venv/bin\nprintf "#!/bin/sh\\nexit 0\\n" > .venv/bin/pip\n'
                                     'printf "#!/bin/sh\\nexit 5\\n" > .venv/bin/python\nchmod +x .venv/bin/*\n')
    for script in (tmp_path / ".ci" / "install", bin_dir / "python3"):
        script.chmod(0o755)
    result = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 5, result.stderr


def test_generated_documentation_is_current():
    result = subprocess.run([sys.executable, "docs/generate.py", "--check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
