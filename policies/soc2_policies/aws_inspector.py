"""Inspector: vulnerability scanning enabled for the required resource types."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import list_schema
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("inspector", "Inspector", "Inspector vulnerability scanning.")

ENABLER = SERVICE.resource_type("aws:inspector2/enabler:Enabler", kind="Inspector enabler")


@SERVICE.resource_policy(
    name="inspector-enabler-resource-types", types=[ENABLER], severity="medium", criteria=["CC7.1", "CC6.8"],
    description="Inspector scans every required resource type.",
    remediation="Add the missing types to resource_types on the aws.inspector2.Enabler (EC2, ECR, LAMBDA...).",
    config={"resourceTypes": list_schema(["EC2", "ECR"], "Resource types Inspector must scan.")})
def _resource_types(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    scanned = r.list("resourceTypes")
    missing = [str(t) for t in config["resourceTypes"] if t not in scanned]
    if missing and UNKNOWN in scanned:
        r.get(f"resourceTypes.{scanned.index(UNKNOWN)}")  # a type computed at deploy time may be the missing one
    if missing:
        listed = ", ".join(map(str, scanned)) or "empty"
        yield f"Inspector does not scan {', '.join(missing)}: resourceTypes is {listed}"


@SERVICE.stack_policy(
    name="inspector-enabler-exists", severity="medium", criteria=["CC7.1", "CC6.8"],
    description="The stack enables Amazon Inspector.",
    remediation="Add an aws.inspector2.Enabler for the account (the ThreatDetection component does). Disable this "
                "policy in stacks whose account is scanned through a delegated administrator.",
    examines=[ENABLER])
def _enabler_exists(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    if not stack.of_type(ENABLER):
        yield "the stack has no aws.inspector2.Enabler, so workloads are not scanned for vulnerabilities", ""
