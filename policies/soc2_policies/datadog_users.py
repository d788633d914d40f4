"""Datadog users, held against the roster (the datadog service's second module)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import people
from .datadog import SERVICE
from .framework import Stack

USER = SERVICE.resource_type("datadog:index/user:User", kind="Datadog user")


@SERVICE.stack_policy(
    name="datadog-user-on-roster", severity="high", criteria=["CC6.2"],
    description="Every enabled Datadog user is a current roster entry with a datadog role.",
    remediation="Create Datadog users only from the roster (DatadogUsers does); remove the user, or give the person "
                "systems: {datadog: <role>} on the roster, and review the change.",
    examines=[USER])
def _user_on_roster(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    enabled = [u for u in stack.of_type(USER) if u.get("disabled") is not True]  # a disabled user has no access
    yield from people.off_roster(stack, enabled, "email", people.has_system("datadog"), "Datadog", "Datadog user")
