"""A Pulumi project and its stack config, read the way the CLI hands them to a Python program.

The CLI passes config as a map of "namespace:key" to string: scalars as text, objects and lists
as JSON. Encrypted (`secure:`) values cannot be decrypted offline; they become a placeholder and
their keys are marked secret, so the program treats them as secrets.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "[secret: not decrypted offline]"


class PreflightInputError(Exception):
    """Input that stops a check before it runs (exit 2): a bad path, project, stack or config file."""


@dataclass(frozen=True)
class Project:
    directory: Path
    name: str
    main: Path
    stack_config_dir: Path
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StackConfig:
    stack: str
    file: Path
    values: dict[str, str]
    secret_keys: frozenset[str]
    notes: tuple[str, ...] = ()

    def relative_file(self, project: Project) -> str:
        return self.file.relative_to(project.directory).as_posix()


def load_project(directory: str | Path) -> Project:
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise PreflightInputError(f"{directory}: not a directory; --program must point at a Pulumi project")
    project_file = directory / "Pulumi.yaml"
    if not project_file.is_file():
        raise PreflightInputError(f"{directory}: no Pulumi.yaml; --program must point at a Pulumi project")
    try:
        data = yaml.safe_load(project_file.read_text()) or {}
    except yaml.YAMLError as err:
        raise PreflightInputError(f"{project_file}: not valid YAML ({err.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise PreflightInputError(f"{project_file}: needs a `name`")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PreflightInputError(f"{project_file}: runtime {runtime_name!r}; preflight runs Python programs only")
    main = directory / str(data.get("main") or ".")
    if not main.exists():
        raise PreflightInputError(f"{project_file}: main {data.get('main')!r} does not exist")
    if main.is_dir() and not (main / "__main__.py").is_file():
        raise PreflightInputError(f"{main}: no __main__.py to run")
    name = data["name"]
    defaults = {}
    for key, spec in (data.get("config") or {}).items():
        full = key if ":" in key else f"{name}:{key}"
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        if value is not None:
            defaults[full] = _as_config_string(value)
    return Project(directory, name, main.resolve(), directory / str(data.get("stackConfigDir") or "."), defaults)


def available_stacks(project: Project) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project.stack_config_dir.glob("Pulumi.*.yaml"))


def load_stack_config(project: Project, stack: str) -> StackConfig:
    path = project.stack_config_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = ", ".join(available_stacks(project)) or "none"
        raise PreflightInputError(f"{_shown(project, path)}: no such stack file; stacks here: {known}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise PreflightInputError(f"{_shown(project, path)}: not valid YAML ({err.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("config") or {}, dict):
        raise PreflightInputError(f"{_shown(project, path)}: `config` must be a mapping of keys to values")
    notes = []
    if data.get("environment"):
        notes.append("ESC environments imported by the stack are not resolved offline")
    values, secret = dict(project.defaults), set()
    for key, value in (data.get("config") or {}).items():
        full = key if ":" in key else f"{project.name}:{key}"
        plain, had_secret = _decrypt_offline(value)
        values[full] = _as_config_string(plain)
        if had_secret:
            secret.add(full)
    return StackConfig(stack, path, values, frozenset(secret), tuple(notes))


def _decrypt_offline(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict) and set(value) == {"secure"}:
        return SECRET_PLACEHOLDER, True
    if isinstance(value, dict):
        pairs = {k: _decrypt_offline(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        pairs = [_decrypt_offline(v) for v in value]
        return [v for v, _ in pairs], any(s for _, s in pairs)
    return value, False


def _as_config_string(value: Any) -> str:
    """The string the CLI gives a program for a config value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    return str(value)


def _shown(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.directory).as_posix()
    except ValueError:
        return str(path)
