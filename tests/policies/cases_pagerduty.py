"""PagerDuty policy cases: the on-call PagerDutyOnCall builds from a roster, services that page no
one else or no rotation, and users the roster does not list."""

from __future__ import annotations

from typing import Any

import pulumi_pagerduty as pagerduty

from components.pagerduty_on_call import PagerDutyOnCall
from components.roster import Roster
from components.roster_record import RosterRecord
from tests.policies.cases_sso import REVIEWED, TODAY, changed, named, roster
from tests.policies.harness import Build, Case

TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"


def on_call(label: str = "from the reviewed roster", reviewed: Roster | None = REVIEWED) -> Build:
    def build() -> None:
        if reviewed is not None:
            RosterRecord("roster", reviewed, TODAY)
        PagerDutyOnCall("oncall", {"roster": REVIEWED.granted(TODAY), "alert_topic_arn": TOPIC})
    return named(f"on_call({label})", build)


def service(label: str, rules: list[dict[str, Any]] | None, policy_id: str | None = None) -> Build:
    """A service whose escalation policy has `rules` (or is the literal id `policy_id`, defined elsewhere)."""
    def build() -> None:
        on_call()()
        user = pagerduty.User("lone", email="ada@example.com", name="Ada Lovelace")
        escalation = policy_id
        if rules is not None:
            escalation = pagerduty.EscalationPolicy("thin", name="thin", rules=[
                {**rule, "targets": [{"type": rule["targets"], "id": user.id}]} for rule in rules]).id
        pagerduty.Service("extra", name="extra", escalation_policy=escalation)
    return named(f"service({label})", build)


SECURE = on_call()
ONE_LEVEL = [{"escalation_delay_in_minutes": 10, "targets": "user_reference"}]

CASES = [
    Case("pagerduty-service-escalation-levels", SECURE, service("one level to a user", ONE_LEVEL),
         "service 'extra': escalation policy 'thin' has 1 level(s), below the minimum of 2"),
    Case("pagerduty-service-escalation-levels", SECURE,
         service("two levels, no schedule", ONE_LEVEL * 2), "escalation policy 'thin' pages no on-call schedule"),
    Case("pagerduty-service-escalation-levels", SECURE, service("policy defined elsewhere", None, "PXXXXXX"),
         "service 'extra': its escalation policy is not defined in this stack"),
    Case("pagerduty-user-on-roster", SECURE,
         on_call("no pagerduty role on the reviewed roster", roster(changed("alan@example.com", systems={}))),
         "PagerDuty user alan@example.com has no PagerDuty access on the roster"),
    Case("pagerduty-user-on-roster", SECURE, on_call("no roster registered", None),
         "PagerDuty user ada@example.com cannot be held against a reviewed list: the stack registers no "
         "soc2:identity:Roster resource"),
]
