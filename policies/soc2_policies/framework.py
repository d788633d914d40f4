"""What a SOC 2 policy is: metadata, resource types, thresholds, waivers, and a check (declare.py
says how a service module declares one).

A check is a plain function that yields violation messages. It reads properties through
`Resource`, which knows the difference between missing and unknown: reading an unknown value
raises the SDK's UnknownValueError (reported as "can't run policy ... during preview"), while
`is_set` counts an unknown value as set, because a value computed at deploy time is not a
missing one. Typed getters return None for missing or wrong-typed values instead of raising.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Callable, Iterable, Iterator, Mapping

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _is_unknown, _ListProxy

from .conventions import CHECKOV_TAG, SERVICE_TAG, TYPE_TAG, UNKNOWN
from .criteria import CRITERIA, FRAMEWORK_NAME, FRAMEWORK_VERSION

NAME_PATTERN = re.compile(r"^[a-z0-9]+-[a-z0-9]+(-[a-z0-9]+)+$")

WAIVERS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "default": [],
    "description": "Exemptions: each names a resource (URN, or a glob over the resource name or URN), why, who owns "
                   "the exemption, and when it expires (YYYY-MM-DD). Waived findings are reported as waived.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["resource", "justification", "owner", "expires"],
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "justification": {"type": "string", "minLength": 10},
            "owner": {"type": "string", "minLength": 3},
            "expires": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"},
        },
    },
}


class Resource:
    """A read-only view of one resource's properties, as a policy sees them."""

    def __init__(self, type_: str, name: str, urn: str, props: Any, secret_paths: frozenset[str] = frozenset(),
                 parent: "Resource | None" = None):
        self.type = type_
        self.name = name
        self.urn = urn
        self.props = props if isinstance(props, Mapping) else {}
        self.secret_paths = secret_paths
        self.parent = parent
        self.dependencies: list[Resource] = []
        self.property_dependencies: dict[str, list[Resource]] = {}

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path (list indexes as numbers); raises UnknownValueError if it is unknown."""
        value: Any = self.props
        walked: list[str] = []
        for part in path.split("."):
            walked.append(part)
            if isinstance(value, Mapping):
                value = value.get(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return default
            if _is_unknown(value):
                raise UnknownValueError(value, walked)
            if value is None:
                return default
        return value

    def peek(self, path: str) -> Any:
        """The raw value at `path`, unknown sentinel included, or None; never raises."""
        value: Any = self.props
        for part in path.split("."):
            if isinstance(value, Mapping):
                value = value.get(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return None
        return value

    def is_unknown(self, path: str) -> bool:
        try:
            self.get(path)
        except UnknownValueError:
            return True
        return False

    def is_set(self, path: str) -> bool:
        """Present and not empty; a value unknown until deploy counts as set."""
        try:
            value = self.get(path)
        except UnknownValueError:
            return True
        return value not in (None, "", [], {})

    def bool(self, path: str) -> bool | None:
        value = self.get(path)
        return value if isinstance(value, bool) else None

    def int(self, path: str) -> int | None:
        value = self.get(path)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None

    def number(self, path: str) -> float | None:
        value = self.get(path)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def str(self, path: str) -> str | None:
        value = self.get(path)
        return value if isinstance(value, str) else None

    def list(self, path: str) -> list[Any]:
        value = self.get(path)
        return list(value) if isinstance(value, list) else []

    def dict(self, path: str) -> Mapping[str, Any]:
        value = self.get(path)
        return value if isinstance(value, Mapping) else {}

    def document(self, path: str) -> Any:
        """A JSON document property (IAM policy, bucket policy) as data; None if absent or not JSON."""
        value = self.get(path)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return None
        return value if isinstance(value, (Mapping, list)) else None

    def depends_on(self, path: str) -> list["Resource"]:
        return self.property_dependencies.get(path, [])

    def refers_to(self, path: str, target: "Resource", name: Any = None) -> bool:
        """Whether `path` names `target`: computed from it (a property dependency), or holding its
        literal `name`, alone, in a list, or at the end of an ARN."""
        if any(d is target for d in self.depends_on(path.split(".")[0])):
            return True
        if not isinstance(name, str) or name in ("", UNKNOWN):
            return False
        values = self.peek(path)
        return any(isinstance(v, str) and (v == name or v.endswith((f":{name}", f"/{name}")))
                   for v in (values if isinstance(values, list) else [values]))


@dataclass(frozen=True)
class Waiver:
    resource: str
    justification: str
    owner: str
    expires: str

    def matches(self, urn: str, name: str) -> bool:
        return self.resource == urn or fnmatchcase(name, self.resource) or fnmatchcase(urn, self.resource)


def waivers_from(config: Mapping[str, Any]) -> list[Waiver]:
    found = []
    for entry in config.get("waivers") or []:
        if isinstance(entry, Mapping) and all(isinstance(entry.get(k), str) for k in
                                              ("resource", "justification", "owner", "expires")):
            found.append(Waiver(entry["resource"], entry["justification"], entry["owner"], entry["expires"]))
    return found


ResourceCheck = Callable[[Resource, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[["Stack", Mapping[str, Any]], Iterable[tuple[str, str]]]


def _severity(severity: str) -> Severity:
    return Severity(severity)


CHECKOV_ID = re.compile(r"^CKV2?_AWS_\d+$")


def _metadata(name: str, severity: str, criteria: list[str], remediation: str, config: dict[str, Any],
              checkov: Iterable[str]) -> dict[str, Any]:
    if not NAME_PATTERN.match(name):
        raise ValueError(f"policy name {name!r} is not kebab-case <service>-<resource>-<rule>")
    unknown = [c for c in criteria if c not in CRITERIA]
    if not criteria or unknown:
        raise ValueError(f"policy {name}: unknown or missing TSC criteria {unknown or criteria}")
    if not remediation.strip():
        raise ValueError(f"policy {name}: remediation steps are required")
    if bad := [c for c in checkov if not CHECKOV_ID.match(c)]:
        raise ValueError(f"policy {name}: {bad} are not checkov ids (CKV_AWS_<n> or CKV2_AWS_<n>)")
    if missing := sorted(k for k, v in config.items() if "default" not in v):
        raise ValueError(f"policy {name}: config keys {missing} have no default")
    level = EnforcementLevel.MANDATORY if severity in ("high", "critical") else EnforcementLevel.ADVISORY
    return {
        "enforcement_level": level,
        "severity": _severity(severity),
        "framework": PolicyComplianceFramework(name=FRAMEWORK_NAME, version=FRAMEWORK_VERSION,
                                               reference=criteria[0], specification=CRITERIA[criteria[0]]),
        "tags": list(criteria) + [f"{SERVICE_TAG}{name.split('-')[0]}"] + [f"{CHECKOV_TAG}{c}" for c in checkov],
        "remediation_steps": remediation.strip(),
        "config_schema": PolicyConfigSchema(properties={**config, "waivers": WAIVERS_SCHEMA}),
    }


class _Soc2Policy:
    """What resource and stack policies share: config defaults, the criteria they serve, checkov ids."""

    config_defaults: dict[str, Any]
    criteria: tuple[str, ...]
    checkov: tuple[str, ...]

    def effective_config(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        return {**self.config_defaults, **(given or {})}


class Soc2ResourcePolicy(_Soc2Policy, ResourceValidationPolicy):
    """A policy over single resources of the listed types."""

    def __init__(self, *, name: str, resource_types: Iterable[str], description: str, severity: str,
                 criteria: list[str], remediation: str, check: ResourceCheck,
                 config: dict[str, Any] | None = None, checkov: Iterable[str] = ()):
        config, self.checkov = config or {}, tuple(checkov)
        super().__init__(name=name, description=description, validate=self._validate,
                         **_metadata(name, severity, criteria, remediation, config, self.checkov))
        self.resource_types = frozenset(resource_types)
        # Published as tags so a client (preflight's JUnit report) knows which resources a policy examines.
        self.tags = [*(self.tags or []), *(f"{TYPE_TAG}{t}" for t in sorted(self.resource_types))]
        self.check = check
        self.criteria = tuple(criteria)
        self.config_defaults = {k: v["default"] for k, v in config.items() if "default" in v}

    def applies_to(self, type_: str) -> bool:
        return "*" in self.resource_types or type_ in self.resource_types

    def findings(self, resource: Resource, config: Mapping[str, Any]) -> list[str]:
        return [m for m in self.check(resource, config) if m]

    def _validate(self, args: Any, report_violation: Callable[[str], None]) -> None:
        # Used only when the pack is served by the plain SDK servicer (no waivers there).
        if not self.applies_to(args.resource_type):
            return
        resource = Resource(args.resource_type, args.name, args.urn, _unproxy(args.props))
        for message in self.findings(resource, self.effective_config(args.get_config())):
            report_violation(message)


class Soc2StackPolicy(_Soc2Policy, StackValidationPolicy):
    """A policy over the whole stack, for what one resource cannot show."""

    examines: Any = ()
    """The types whose resources it judges, or a function returning them (see declare.Service.stack_policy)."""

    def __init__(self, *, name: str, description: str, severity: str, criteria: list[str], remediation: str,
                 check: StackCheck, config: dict[str, Any] | None = None, checkov: Iterable[str] = ()):
        config, self.checkov = config or {}, tuple(checkov)
        super().__init__(name=name, description=description, validate=self._validate,
                         **_metadata(name, severity, criteria, remediation, config, self.checkov))
        self.check = check
        self.criteria = tuple(criteria)
        self.config_defaults = {k: v["default"] for k, v in config.items() if "default" in v}

    def findings(self, stack: "Stack", config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [(m, urn) for m, urn in self.check(stack, config) if m]

    def _validate(self, args: Any, report_violation: Callable[[str, str | None], None]) -> None:
        stack = Stack.from_policy_resources(args.resources)
        for message, urn in self.findings(stack, self.effective_config(args.get_config())):
            report_violation(message, urn or None)


class Stack:
    """Every resource in the stack, with parents and dependencies resolved."""

    def __init__(self, resources: list[Resource]):
        self.resources = resources
        self._by_type: dict[str, list[Resource]] = {}
        for r in resources:
            self._by_type.setdefault(r.type, []).append(r)
        self._referrers: dict[tuple, dict[str, list[Resource]]] = {}

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, [])]

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def referrers(self, types: Iterable[str], path: str, target_types: Iterable[str],
                  name_path: str) -> dict[str, list[Resource]]:
        """Target URN to the resources of `types` whose `path` names it, as Resource.refers_to decides,
        in one pass over the stack (cached) instead of one scan per target."""
        key = (tuple(types), path, tuple(target_types), name_path)
        if key not in self._referrers:
            targets = self.of_type(*target_types)
            by_name = {n: t for t in targets if isinstance(n := t.peek(name_path), str) and n not in ("", UNKNOWN)}
            index: dict[str, list[Resource]] = {}
            for other in self.of_type(*types):
                found = {id(d): d for d in other.depends_on(path.split(".")[0]) if d.type in key[2]}
                values = other.peek(path)
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str):
                        for candidate in (value, value.rsplit(":", 1)[-1], value.rsplit("/", 1)[-1]):
                            if candidate in by_name:
                                found[id(by_name[candidate])] = by_name[candidate]
                for target in found.values():
                    index.setdefault(target.urn, []).append(other)
            self._referrers[key] = index
        return self._referrers[key]

    @classmethod
    def from_policy_resources(cls, policy_resources: Iterable[Any], secret_paths: Mapping[str, frozenset[str]] | None = None) -> "Stack":
        items = list(policy_resources)
        views = {id(p): Resource(p.resource_type, p.name, p.urn, _unproxy(p.props),
                                 (secret_paths or {}).get(p.urn, frozenset())) for p in items}
        for p in items:
            view = views[id(p)]
            view.parent = views.get(id(p.parent)) if p.parent is not None else None
            view.dependencies = [views[id(d)] for d in p.dependencies if id(d) in views]
            view.property_dependencies = {k: [views[id(d)] for d in v if id(d) in views]
                                          for k, v in p.property_dependencies.items()}
        return cls([views[id(p)] for p in items])


def _unproxy(value: Any) -> Any:
    """Plain data from the SDK's unknown-checking proxies; Resource does its own unknown checks."""
    if isinstance(value, (_DictProxy, _ListProxy)):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {k: _unproxy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_unproxy(v) for v in value]
    return value


def secret_paths_of(raw: Any, prefix: str = "") -> frozenset[str]:
    """Dotted paths of secret values in engine-encoded properties."""
    found: set[str] = set()
    if isinstance(raw, Mapping):
        if raw.get("4dabf18193072939515e22adb298388d") == "1b47061264138c4ac30d75fd1eb44270":
            return frozenset({prefix.rstrip(".")})
        for key, value in raw.items():
            found |= secret_paths_of(value, f"{prefix}{key}.")
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            found |= secret_paths_of(value, f"{prefix}{index}.")
    return frozenset(found)
