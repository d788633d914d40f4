"""Policy pack config: the CLI's `--policy-pack-config` file format and its reconciliation.

Reconciliation follows the CLI: each policy's schema defaults, then the pack's initial config,
then the user's file, with `all` setting every policy's enforcement level; the result is
validated against each policy's JSON schema. Preflight is stricter than the CLI in one way: a
key or policy name the pack does not know is an error, because a typo in a waiver or threshold
would otherwise be ignored in silence.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from .project import PreflightInputError

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


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
    text = path.read_text()
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise PreflightInputError(f"{path}: not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise PreflightInputError(f"{path}: must be a JSON object of policy names to levels or objects")
    return parse_config(data, str(path))


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
    unknown = sorted(set(given) - known - {"all"})
    if unknown:
        raise PolicyConfigError(pack, version, [f"{name}: no such policy in this pack" for name in unknown])
    result = {p.name: PolicyConfig(p.enforcement_level, _defaults(p) or None) for p in policies}
    for layer in (initial, given):
        all_level = layer.get("all", PolicyConfig()).enforcement_level
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
    for error in Draft7Validator(schema).iter_errors(properties):
        path = ".".join(str(p) for p in error.absolute_path)
        errors.append(f"{policy.name}: {path or '(root)'}: {error.message}")
    return errors
