"""For a service's own tests: run its program under the SDK's mocks, and check it, as preflight does.

    from preflight.testing import check_stack, run_stack

    capture = run_stack(stack="dev", overrides={"environment": "prod"})
    assert not check_stack(stack="dev").mandatory
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .capture import Capture, Mode
from .check import CheckOptions, check, with_overrides
from .deadline import DEFAULT_TIMEOUT_SECONDS
from .isolated import IsolatedProgram
from .project import load_project, load_stack_config
from .results import CheckResult


def run_stack(program: str | Path = ".", stack: str = "dev", overrides: Mapping[str, Any] | None = None,
              mode: Mode = "preview", timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Capture:
    """Registers the program's resources with the stack file's config, changed by `overrides`.

    Override keys without a namespace get the project's; values that are not strings are passed as
    JSON, as the CLI passes structured config. The program runs in a child process, as in
    `preflight check`, so one that ends its interpreter does not end the test run. Raises
    ProgramError when the program fails or ends the interpreter, TimedOut past `timeout` seconds.
    """
    project = load_project(program)
    config = with_overrides(project, load_stack_config(project, stack), overrides or {})
    with IsolatedProgram(project.directory, project.main, project.name, stack, config.values, config.secret_keys,
                         mode, timeout=timeout) as run:
        return run.capture()


def check_stack(program: str | Path = ".", stack: str = "dev", mode: Mode = "preview",
                pack_configs: list[Path] | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                overrides: Mapping[str, Any] | None = None) -> CheckResult:
    """The offline verdict for a stack: the program under mocks, checked by its `policies/` pack.

    `overrides` changes the stack file's config as in run_stack, e.g. to check another compute kind.
    """
    return check(CheckOptions(Path(program), stack, pack_configs=list(pack_configs or []), mode=mode,
                              timeout=timeout, overrides=dict(overrides or {})))
