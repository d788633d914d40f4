"""PagerDuty: users, teams, on-call schedules, escalation policies and services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable

from . import people
from .checks import minimum_schema
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("pagerduty", "PagerDuty", "Users, teams, on-call schedules, escalation policies and services, held "
                                            "against the roster.")

USER = SERVICE.resource_type("pagerduty:index/user:User", kind="PagerDuty user")
TEAM = SERVICE.resource_type("pagerduty:index/team:Team", kind="PagerDuty team")
TEAM_MEMBERSHIP = SERVICE.resource_type("pagerduty:index/teamMembership:TeamMembership", kind="PagerDuty team membership")
SCHEDULE = SERVICE.resource_type("pagerduty:index/schedule:Schedule", kind="on-call schedule")
ESCALATION_POLICY = SERVICE.resource_type("pagerduty:index/escalationPolicy:EscalationPolicy", kind="escalation policy")
PAGERDUTY_SERVICE = SERVICE.resource_type("pagerduty:index/service:Service", kind="PagerDuty service")
INTEGRATION = SERVICE.resource_type("pagerduty:index/serviceIntegration:ServiceIntegration", kind="service integration")

SCHEDULE_TARGETS = ("schedule_reference", "schedule")


def _escalation_policy(stack: Stack, service: Resource) -> Resource | None:
    found = [d for d in service.depends_on("escalationPolicy") if d.type == ESCALATION_POLICY]
    if found:
        return found[0]
    literal = service.get("escalationPolicy")  # computed elsewhere: no verdict
    return next((p for p in stack.of_type(ESCALATION_POLICY)
                 if isinstance(literal, str) and not p.is_unknown("id") and p.get("id") == literal), None)


def _levels(policy: Resource) -> list[Mapping[str, Any]]:
    return [rule for rule in policy.list("rules") if isinstance(rule, Mapping)]


def _pages_a_schedule(level: Mapping[str, Any]) -> bool:
    targets = level.get("targets")
    return isinstance(targets, list) and any(isinstance(t, Mapping) and t.get("type") in SCHEDULE_TARGETS
                                             for t in targets)


@SERVICE.stack_policy(
    name="pagerduty-service-escalation-levels", severity="high", criteria=["CC7.3", "CC7.4"],
    description="Every PagerDuty service escalates through at least two levels, starting from an on-call schedule.",
    remediation="Give the service an escalation_policy defined in this stack with at least minLevels rules, one of "
                "which targets a schedule_reference to an on-call schedule (PagerDutyOnCall builds the schedule from "
                "the roster's onCall and a second level from escalateTo).",
    config={"minLevels": minimum_schema(2, "Fewest escalation levels (rules) a service's escalation policy has.", 1)},
    examines=[PAGERDUTY_SERVICE])
def _escalation(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for service in stack.of_type(PAGERDUTY_SERVICE):
        name = service.get("name")
        label = f"service {name if isinstance(name, str) else service.name!r}"
        policy = _escalation_policy(stack, service)
        if policy is None:
            yield (f"{label}: its escalation policy is not defined in this stack, so who it pages cannot be checked",
                   service.urn)
            continue
        levels = _levels(policy)
        if len(levels) < config["minLevels"]:
            yield (f"{label}: escalation policy {policy.name!r} has {len(levels)} level(s), below the minimum of "
                   f"{int(config['minLevels'])}: an unacknowledged incident reaches no one else", service.urn)
        if not any(_pages_a_schedule(level) for level in levels):
            yield (f"{label}: escalation policy {policy.name!r} pages no on-call schedule, so an incident does not "
                   f"follow the rotation", service.urn)


@SERVICE.stack_policy(
    name="pagerduty-user-on-roster", severity="high", criteria=["CC6.2"],
    description="Every PagerDuty user is a current roster entry with a pagerduty role.",
    remediation="Create PagerDuty users only from the roster (PagerDutyOnCall does); remove the user, or give the person "
                "systems: {pagerduty: <role>} on the roster, and review the change.",
    examines=[USER])
def _user_on_roster(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    yield from people.off_roster(stack, stack.of_type(USER), "email", people.has_system("pagerduty"), "PagerDuty",
                                 "PagerDuty user")
