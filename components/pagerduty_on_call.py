"""On-call from the one roster, in PagerDuty: a user per person with a pagerduty role, one team, a
schedule rotating through the roster's onCall people, an escalation policy of two levels (the
person on call, then escalateTo), and a service whose Amazon CloudWatch integration is subscribed
to the alert topic, so every alarm pages whoever is on call (CC7.3, CC7.4, CC6.2).

Removing a person from the roster, or reaching the day after their `until` date, removes their user,
team membership and turn in the rotation in the same `pulumi up`.
"""

from __future__ import annotations

import datetime as dt
from typing import NotRequired, TypedDict
from zoneinfo import ZoneInfo

import pulumi
import pulumi_aws as aws

from .roster import OnCall, Roster

PAGERDUTY_ROLES = {"admin": "admin", "manager": "user", "responder": "limited_user", "observer": "observer",
                   "read-only": "read_only_user"}
"""Roster role to PagerDuty's account role (PagerDuty calls `user` Manager and `limited_user` Responder)."""
TEAM_ROLES = {"admin": "manager", "manager": "manager", "responder": "responder", "observer": "observer",
              "read-only": "observer"}
EVENTS_URL = "https://events.pagerduty.com/integration/{}/enqueue"
"""Where Amazon SNS delivers CloudWatch alarms for a PagerDuty CloudWatch integration."""


class PagerDutyOnCallArgs(TypedDict):
    roster: Roster
    """People granted access now, their pagerduty role, and the rotation (onCall)."""
    alert_topic_arn: pulumi.Input[str]
    """The SNS topic the alarms publish to; the service's integration is subscribed to it."""
    escalation_delay_minutes: NotRequired[int]
    """Minutes before an unacknowledged incident pages the next level (default 15)."""
    repeat: NotRequired[int]
    """Times the escalation policy repeats (default 2)."""


class PagerDutyOnCall(pulumi.ComponentResource):
    service_id: pulumi.Output[str]
    emails: pulumi.Output[list[str]]

    def __init__(self, name: str, args: PagerDutyOnCallArgs, opts: pulumi.ResourceOptions | None = None):
        import pulumi_pagerduty as pagerduty  # imported only when used: the package is large

        super().__init__("soc2:pagerduty:PagerDutyOnCall", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        roster = args["roster"]
        rotation = roster.on_call
        if rotation is None:
            raise ValueError("PagerDutyOnCall needs a roster with onCall")
        team = pagerduty.Team(f"{name}-team", name=name, description="On call for the SOC 2 baseline's alarms",
                              opts=child)
        users = {}
        for person in roster.with_system("pagerduty"):
            role = person.systems["pagerduty"]
            users[person.email.lower()] = pagerduty.User(f"{name}-user-{person.email}", email=person.email,
                                                         name=person.name, role=PAGERDUTY_ROLES[role],
                                                         time_zone=rotation.time_zone, opts=child)
            pagerduty.TeamMembership(f"{name}-team-{person.email}", team_id=team.id,
                                     user_id=users[person.email.lower()].id, role=TEAM_ROLES[role], opts=child)
        schedule = pagerduty.Schedule(f"{name}-schedule", name=f"{name} on call", time_zone=rotation.time_zone,
                                      teams=[team.id], layers=[_layer(rotation, users)], opts=child)
        delay = args.get("escalation_delay_minutes", 15)
        policy = pagerduty.EscalationPolicy(
            f"{name}-escalation", name=f"{name} escalation", teams=team.id, num_loops=args.get("repeat", 2),
            rules=[{"escalation_delay_in_minutes": delay,
                    "targets": [{"type": "schedule_reference", "id": schedule.id}]},
                   {"escalation_delay_in_minutes": delay,
                    "targets": [{"type": "user_reference", "id": users[e.lower()].id} for e in rotation.escalate_to]}],
            opts=child)
        service = pagerduty.Service(f"{name}-service", name=f"{name} alarms", escalation_policy=policy.id,
                                    alert_creation="create_alerts_and_incidents", acknowledgement_timeout="1800",
                                    description="CloudWatch alarms of the SOC 2 baseline", opts=child)
        integration = pagerduty.ServiceIntegration(f"{name}-cloudwatch", name="Amazon CloudWatch", service=service.id,
                                                   type="aws_cloudwatch_inbound_integration", opts=child)
        aws.sns.TopicSubscription(f"{name}-alerts", topic=args["alert_topic_arn"], protocol="https",
                                  endpoint=pulumi.Output.secret(integration.integration_key.apply(EVENTS_URL.format)),
                                  endpoint_auto_confirms=True, opts=child)

        self.service_id = service.id
        self.emails = pulumi.Output.all(*[u.email for u in users.values()])
        self.register_outputs({"service_id": self.service_id, "emails": self.emails})


def _layer(rotation: OnCall, users: dict) -> dict:
    """One layer: each person on call for rotationDays in turn, handing off at handoffTime local time."""
    hours, minutes = (int(part) for part in rotation.handoff_time.split(":"))
    start = dt.datetime.combine(rotation.start, dt.time(hours, minutes), tzinfo=ZoneInfo(rotation.time_zone)).isoformat()
    return {"name": "Rotation", "start": start, "rotation_virtual_start": start,
            "rotation_turn_length_seconds": rotation.rotation_days * 86400,
            "users": [users[email.lower()].id for email in rotation.people]}
