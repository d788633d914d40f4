"""What the packs did not examine: the resource types in the stack that no running policy looks at.

A pass on a stack says nothing about resources no policy examined, so every report lists them. A
resource policy examines the types it publishes as `type:<token>` tags, a stack policy those it
publishes as `examines:<token>`; a disabled policy examines nothing. Packs that publish no types
for their resource policies (most third-party packs) are named instead, since what they examine
cannot be known. Components, providers and the stack itself hold no cloud resource and are never
counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from soc2_policies.conventions import EXAMINES_TAG

from .analyzer import PackRun
from .capture import Capture, ResourceRecord

NOT_CLOUD_RESOURCES = ("pulumi:providers:", "pulumi:pulumi:")


@dataclass(frozen=True)
class Unexamined:
    type: str
    count: int


@dataclass(frozen=True)
class Coverage:
    unexamined: tuple[Unexamined, ...]
    """Types no running policy examines, with how many resources of each, most first."""
    opaque_packs: tuple[str, ...]
    """Packs with resource policies that do not say which types they examine."""

    @property
    def resources(self) -> int:
        return sum(u.count for u in self.unexamined)

    def summary(self) -> str:
        """"N resources of M types not examined", as the summary line says it."""
        return f"{self.resources} resources of {len(self.unexamined)} types not examined"


def _examined_by(run: PackRun) -> tuple[set[str], bool]:
    """The types the pack's enabled policies examine, and whether some resource policy does not say."""
    disabled = set(run.disabled)
    types: set[str] = set()
    opaque = False
    for policy in run.info.policies:
        if policy.name in disabled:
            continue
        if policy.policy_type == "stack":
            types |= {t[len(EXAMINES_TAG):] for t in policy.tags if t.startswith(EXAMINES_TAG)}
        elif policy.resource_types:
            types |= set(policy.resource_types)
        else:
            opaque = True
    return types, opaque


def is_cloud_resource(record: ResourceRecord) -> bool:
    return record.custom and not record.type.startswith(NOT_CLOUD_RESOURCES)


def coverage(capture: Capture, runs: list[PackRun]) -> Coverage:
    examined: set[str] = set()
    opaque: list[str] = []
    for run in runs:
        types, unknown = _examined_by(run)
        examined |= types
        if unknown:
            opaque.append(f"{run.info.name}@v{run.info.version}")
    counts = Counter(r.type for r in capture.records if is_cloud_resource(r) and r.type not in examined)
    unexamined = tuple(Unexamined(t, n) for t, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return Coverage(unexamined, tuple(opaque))
