"""The resource-type catalog: each type token once, with the facts the stack policies need.

A service module declares its types with `SERVICE.resource_type(...)`. The policies that span
resources read the catalog instead of keeping their own lists, so a new type is covered by backup
coverage, alarm coverage and the customer-key follow-through as soon as it is declared:

- `stateful` and `backup`: it holds data of its own, and AWS Backup can protect it, so it must be
  in a backup selection (unless tagged stateless, or a replica of something that is);
- `arn`: how an ARN names it, for backup selections that list ARN patterns;
- `dimension` and `alarmed`: the CloudWatch dimension that names it literally (without one, only an
  alarm computed from the resource's outputs counts), and whether it must have an alarm with actions;
- `key`: where its KMS key lives;
- `public`: whether it can be exposed to the internet or to other accounts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Arn:
    """How an ARN names a resource: `arn:aws:<service>:<region>:<account>:<resource><value of name>`."""

    service: str
    resource: str
    name: str


@dataclass(frozen=True)
class Dimension:
    """The CloudWatch metric dimension naming a resource, and the property that holds its value."""

    key: str
    name: str


@dataclass(frozen=True)
class ResourceType:
    token: str
    service: str
    kind: str
    """What people call it in a message: "database", "table", "queue"."""
    stateful: bool = False
    backup: bool = False
    arn: Arn | None = None
    dimension: Dimension | None = None
    alarmed: bool = False
    key: str | None = None
    """Dotted path of the property naming the KMS key that encrypts it."""
    public: bool = False
    replica: str | None = None
    """A property set only on replicas, whose source is backed up instead."""

    def __post_init__(self) -> None:
        if self.token.count(":") != 2:
            raise ValueError(f"{self.token!r} is not a type token (<package>:<module>/<name>:<Type>)")
        if self.backup and not self.stateful:
            raise ValueError(f"{self.token}: only stateful types are backed up")

    @property
    def key_property(self) -> str | None:
        """The key property's own name (the last part of its path), as it appears in inputs."""
        return self.key.rsplit(".", 1)[-1] if self.key else None


_TYPES: dict[str, ResourceType] = {}


def register(entry: ResourceType) -> str:
    if entry.token in _TYPES:
        raise ValueError(f"{entry.token} is declared twice in the catalog ({_TYPES[entry.token].service} and "
                         f"{entry.service})")
    _TYPES[entry.token] = entry
    return entry.token


def types() -> dict[str, ResourceType]:
    """Every declared type, once all service modules are loaded."""
    from .declare import loaded  # declare imports this module

    loaded()
    return dict(_TYPES)


def get(token: str) -> ResourceType | None:
    return types().get(token)


def backed_up() -> list[ResourceType]:
    return [t for t in types().values() if t.backup]


def alarmed() -> list[ResourceType]:
    return [t for t in types().values() if t.alarmed]


def encrypted() -> list[ResourceType]:
    return [t for t in types().values() if t.key]


def exposable() -> list[ResourceType]:
    return [t for t in types().values() if t.public]
