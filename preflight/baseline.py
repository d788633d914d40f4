"""The baseline a check is compared with: a previous JSON report (`--baseline FILE`), or the verdict of a git
ref (`--baseline-ref GITREF`) checked first in a temporary worktree, removed afterwards whatever happens.

The ref's program and stack files are checked by this run's policy packs and policy config, so the
delta shows what the change does to the infrastructure; a policy made stricter in the same change
reports the resources it newly flags as unchanged, the backlog they were. A stack with no stack file
at the ref has no baseline: all its findings are new.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from .capture import ProgramError
from .check import CheckOptions, default_packs
from .delta import compare, load_baseline
from .errors import PreflightInputError
from .project import available_stacks, load_project
from .results import CheckResult
from .stacks import check_stacks

GIT_SECONDS = 120
Baseline = tuple[str, dict[str, list[dict[str, Any]]]]
"""What is compared against (for reports), and each stack's findings in it."""


def from_file(path: Path) -> Baseline:
    return str(path), load_baseline(path)


def from_ref(ref: str, options: CheckOptions, stacks: list[str]) -> Baseline:
    """Checks `stacks` at `ref` with this run's packs and config; raises PreflightInputError naming the ref."""
    program = Path(options.program).resolve()
    top = Path(_git(program, ["rev-parse", "--show-toplevel"], f"--baseline-ref {ref}: {program} is not in a git "
                    "repository"))
    commit = _git(top, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
                  f"--baseline-ref {ref}: not a commit, branch or tag of {top}")
    packs = [Path(p).resolve() for p in options.packs] or default_packs(program)
    configs = [Path(p).resolve() for p in options.pack_configs]
    label = f"{ref} ({commit[:12]})"
    with worktree(top, commit) as tree:
        at_ref = replace(options, program=tree / program.relative_to(top), packs=packs, pack_configs=configs)
        present = set(available_stacks(load_project(at_ref.program))) if at_ref.program.is_dir() else set()
        try:
            results = check_stacks(at_ref, [s for s in stacks if s in present]) if present & set(stacks) else []
        except (ProgramError, PreflightInputError) as err:
            raise PreflightInputError(f"--baseline-ref {ref}: checking the baseline failed: {err}") from None
    return label, {r.capture.stack: [f.to_json() for f in r.findings] for r in results}


def apply(results: list[CheckResult], baseline: Baseline) -> None:
    """Sets each result's delta against its stack's findings in the baseline."""
    label, by_stack = baseline
    for result in results:
        stack = result.capture.stack
        shown = label if stack in by_stack else f"{label}, which has no stack {stack}: every finding is new"
        result.delta = compare(result.findings, by_stack.get(stack, []), shown)


@contextmanager
def worktree(top: Path, commit: str) -> Iterator[Path]:
    """A detached worktree of `commit` in a temporary directory, removed (and unregistered) on the way out."""
    parent = Path(tempfile.mkdtemp(prefix="preflight-baseline-"))
    tree = parent / "tree"
    try:
        _git(top, ["worktree", "add", "--detach", "--quiet", str(tree), commit], f"cannot check out {commit}")
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=top, capture_output=True,
                       timeout=GIT_SECONDS)
        shutil.rmtree(parent, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=top, capture_output=True, timeout=GIT_SECONDS)


def _git(directory: Path, args: list[str], failure: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, timeout=GIT_SECONDS)
    except (OSError, subprocess.SubprocessError) as err:
        raise PreflightInputError(f"{failure} (git: {err})") from None
    if done.returncode != 0:
        raise PreflightInputError(failure)
    return done.stdout.strip()
