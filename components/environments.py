"""The defaults that differ by environment, and the floors an environment's stack must meet, written once.

The baseline's settings and every service's settings read them (each maps its own keys to these
names), the generated settings tables show them, and `stacks/policy-config.prod.json` asks the
same of the policy pack (a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EnvironmentRule:
    defaults: Mapping[str, Any]
    """Environment to default value; "*" for every other environment."""
    floors: Mapping[str, Any] = field(default_factory=dict)
    """Environment to the least value a stack may set (or, for a flag, the value it must have)."""

    def default(self, environment: str | None) -> Any:
        return self.defaults.get(environment or "", self.defaults["*"])


RULES: dict[str, EnvironmentRule] = {
    "azCount": EnvironmentRule({"prod": 3, "*": 2}),
    "databaseMultiAz": EnvironmentRule({"prod": True, "*": False}, {"prod": True}),
    "databaseBackupRetentionDays": EnvironmentRule({"prod": 14, "*": 7}, {"prod": 14}),
    "performanceInsightsRetentionDays": EnvironmentRule({"prod": 731, "*": 7}),
    "cacheMultiAz": EnvironmentRule({"prod": True, "*": False}, {"prod": True}),
    "backupRetentionDays": EnvironmentRule({"prod": 35, "*": 14}, {"prod": 35}),
    "backupVaultLockMode": EnvironmentRule({"prod": "compliance", "*": "governance"}),
    "auditObjectLockMode": EnvironmentRule({"prod": "COMPLIANCE", "*": "GOVERNANCE"}),
    "requiredReviews": EnvironmentRule({"prod": 2, "*": 1}, {"prod": 2}),
    "datadogUsers": EnvironmentRule({"prod": True, "*": False}),
    "pagerdutyEnabled": EnvironmentRule({"prod": True, "*": False}),
}


def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def with_defaults(data: dict[str, Any], environment: str | None, paths: Mapping[str, str]) -> dict[str, Any]:
    """`data` (raw settings) with each rule's default for `environment` where the key is not set.

    `paths` maps a settings key path (`backup.retentionDays`, or `backupRetentionDays` at the top) to a rule.
    """
    data = dict(data)
    for path, rule in paths.items():
        *sections, key = _split(path)
        target = data
        for section in sections:
            current = target.get(section, {})
            if not isinstance(current, dict):
                break  # the settings model reports the wrong shape
            target[section] = dict(current)
            target = target[section]
        else:
            target.setdefault(key, RULES[rule].default(environment))
    return data


def problems(dumped: Mapping[str, Any], environment: str, paths: Mapping[str, str],
             allowed: Mapping[str, str]) -> list[tuple[str, Any, str, str]]:
    """(key path, value, problem, allowed) for every floor of `environment` a stack's settings do not meet."""
    found = []
    for path, rule in paths.items():
        floor = RULES[rule].floors.get(environment)
        if floor is None:
            continue
        value: Any = dumped
        for part in _split(path):
            value = value[part]
        if (value is not floor) if isinstance(floor, bool) else value < floor:
            problem = (f"must be {str(floor).lower()} in {environment}" if isinstance(floor, bool)
                       else f"below the {environment} minimum of {floor}")
            found.append((path, value, problem, allowed[path]))
    return found


def floors_text(rule: str) -> str:
    """The floors of a rule as the settings tables show them, e.g. "at least 35 in prod"."""
    return "; ".join(f"{str(floor).lower()} in {env}" if isinstance(floor, bool) else f"at least {floor} in {env}"
                     for env, floor in RULES[rule].floors.items())
