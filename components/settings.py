"""Reads a stack's configuration into frozen, typed settings.

This is the only module that reads Pulumi config. A bad value raises `SettingsError` before the
program registers any resource, with one line naming the stack file, the key, the value and what
is allowed. The same reader serves the baseline and services made from the template.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pulumi
import yaml
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic.alias_generators import to_camel

SECRET_MARK = "[secret]"


class SettingsError(Exception):
    """A stack setting is missing, mistyped, out of range or unknown."""

    # preflight prints only the message of errors that carry this mark (no traceback), and exits 2.
    is_settings_error = True

    def __init__(self, stack_file: str, key: str, value: str, problem: str, allowed: str):
        self.stack_file, self.key, self.value = stack_file, key, value
        self.problem, self.allowed = problem, allowed
        super().__init__(f"{stack_file}: {key} = {value}: {problem}; allowed: {allowed}")


class Settings(BaseModel):
    """Base of every settings model: frozen, camelCase keys in YAML, unknown keys refused."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )

    def problems(self) -> list[tuple[str, Any, str, str]]:
        """Rules across fields (key path, value, problem, allowed); empty when the settings are consistent."""
        return []


ModelT = TypeVar("ModelT", bound=Settings)

DomainName = Annotated[str, Field(max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]


def setting(default: Any = ..., *, allowed: str, **constraints: Any) -> Any:
    """A settings field whose `allowed` text appears in error messages and in generated docs."""
    return Field(default, json_schema_extra={"allowed": allowed}, **constraints)


def stack_file(project_dir: str | os.PathLike | None = None, stack: str | None = None) -> str:
    """The stack's config file, relative to the project, e.g. `stacks/Pulumi.dev.yaml`."""
    root = Path(project_dir or os.getcwd())
    config_dir = "."
    project_file = root / "Pulumi.yaml"
    if project_file.is_file():
        project = yaml.safe_load(project_file.read_text()) or {}
        config_dir = str(project.get("stackConfigDir") or ".")
    path = Path(config_dir) / f"Pulumi.{stack or pulumi.get_stack()}.yaml"
    return path.as_posix()


def current_config() -> tuple[dict[str, str], set[str]]:
    """Every config key the engine gave this program, and which of them are secret."""
    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    return values, secret


def read_settings(model: type[ModelT], namespace: str | None = None,
                  config: Mapping[str, str] | None = None, secret_keys: set[str] | None = None,
                  source: str | None = None) -> ModelT:
    """Validates every `<namespace>:*` config key against `model`; raises SettingsError on the first bad one."""
    namespace = namespace or pulumi.get_project()
    if config is None:
        config, secret_keys = current_config()
    secret_keys = secret_keys or set()
    source = source or stack_file()
    prefix = f"{namespace}:"
    fields = {(info.alias or name): (name, info) for name, info in model.model_fields.items()}

    data: dict[str, Any] = {}
    for full_key in sorted(k for k in config if k.startswith(prefix)):
        key, raw = full_key[len(prefix):], config[full_key]
        is_secret = full_key in secret_keys
        shown = SECRET_MARK if is_secret else _show(_try_json(raw))
        if key not in fields:
            raise SettingsError(source, full_key, shown, "unknown key",
                                "the keys " + ", ".join(f"{prefix}{k}" for k in sorted(fields)))
        _, info = fields[key]
        wants_secret = info.annotation in (SecretStr, SecretStr | None)
        if wants_secret and not is_secret:
            raise SettingsError(source, full_key, shown, "stored in plain text",
                                f"an encrypted value: pulumi config set --secret {full_key} <value>")
        data[key] = _parse(raw, info.annotation, source, full_key, shown)

    try:
        settings = model.model_validate(data)
    except ValidationError as err:
        raise settings_error(err, model, source, prefix, secret_keys) from None
    for loc, value, problem, allowed in settings.problems():
        raise SettingsError(source, prefix + loc, _show(value), problem, allowed)
    return settings


def _parse(raw: Any, annotation: Any, source: str, key: str, shown: str) -> Any:
    """Config scalars arrive as strings and objects as JSON text, as the Pulumi CLI passes them."""
    if not isinstance(raw, str) or not _is_structured(annotation):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise SettingsError(source, key, shown, "not a YAML object or list",
                            "a nested object or list, as documented in the README settings table") from None


def _try_json(raw: Any) -> Any:
    try:
        return json.loads(raw) if isinstance(raw, str) and raw[:1] in "{[" else raw
    except json.JSONDecodeError:
        return raw


def _is_structured(annotation: Any) -> bool:
    origin = getattr(annotation, "__origin__", None)
    if origin in (list, dict, tuple):
        return True
    args = getattr(annotation, "__args__", ())
    if args and any(_is_structured(a) for a in args if a is not type(None)):
        return True
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def settings_error(err: ValidationError, model: type[BaseModel], source: str, prefix: str,
                   secret_keys: set[str]) -> SettingsError:
    """The first pydantic error as a one-line SettingsError (file, key, value, allowed)."""
    errors = err.errors()
    # A misspelt key also leaves its real key unset; the misspelling is the error worth reporting.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = first["loc"]
    key = prefix + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)[1:]
    names = tuple(part for part in loc if not isinstance(part, int))
    field = _field_at(model, names)
    allowed = (field.json_schema_extra or {}).get("allowed") if field is not None else None
    if first["type"] == "extra_forbidden":
        parent = _model_at(model, names[:-1])
        names = sorted((i.alias or n) for n, i in parent.model_fields.items()) if parent else []
        allowed = "the keys " + ", ".join(names)
        problem = "unknown key"
    elif first["type"] == "missing":
        problem = "required but not set"
    else:
        problem = _first_sentence(first["msg"])
    value = "(not set)" if first["type"] == "missing" else _show(first.get("input"))
    if not loc:  # a rule across keys, raised by a model validator rather than Settings.problems
        return SettingsError(source, prefix.rstrip(":"), "(several keys)", problem, "keys that meet this rule together")
    if prefix + str(loc[0]) in secret_keys:
        value = SECRET_MARK
    return SettingsError(source, key, value, problem, allowed or _first_sentence(first["msg"]))


def _field_at(model: type[BaseModel], loc: tuple) -> Any:
    parent = _model_at(model, loc[:-1])
    if parent is None or not loc:
        return None
    for name, info in parent.model_fields.items():
        if loc[-1] in (name, info.alias):
            return info
    return None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = next((i for n, i in current.model_fields.items() if part in (n, i.alias)), None)
        if info is None:
            return None
        current = _model_of(info.annotation)
        if current is None:
            return None
    return current


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _first_sentence(message: str) -> str:
    text = message.removeprefix("Value error, ").split(", unable to")[0].strip()
    return text[:1].lower() + text[1:]


def _show(value: Any) -> str:
    if isinstance(value, SecretStr):
        return SECRET_MARK
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    text = json.dumps(text) if isinstance(value, str) else text
    return text if len(text) <= 80 else text[:77] + "..."
