"""A Pulumi project and its stack config, read the way the CLI hands them to a Python program.

The CLI passes config as a map of "namespace:key" to string: scalars as text, objects and lists
as JSON. Encrypted (`secure:`) values cannot be decrypted offline; they become a placeholder and
their keys are marked secret, so the program treats them as secrets.

Both files are read strictly (see strict_yaml): anything the CLI would refuse, or read
differently from what the file seems to say, stops the check with the file, key and line.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soc2_policies.conventions import is_credential_key

from . import strict_yaml
from .errors import PreflightInputError  # noqa: F401  other modules import it from here

SECRET_PLACEHOLDER = "[secret: not decrypted offline]"
CONFIG_ENV_LIMIT = 128 * 1024
"""Linux's limit on one environment string (MAX_ARG_STRLEN). The CLI hands config to the program, and
preflight to each policy pack, as PULUMI_CONFIG=<JSON>; a larger config cannot start either."""
CONFIG_ENV_NAME = "PULUMI_CONFIG"


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
    warnings: tuple[str, ...] = ()
    """Problems worth a reviewer's eye that do not stop the check: credentials in plain text."""
    plaintext_credentials: frozenset[str] = frozenset()
    """The plain values of credential-looking keys: flagged, and never written to a report."""

    def relative_file(self, project: Project) -> str:
        return self.file.relative_to(project.directory).as_posix()


def load_project(directory: str | Path) -> Project:
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise PreflightInputError(f"{directory}: not a directory; --program must point at a Pulumi project")
    project_file = directory / "Pulumi.yaml"
    if not project_file.is_file():
        raise PreflightInputError(f"{directory}: no Pulumi.yaml; --program must point at a Pulumi project")
    shown = str(project_file)
    data, node = strict_yaml.load(project_file, shown)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise PreflightInputError(f"{shown}: must be a mapping of settings (name, runtime, main...)")
    at = lambda *path: _Place.of(shown, node, *path)  # noqa: E731
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise at("name").error("needs a `name`: a non-empty string")
    runtime_name = _runtime_name(data.get("runtime"), at("runtime"))
    if runtime_name != "python":
        raise PreflightInputError(f"{shown}: runtime {runtime_name!r}; preflight runs Python programs only")
    for key in ("main", "stackConfigDir"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise at(key).error(f"`{key}` must be a path (a string), not {_shape(data[key])}")
    main = directory / (data.get("main") or ".")
    if not main.exists():
        raise PreflightInputError(f"{shown}: main {data.get('main')!r} does not exist")
    if main.is_dir() and not (main / "__main__.py").is_file():
        raise PreflightInputError(f"{main}: no __main__.py to run")
    return Project(directory, name, main.resolve(), directory / (data.get("stackConfigDir") or "."),
                   _project_defaults(data.get("config"), name, shown, node))


def _runtime_name(runtime: Any, at: _Place) -> Any:
    if isinstance(runtime, dict):
        if not isinstance(runtime.get("name"), str):
            raise at.error("`runtime.name` must be a string such as python")
        if runtime.get("options") is not None and not isinstance(runtime["options"], dict):
            raise at.error(f"`runtime.options` must be a mapping, not {_shape(runtime['options'])}")
        return runtime["name"]
    if runtime is not None and not isinstance(runtime, str):
        raise at.error(f"`runtime` must be a string or a mapping with a name, not {_shape(runtime)}")
    return runtime


def _project_defaults(config: Any, project: str, shown: str, node: Any) -> dict[str, str]:
    """Project-level config: plain values, or declarations whose `default` (or `value`) applies."""
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise _Place.of(shown, node, "config").error(f"`config` must be a mapping of keys to values, "
                                                      f"not {_shape(config)}")
    defaults = {}
    for key, spec in config.items():
        at = _Place.of(shown, node, "config", key)
        full = _full_key(key, project, at)
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        if spec is None:
            raise at.error(_empty_value(full))
        if value is not None:
            _check_value(value, at, full)
            defaults[full] = _as_config_string(value)
    return defaults


def available_stacks(project: Project) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project.stack_config_dir.glob("Pulumi.*.yaml"))


def load_stack_config(project: Project, stack: str) -> StackConfig:
    path = project.stack_config_dir / f"Pulumi.{stack}.yaml"
    shown = _shown(project, path)
    if not path.is_file():
        known = ", ".join(available_stacks(project)) or "none"
        raise PreflightInputError(f"{shown}: no such stack file; stacks here: {known}")
    data, node = strict_yaml.load(path, shown)
    data = {} if data is None else data
    config = data.get("config") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(config if config is not None else {}, dict):
        raise _Place.of(shown, node, "config").error("`config` must be a mapping of keys to values")
    notes = []
    if data.get("environment"):
        notes.append("ESC environments imported by the stack are not resolved offline")
    values, secret, lines = dict(project.defaults), set(), {}
    budget = CONFIG_ENV_LIMIT
    for key, value in (config or {}).items():
        at = _Place.of(shown, node, "config", key)
        full = _full_key(key, project.name, at)
        if full in lines:
            raise at.error(f"{key} is the key {full}, already set at line {lines[full]}")
        lines[full] = at.line
        if value is None:
            raise at.error(_empty_value(full))
        budget -= _encoded_size(value, budget)
        if budget < 0:
            raise at.error(_too_large(full))
        _check_value(value, at, full)
        plain, had_secret = _decrypt_offline(value)
        values[full] = _as_config_string(plain)
        if had_secret:
            secret.add(full)
    _check_size(values, shown, lines)
    warnings, credentials = _plaintext_credentials(config or {}, project.name, shown, node)
    return StackConfig(stack, path, values, frozenset(secret), tuple(notes), warnings, credentials)


def _full_key(key: str, project: str, at: _Place) -> str:
    """`namespace:name` as the CLI parses it; a bare name is the project's, `ns:config:name` is `ns:name`."""
    parts = key.split(":")
    if len(parts) == 3 and parts[1] == "config":
        parts = [parts[0], parts[2]]
    if len(parts) == 1:
        parts = [project, key]
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise at.error(f"{key!r} is not a config key; keys are `<namespace>:<name>`, such as aws:region")
    return ":".join(parts)


def _empty_value(key: str) -> str:
    # The CLI reads an empty value as "" (and is adding a warning, pulumi/pulumi#19483): a half-written
    # key would then pass as set. Preflight asks for the value, or an explicit "".
    return (f"{key} has no value; write one, or \"\" for an empty string "
            "(the Pulumi CLI would pass an empty string)")


def _check_value(value: Any, at: _Place, key: str, path: str = "") -> None:
    """Values become strings or JSON: JSON's types (and YAML dates, which the CLI passes as text) only."""
    shown = f"{key}{path}"
    if isinstance(value, float) and not math.isfinite(value):
        raise at.error(f"{shown} = {value}: not a finite number; JSON has no infinity or NaN")
    if isinstance(value, dict):
        for name, item in value.items():
            _check_value(item, at, key, f"{path}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, at, key, f"{path}[{index}]")
    elif value is not None and not isinstance(value, (str, int, float, dt.date)):
        raise at.error(f"{shown} is {_shape(value)}; allowed: text, numbers, booleans, lists and mappings")


def _encoded_size(value: Any, budget: int) -> int:
    """Roughly the JSON size of `value`, counted only until it passes `budget`: YAML aliases can make a
    small file's value exponentially large, so nothing may expand it before it is known to fit."""
    total, pending = 0, [value]
    while pending and total <= budget:
        item = pending.pop()
        if isinstance(item, dict):
            total += 2 + sum(len(str(k)) + 4 for k in item)
            pending.extend(item.values())
        elif isinstance(item, list):
            total += 2 + len(item)
            pending.extend(item)
        else:
            total += len(str(item)) + 2
    return total


def _check_size(values: dict[str, str], shown: str, lines: dict[str, int | None]) -> None:
    # Encoded as check.pack_environment encodes it for the pack (json.dumps, sort_keys).
    size = len(f"{CONFIG_ENV_NAME}=".encode()) + len(json.dumps(values, sort_keys=True).encode()) + 1
    if size > CONFIG_ENV_LIMIT:
        largest = max(values, key=lambda k: len(values[k]))
        line = lines.get(largest)
        raise _Place(shown, line).error(_too_large(largest, size))


def _too_large(key: str, size: int | None = None) -> str:
    measured = f"{size // 1024} KiB" if size else f"over {CONFIG_ENV_LIMIT // 1024} KiB"
    return (f"{key}: with this key the stack's config is {measured} as {CONFIG_ENV_NAME}; one environment "
            f"variable holds at most {CONFIG_ENV_LIMIT // 1024} KiB, so neither the program nor a policy pack could "
            "start. Keep large data in files the program reads")


def _plaintext_credentials(config: dict[str, Any], project: str, shown: str,
                           node: Any) -> tuple[tuple[str, ...], frozenset[str]]:
    warnings, values = [], set()
    for key, value in config.items():
        at = _Place.of(shown, node, "config", key)
        full = _full_key(key, project, at)
        for path, plain in _credential_values(value, full):
            values.add(plain)
            command = f"--path {path}" if path != full else full
            warnings.append(at.message(f"{path} holds a credential in plain text; encrypt it with `pulumi config set "
                                       f"--secret {command} <value>` (its value is redacted from every report)"))
    return tuple(warnings), frozenset(values)


def _credential_values(value: Any, path: str) -> list[tuple[str, str]]:
    """(path, plaintext) for every plain scalar under a credential-looking key; `secure:` values are encrypted."""
    name = path.rsplit(".", 1)[-1]
    if isinstance(value, dict) and set(value) == {"secure"}:
        return []
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _credential_values(v, f"{path}.{k}")]
    if not is_credential_key(name):
        if isinstance(value, list):
            return [found for i, v in enumerate(value) for found in _credential_values(v, f"{path}.{i}")]
        return []
    leaves = value if isinstance(value, list) else [value]
    return [(path, str(leaf)) for leaf in leaves
            if isinstance(leaf, (str, int, float)) and not isinstance(leaf, bool) and str(leaf).strip()]


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


def _shape(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "empty", bytes: "binary data"}
    return next((label for kind, label in names.items() if type(value) is kind), f"a {type(value).__name__}")


@dataclass(frozen=True)
class _Place:
    """A file and, where YAML gives one, the line of a key: every message names them."""

    file: str
    line: int | None

    @classmethod
    def of(cls, shown: str, node: Any, *path: str) -> "_Place":
        return cls(shown, strict_yaml.key_line(node, *path))

    def message(self, text: str) -> str:
        return f"{self.file}: {text}" + (f" (line {self.line})" if self.line else "")

    def error(self, text: str) -> PreflightInputError:
        return PreflightInputError(self.message(text))


def _shown(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.directory).as_posix()
    except ValueError:
        return str(path)
