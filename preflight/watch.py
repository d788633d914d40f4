"""`preflight check --watch`: a verdict after every change, from one process kept alive.

The process imports the provider SDKs the program names once (warm.py) and keeps each stack's policy
packs running. When a source file of the program, a stack file or a policy config file changes, it
forks a fresh child for the program and configures the same packs again (ConfigureStack, Configure),
so a verdict costs the program's own run and the policies, not the imports and the packs' start-up.
A change to a pack's own files, or to a stack's config (which a pack is given when it starts),
restarts that stack's packs. A run that fails (the program raised, a bad config) prints its one line
and the watch goes on; Ctrl-C ends it.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Callable, NoReturn

from .analyzer import PolicyPack
from .capture import ProgramError
from .check import CheckOptions, check, default_packs, pack_environment
from .errors import PreflightInputError
from .project import load_project, load_stack_config
from .results import CheckResult
from .stacks import read_all, stack_configs
from .warm import SKIPPED_DIRECTORIES, preimport

POLL_SECONDS = 0.1


def files_under(directory: Path) -> list[Path]:
    """Every file of a program or pack directory, but virtualenvs, dependencies and hidden directories."""
    found = []
    for folder, directories, files in os.walk(directory):
        directories[:] = [d for d in directories if d not in SKIPPED_DIRECTORIES - {"tests"} and not d.startswith(".")]
        found += [Path(folder) / name for name in files if not name.endswith((".pyc", ".partial"))]
    return found


def snapshot(paths: list[Path]) -> dict[Path, int]:
    stamps = {}
    for path in paths:
        try:
            stamps[path] = path.stat().st_mtime_ns
        except OSError:
            stamps[path] = -1
    return stamps


class Watch:
    def __init__(self, options: CheckOptions, stacks: list[str], emit: Callable[[list[CheckResult]], object],
                 after: Callable[[list[CheckResult]], None] = lambda results: None):
        self.project = read_all(options, stacks)
        self.options, self.stacks, self.emit, self.after = options, stacks, emit, after
        self.packs_paths = [Path(p) for p in options.packs] or default_packs(self.project.directory)
        self.running: dict[str, tuple[object, list[PolicyPack]]] = {}

    def watched(self) -> tuple[list[Path], list[Path]]:
        """(the program's files, its stack files and config files; the packs' files)"""
        program = files_under(self.project.directory)
        configs = [p for s in self.stacks for p in stack_configs(self.options.pack_configs, s) if p is not None]
        packs = [f for directory in self.packs_paths for f in files_under(Path(directory))]
        return program + configs, packs

    def run_forever(self) -> NoReturn:
        with ExitStack() as packs:
            warmed = preimport(self.project.directory)
            print(f"preflight: watching {self.project.directory} (providers imported in {warmed:.1f} s); "
                  "Ctrl-C stops", file=sys.stderr)
            program, pack_files = self.watched()
            seen, seen_packs = snapshot(program), snapshot(pack_files)
            while True:
                started = time.perf_counter()
                self.once(packs)
                print(f"preflight: verdict {time.perf_counter() - started:.2f} s after the change was seen; "
                      "watching for the next", file=sys.stderr)
                # The one-shot command runs without cyclic collection (cli.run); a process kept alive would grow
                # with every run's garbage, and each fork would copy more. Collected after the verdict, then frozen,
                # so the next run's child shares the parent's pages and never scans them.
                gc.collect()
                gc.freeze()
                while True:
                    time.sleep(POLL_SECONDS)
                    program, pack_files = self.watched()
                    now, now_packs = snapshot(program), snapshot(pack_files)
                    if now_packs != seen_packs:
                        self._restart(packs)
                    if now != seen or now_packs != seen_packs:
                        seen, seen_packs = now, now_packs
                        break

    def once(self, packs: ExitStack) -> None:
        try:
            results = [self._check(stack, packs) for stack in self.stacks]
        except (ProgramError, PreflightInputError) as err:
            print(f"preflight: {err}", file=sys.stderr)
            self._restart(packs)  # a pack that failed is not trusted again
            return
        self.after(results)
        self.emit(results)
        sys.stdout.flush()

    def _check(self, stack: str, packs: ExitStack) -> CheckResult:
        options = replace(self.options, stack=stack, pack_configs=stack_configs(self.options.pack_configs, stack))
        config = load_stack_config(load_project(options.program), stack)
        started = self.running.get(stack)
        if started is None or started[0] != config.values:
            for pack in started[1] if started else []:
                pack.close()
            env = pack_environment(self.project.name, stack, config.values, options.mode)
            running = [packs.enter_context(PolicyPack(p, env, options.timeout)) for p in self.packs_paths]
            self.running[stack] = started = (config.values, running)
        return check(options, running_packs=started[1])

    def _restart(self, packs: ExitStack) -> None:
        """Stops every pack; the next run starts them again."""
        self.running.clear()
        packs.close()
