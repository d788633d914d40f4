"""EventBridge: custom event buses, who may put events on them, and Scheduler schedules."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .aws_sqs import public_statements
from .checks import is_set
from .declare import Service
from .framework import Resource

SERVICE = Service("eventbridge", "EventBridge", "Event buses, their policies and permissions, and schedules.")

BUS = SERVICE.resource_type("aws:cloudwatch/eventBus:EventBus", kind="event bus", key="kmsKeyIdentifier", public=True)
BUS_POLICY = SERVICE.resource_type("aws:cloudwatch/eventBusPolicy:EventBusPolicy", kind="event bus policy")
PERMISSION = SERVICE.resource_type("aws:cloudwatch/eventPermission:EventPermission", kind="event bus permission")
SCHEDULE = SERVICE.resource_type("aws:scheduler/schedule:Schedule", kind="schedule", key="kmsKeyArn")


@SERVICE.resource_policy(
    name="eventbridge-eventbus-policy-not-public", types=[BUS_POLICY, PERMISSION], severity="critical",
    criteria=["CC6.1", "CC6.6"],
    description="Event bus policies and permissions let only named accounts or the organization put events.",
    remediation="Name the accounts in the EventBusPolicy's principals, or narrow '*' with aws:PrincipalOrgID; on an "
                "aws.cloudwatch.EventPermission set principal to an account ID, or '*' with "
                "condition={'key': 'aws:PrincipalOrgID', 'type': 'StringEquals', 'value': org_id}.")
def _not_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.type == BUS_POLICY:
        yield from public_statements(r, "policy")
    elif r.get("principal") == "*" and not r.is_set("condition"):
        yield "principal is '*' with no condition: any AWS account can put events on the bus"


SERVICE.resource_policy(
    name="eventbridge-eventbus-customer-key", types=[BUS], severity="high", criteria=["CC6.1", "C1.1"],
    description="Custom event buses encrypt events with a customer-managed KMS key.",
    remediation="Set kms_key_identifier to a customer-managed key whose policy admits events.amazonaws.com.",
)(is_set("kmsKeyIdentifier", "events are encrypted only with an AWS-owned key"))

SERVICE.resource_policy(
    name="eventbridge-schedule-customer-key", types=[SCHEDULE], severity="high", criteria=["CC6.1", "C1.1"],
    description="EventBridge Scheduler schedules encrypt their target input with a customer-managed KMS key.",
    remediation="Set kms_key_arn to a customer-managed key whose policy admits scheduler.amazonaws.com.",
    checkov=["CKV_AWS_297"],
)(is_set("kmsKeyArn", "the schedule's target input is encrypted only with an AWS-owned key"))
