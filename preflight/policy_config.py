"""Policy pack config: the CLI's `--policy-pack-config` file format and its reconciliation.

Reconciliation follows the CLI: each policy's schema defaults, then the pack's initial config,
then the user's file, with `all` setting every policy's enforcement level; the result is
validated against each policy's JSON schema. Preflight is stricter than the CLI in one way: a
key or policy name the pack does not know is an error, because a typo in a waiver or threshold
would otherwise be ignored in silence.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from .errors import PreflightInputError
from .strict_yaml import decode

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
ALL = "all"
"""Sets every policy's enforcement level; the CLI applies nothing else given under it."""
DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class PolicyConfig:
    enforcement_level: str | None = None
    properties: dict[str, Any] | None = None


@dataclass(frozen=True)
class PolicySchema:
    """What reconciliation needs to know of a policy (from GetAnalyzerInfo)."""

    name: str
    enforcement_level: str
    properties: dict[str, Any]
    required: tuple[str, ...] = ()


class PolicyConfigError(PreflightInputError):
    """The reconciled config breaks a policy's schema; each line names the policy and the key."""

    def __init__(self, pack: str, version: str, errors: list[str]):
        self.errors = errors
        super().__init__("validating policy config: " + f"{pack} {version}  " + "\n  ".join(errors))


def load_config_file(path: str | Path) -> dict[str, PolicyConfig]:
    """Parses a `--policy-pack-config` JSON file, with the CLI's error messages."""
    path = Path(path)
    if not path.is_file():
        raise PreflightInputError(f"{path}: policy pack config file not found")
    text = decode(path.read_bytes(), str(path))
    if not text.strip():
        return {}
    try:
        data = json.loads(text, parse_constant=_NotFinite, parse_float=_finite_float,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise PreflightInputError(f"{path}: not valid JSON: {err}") from None
    except _DuplicateKey as err:
        raise PreflightInputError(f"{path}: key {err.key!r} is given twice in one object; "
                                  "the CLI would keep only the last one") from None
    if not isinstance(data, dict):
        raise PreflightInputError(f"{path}: must be a JSON object of policy names to levels or objects")
    for where, literal in _not_finite(data, ""):
        raise PreflightInputError(f"{path}: {where}: {literal} is not a number; a threshold must be a finite number")
    return parse_config(data, str(path))


class _NotFinite(str):
    """NaN, Infinity or a number too large for a float, kept as written until its place is named."""


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _finite_float(text: str) -> float | _NotFinite:
    value = float(text)
    return value if math.isfinite(value) else _NotFinite(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _not_finite(value: Any, where: str) -> list[tuple[str, str]]:
    """(policy: key.path, literal) for every non-finite number, as `bucket-tagged: maxDays`."""
    if isinstance(value, _NotFinite):
        return [(where, str(value))]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    found = []
    for key, item in items:
        inner = f"{key}" if not where else (f"{where}: {key}" if ":" not in where else f"{where}.{key}")
        found += _not_finite(item, inner)
    return found


def parse_config(data: dict[str, Any], origin: str = "policy config") -> dict[str, PolicyConfig]:
    result: dict[str, PolicyConfig] = {}
    for name, value in data.items():
        if isinstance(value, str):
            if value not in LEVELS:
                raise PreflightInputError(f"{origin}: parsing enforcement level for {name!r}: "
                                          f"{value!r} is not a valid enforcement level ({', '.join(LEVELS)})")
            result[name] = PolicyConfig(value, None)
        elif isinstance(value, dict):
            value = dict(value)
            level = value.pop("enforcementLevel", None)
            if level is not None and level not in LEVELS:
                raise PreflightInputError(f"{origin}: parsing enforcement level for {name!r}: "
                                          f"{level!r} is not a valid enforcement level ({', '.join(LEVELS)})")
            if level is not None or value:
                result[name] = PolicyConfig(level, value or None)
        else:
            raise PreflightInputError(f"{origin}: parsing {name!r}: {json.dumps(value)} is not a valid value; "
                                      "must be a string or object")
    return result


def reconcile(pack: str, version: str, policies: list[PolicySchema], initial: dict[str, PolicyConfig],
              given: dict[str, PolicyConfig]) -> dict[str, PolicyConfig]:
    """Defaults, then the pack's initial config, then the user's; validated. Raises PolicyConfigError."""
    known = {p.name for p in policies}
    unknown = sorted(set(given) - known - {ALL})
    if unknown:
        raise PolicyConfigError(pack, version, [f"{name}: no such policy in this pack" for name in unknown])
    for layer in (initial, given):
        keys = sorted((layer.get(ALL) or PolicyConfig()).properties or {})
        if keys:
            raise PolicyConfigError(pack, version, [f"{ALL}: {key}: unknown config key; allowed: enforcementLevel "
                                                    f"(under `{ALL}` the CLI applies only the enforcement level)"
                                                    for key in keys])
    result = {p.name: PolicyConfig(p.enforcement_level, _defaults(p) or None) for p in policies}
    for layer in (initial, given):
        all_level = layer.get(ALL, PolicyConfig()).enforcement_level
        if all_level in LEVELS:
            for config in result.values():
                config.enforcement_level = all_level
        for name, config in layer.items():
            if name not in result:
                continue
            if config.enforcement_level in LEVELS:
                result[name].enforcement_level = config.enforcement_level
            if config.properties:
                merged = dict(result[name].properties or {})
                merged.update(copy.deepcopy(config.properties))
                result[name].properties = merged
    errors = [e for p in policies for e in _validate(p, result[p.name].properties or {})]
    if errors:
        raise PolicyConfigError(pack, version, sorted(errors))
    return result


def _defaults(policy: PolicySchema) -> dict[str, Any]:
    return {k: copy.deepcopy(v["default"]) for k, v in policy.properties.items() if isinstance(v, dict) and "default" in v}


def _validate(policy: PolicySchema, properties: dict[str, Any]) -> list[str]:
    schema: dict[str, Any] = {"type": "object", "properties": policy.properties}
    if policy.required:
        schema["required"] = list(policy.required)
    errors = []
    for key in sorted(set(properties) - set(policy.properties)):
        allowed = ", ".join(sorted(policy.properties)) or "no keys"
        errors.append(f"{policy.name}: {key}: unknown config key; allowed: {allowed}")
    for error in Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER).iter_errors(properties):
        path = ".".join(str(p) for p in error.absolute_path)
        errors.append(f"{policy.name}: {path or '(root)'}: {error.message}")
    errors += [f"{policy.name}: {path}: {value!r} is not a calendar date (YYYY-MM-DD)"
               for path, value in _expiry_dates(properties, "") if not _is_date(value)]
    return errors


def _expiry_dates(value: Any, path: str) -> list[tuple[str, str]]:
    """Every date-shaped string at an `expires` key (waivers'), with its path, as `waivers.0.expires`."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    found = []
    for key, item in items:
        inner = f"{path}.{key}" if path else str(key)
        if key == "expires" and isinstance(item, str) and DATE_SHAPE.match(item):
            found.append((inner, item))
        found += _expiry_dates(item, inner)
    return found


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
