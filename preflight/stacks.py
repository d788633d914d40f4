"""Several stacks of one program in one run: `--stack` repeated, or `--all-stacks`.

Every stack file and policy config file is read before anything runs, so a mistake in the last one
stops the run before the first is checked. The stacks are then checked one after the other, each
program in a child forked from this process, which imports the provider SDKs the program names once
(warm.py) while the first stack's packs boot. A stack that cannot be checked stops the run (exit 2):
there is no partial verdict.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .capture import ProgramError
from .check import CheckOptions, check
from .errors import PreflightInputError
from .policy_config import load_config_file
from .project import Project, available_stacks, load_project, load_stack_config
from .results import CheckResult
from .warm import preimport

STACK_PLACEHOLDER = "{stack}"


def stack_names(project: Project, given: list[str], all_stacks: bool) -> list[str]:
    """The stacks to check, in order, each once; `--all-stacks` is every stack file of the project."""
    if all_stacks:
        found = available_stacks(project)
        if not found:
            raise PreflightInputError(f"{project.stack_config_dir}: --all-stacks found no stack file "
                                      "(Pulumi.<stack>.yaml)")
        return found
    if not given:
        raise PreflightInputError("no stack to check: give --stack NAME (repeatable) or --all-stacks")
    return list(dict.fromkeys(given))


def stack_configs(pack_configs: list[Path], stack: str) -> list[Path | None]:
    """The policy config files for one stack: `{stack}` in a path names each stack's own file, and a stack
    that has none gets no config for that pack (the Nth file still applies to the Nth pack)."""
    chosen: list[Path | None] = []
    for path in pack_configs:
        if STACK_PLACEHOLDER not in str(path):
            chosen.append(path)
            continue
        own = Path(str(path).replace(STACK_PLACEHOLDER, stack))
        chosen.append(own if own.exists() else None)
    return chosen


def read_all(options: CheckOptions, stacks: list[str]) -> Project:
    """Refuses a bad stack file or policy config file of any stack before anything runs."""
    project = load_project(options.program)
    for stack in stacks:
        load_stack_config(project, stack)
        for path in stack_configs(options.pack_configs, stack):
            if path is not None:
                load_config_file(path)
    return project


def check_stacks(options: CheckOptions, stacks: list[str]) -> list[CheckResult]:
    """Each stack's verdict, in order; raises what `check` raises, for the first stack that cannot be checked."""
    project = read_all(options, stacks)
    results = []
    for index, stack in enumerate(stacks):
        warm = (lambda: preimport(project.directory)) if index == 0 and len(stacks) > 1 else None
        try:
            results.append(check(replace(options, stack=stack,
                                         pack_configs=stack_configs(options.pack_configs, stack)), before_fork=warm))
        except (ProgramError, PreflightInputError) as err:
            if len(stacks) > 1:  # say which stack, in the one line the CLI prints
                err.args = (f"stack {stack}: {err}", *err.args[1:])
            raise
    return results
