"""Datadog user policy cases: the users DatadogUsers builds from a roster, and one it does not list."""

from __future__ import annotations

from typing import Any

import pulumi_datadog as datadog

from components.datadog_users import DatadogUsers
from components.roster_record import RosterRecord
from tests.policies.cases_sso import REVIEWED, TODAY, named
from tests.policies.harness import Build, Case


def users(label: str = "from the reviewed roster", **extra: Any) -> Build:
    def build() -> None:
        RosterRecord("roster", REVIEWED, TODAY)
        DatadogUsers("datadog", {"roster": REVIEWED.granted(TODAY)})
        if extra:
            datadog.User("extra", **extra)
    return named(f"users({label})", build)


CASES = [
    Case("datadog-user-on-roster", users("a disabled user off the roster", email="eve@example.com", disabled=True),
         users("a user off the roster", email="eve@example.com"),
         "Datadog user eve@example.com is not on the roster, so nothing reviewed grants this account"),
    Case("datadog-user-on-roster", users(), users("a user past until", email="dennis@example.com"),
         "Datadog user dennis@example.com is past their until date (2025-12-31) on the roster"),
]
