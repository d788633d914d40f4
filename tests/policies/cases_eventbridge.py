"""EventBridge policy cases: bus encryption, bus policies and permissions, Scheduler schedules."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policies.cases_lambda import ACCOUNT, KEY, ROLE, named
from tests.policies.harness import Build, Case

BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
ORG_PUTS = {"Sid": "OrgPuts", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents", "Resource": BUS_ARN,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}}
PARTNER_PUTS = {"Sid": "PartnerPuts", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                "Action": "events:PutEvents", "Resource": BUS_ARN}
ANYONE_PUTS = {"Sid": "AnyonePuts", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
               "Resource": BUS_ARN}


def bus(**args: Any) -> Build:
    return named(f"bus({args})", lambda: aws.cloudwatch.EventBus("orders", name="orders", **args))


def bus_policy(*statements: dict[str, Any], computed: bool = False) -> Build:
    def build() -> None:
        orders = aws.cloudwatch.EventBus("orders", name="orders", kms_key_identifier=KEY)
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        located = {**document, "Statement": [{**s, "Resource": orders.arn} for s in statements]}
        policy = pulumi.Output.json_dumps(located) if computed else json.dumps(document)
        aws.cloudwatch.EventBusPolicy("orders-policy", event_bus_name=orders.name, policy=policy)
    return named(f"bus_policy({[s['Sid'] for s in statements]}, computed={computed})", build)


def permission(**args: Any) -> Build:
    return named(f"permission({args})", lambda: aws.cloudwatch.EventPermission(
        "partner", event_bus_name="orders", statement_id="partner", **args))


def schedule(**args: Any) -> Build:
    return named(f"schedule({args})", lambda: aws.scheduler.Schedule(
        "nightly", schedule_expression="cron(0 3 * * ? *)", flexible_time_window={"mode": "OFF"},
        target={"arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:report", "role_arn": ROLE,
                "input": json.dumps({"report": "daily"})}, **args))


def computed_bus_key() -> Build:
    def build() -> None:
        key = aws.kms.Key("events", enable_key_rotation=True)
        aws.cloudwatch.EventBus("orders", name="orders", kms_key_identifier=key.arn)
    return named("computed_bus_key", build)


def computed_schedule_key() -> Build:
    def build() -> None:
        key = aws.kms.Key("schedules", enable_key_rotation=True)
        aws.scheduler.Schedule("nightly", schedule_expression="rate(1 day)", flexible_time_window={"mode": "OFF"},
                               target={"arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs", "role_arn": ROLE},
                               kms_key_arn=key.arn)
    return named("computed_schedule_key", build)


CASES = [
    Case("eventbridge-eventbus-policy-not-public", bus_policy(ORG_PUTS, PARTNER_PUTS), bus_policy(ANYONE_PUTS),
         "statement AnyonePuts allows everyone ('*') without a restricting condition"),
    Case("eventbridge-eventbus-policy-not-public", bus_policy(ORG_PUTS, computed=True),
         bus_policy(PARTNER_PUTS, ANYONE_PUTS, computed=True), "statement AnyonePuts allows everyone",
         mode="resolved"),
    Case("eventbridge-eventbus-policy-not-public", permission(principal="210987654321"), permission(principal="*"),
         "principal is '*' with no condition: any AWS account can put events on the bus"),
    Case("eventbridge-eventbus-policy-not-public",
         permission(principal="*", condition={"key": "aws:PrincipalOrgID", "type": "StringEquals",
                                              "value": "o-abc123def4"}),
         permission(principal="*", action="events:PutEvents"), "principal is '*' with no condition"),
    Case("eventbridge-eventbus-customer-key", bus(kms_key_identifier=KEY), bus(),
         "kmsKeyIdentifier is not set"),
    Case("eventbridge-eventbus-customer-key", computed_bus_key(),
         bus(event_source_name="aws.partner/saas.example.com/acme/orders"),
         "events are encrypted only with an AWS-owned key"),
    Case("eventbridge-schedule-customer-key", schedule(kms_key_arn=KEY), schedule(), "kmsKeyArn is not set"),
    Case("eventbridge-schedule-customer-key", computed_schedule_key(), schedule(group_name="default"),
         "encrypted only with an AWS-owned key"),
]
