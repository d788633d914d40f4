"""How a service module declares itself, its resource types and its policies, and how they are found.

Each service module holds one `SERVICE = Service(id, title)`. Its policies are check functions
under a keyword-only decorator, which registers them with the service:

    SERVICE = Service("rds", "RDS")
    INSTANCE = SERVICE.resource_type("aws:rds/instance:Instance", kind="database", stateful=True)

    @SERVICE.resource_policy(name="rds-instance-not-public", types=[INSTANCE], severity="critical",
                             criteria=["CC6.6"], description="...", remediation="...")
    def _not_public(r: Resource, config: Mapping[str, Any]) -> Iterable[str]: ...

A check built by a helper is registered the same way: `SERVICE.resource_policy(...)(flag_on(...))`.
Nothing else lists services: the pack, the docs and the tests find the modules by discovery.
"""

from __future__ import annotations

import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from typing import Any, Callable, Iterable, TypeVar

from . import catalog
from .conventions import EXAMINES_TAG
from .framework import ResourceCheck, Soc2ResourcePolicy, Soc2StackPolicy, StackCheck

Check = TypeVar("Check", ResourceCheck, StackCheck)
Examines = Iterable[str] | Callable[[], Iterable[str]]


@dataclass
class Service:
    """One AWS (or SaaS) service: its id (every policy name starts with it), title and description."""

    id: str
    title: str
    description: str = ""
    policies: list[Any] = field(default_factory=list)
    types: list[str] = field(default_factory=list)

    def resource_type(self, token: str, *, kind: str, **facts: Any) -> str:
        """Declares a type token in the catalog (see catalog.ResourceType for the facts); returns the token."""
        self.types.append(catalog.register(catalog.ResourceType(token, self.id, kind, **facts)))
        return token

    def resource_types(self, *tokens: str, kind: str, **facts: Any) -> list[str]:
        """Several tokens of one kind, such as a resource's current and legacy tokens, which are checked alike."""
        return [self.resource_type(token, kind=kind, **facts) for token in tokens]

    def resource_policy(self, *, name: str, types: Iterable[str], severity: str, criteria: list[str],
                        description: str, remediation: str, config: dict[str, Any] | None = None,
                        checkov: Iterable[str] = ()) -> Callable[[ResourceCheck], ResourceCheck]:
        """Registers the decorated check as a policy over single resources of `types`."""
        def register(check: ResourceCheck) -> ResourceCheck:
            self._add(Soc2ResourcePolicy(name=name, resource_types=types, description=description, severity=severity,
                                         criteria=criteria, remediation=remediation, check=check, config=config,
                                         checkov=checkov))
            return check
        return register

    def stack_policy(self, *, name: str, severity: str, criteria: list[str], description: str, remediation: str,
                     config: dict[str, Any] | None = None, checkov: Iterable[str] = (),
                     examines: Examines = ()) -> Callable[[StackCheck], StackCheck]:
        """Registers the decorated check as a policy over the whole stack.

        `examines` names the types whose resources it judges (or a function returning them, read once
        every service is loaded, for policies that follow the catalog); reports use it to say which
        types no policy examined.
        """
        def register(check: StackCheck) -> StackCheck:
            policy = Soc2StackPolicy(name=name, description=description, severity=severity, criteria=criteria,
                                     remediation=remediation, check=check, config=config, checkov=checkov)
            policy.examines = examines
            self._add(policy)
            return check
        return register

    def _add(self, policy: Any) -> None:
        if policy.name.split("-")[0] != self.id:
            raise ValueError(f"policy {policy.name}: its name must start with its service id {self.id!r}")
        self.policies.append(policy)


@lru_cache(maxsize=None)
def loaded() -> tuple[Service, ...]:
    """Every service of the pack, its modules imported once, in the order of their file names.

    A large service may span modules: the second imports the first's SERVICE and declares more with it.
    """
    package = import_module(__package__)
    found: list[Service] = []
    for info in pkgutil.iter_modules(package.__path__):
        service = getattr(import_module(f"{__package__}.{info.name}"), "SERVICE", None)
        if isinstance(service, Service) and not any(service is known for known in found):
            found.append(service)
    ids = [s.id for s in found]
    if len(ids) != len(set(ids)):
        raise ValueError(f"service ids must be unique: {sorted(ids)}")
    return tuple(found)


@lru_cache(maxsize=None)
def services() -> tuple[Service, ...]:
    """The loaded services, their stack policies' `examines` resolved into tags now that the catalog is whole."""
    found = loaded()
    for policy in (p for s in found for p in s.policies if isinstance(p, Soc2StackPolicy)):
        examines = policy.examines() if callable(policy.examines) else policy.examines
        policy.tags = [*(policy.tags or []), *(f"{EXAMINES_TAG}{t}" for t in sorted(set(examines)))]
    return found


def all_policies() -> list[Any]:
    """Every policy of every service, in a stable order."""
    return [policy for service in services() for policy in service.policies]
