"""SNS policy cases: topic encryption, topic policies, subscription protocols, and alert topics with
subscribers."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import ACCOUNT, KEY, TOPIC_ARN, named
from tests.policies.harness import Build, Case

SERVICE_PUBLISH = {"Sid": "AlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                   "Action": "sns:Publish", "Resource": TOPIC_ARN,
                   "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
ACCOUNT_SUBSCRIBE = {"Sid": "AccountSubscribe", "Effect": "Allow", "Principal": {"AWS": "*"},
                     "Action": "sns:Subscribe", "Resource": TOPIC_ARN,
                     "Condition": {"StringEquals": {"aws:SourceOwner": ACCOUNT}}}
PUBLIC_PUBLISH = {"Sid": "AnyonePublish", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish",
                  "Resource": TOPIC_ARN}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def topic(key: str | None = KEY, policy: str | None = None) -> Build:
    return named(f"topic(key={key!r}, policy={policy is not None})",
                 lambda: aws.sns.Topic("alerts", kms_master_key_id=key, policy=policy))


def topic_policy(*statements: dict[str, Any]) -> Build:
    return named(f"topic_policy({[s['Sid'] for s in statements]})",
                 lambda: aws.sns.TopicPolicy("alerts-policy", arn=TOPIC_ARN, policy=document(*statements)))


def subscription(protocol: str, endpoint: str) -> Build:
    return named(f"subscription({protocol})", lambda: aws.sns.TopicSubscription(
        "pager", topic=TOPIC_ARN, protocol=protocol, endpoint=endpoint))


def alerting(subscribed: str = "alerts", literal: bool = False, publisher: str = "alarm") -> Build:
    """An alert topic notified by an alarm (or an event rule), and a subscription to `subscribed` ('' for none)."""
    def build() -> None:
        alerts = aws.sns.Topic("alerts", name="alerts", kms_master_key_id=KEY)
        other = aws.sns.Topic("other", name="other", kms_master_key_id=KEY)
        target = TOPIC_ARN if literal else alerts.arn
        if publisher == "alarm":
            aws.cloudwatch.MetricAlarm("db-cpu", comparison_operator="GreaterThanThreshold", evaluation_periods=1,
                                       metric_name="CPUUtilization", namespace="AWS/RDS", period=60,
                                       statistic="Average", threshold=80, alarm_actions=[target])
        else:
            rule = aws.cloudwatch.EventRule("findings", event_pattern=json.dumps({"source": ["aws.guardduty"]}))
            aws.cloudwatch.EventTarget("findings-to-alerts", rule=rule.name, arn=target)
        if subscribed:
            chosen = alerts if subscribed == "alerts" else other
            aws.sns.TopicSubscription("oncall", topic=chosen.arn, protocol="email", endpoint="oncall@example.com")
    return named(f"alerting(subscribed={subscribed!r}, literal={literal}, publisher={publisher})", build)


SECURE_TOPIC = topic()
RESTRICTED = topic_policy(SERVICE_PUBLISH, ACCOUNT_SUBSCRIBE)
SUBSCRIBED = alerting()

CASES = [
    Case("sns-topic-kms-encrypted", SECURE_TOPIC, topic(key=None), "kmsMasterKeyId is not set"),
    Case("sns-topic-kms-encrypted", SECURE_TOPIC, topic(key="alias/aws/sns"),
         "kmsMasterKeyId is 'alias/aws/sns', an AWS-managed key"),
    Case("sns-topic-kms-encrypted", topic(key="alias/alerts"),
         topic(key=f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/sns"), "an AWS-managed key"),
    Case("sns-topicpolicy-no-public-access", RESTRICTED, topic_policy(SERVICE_PUBLISH, PUBLIC_PUBLISH),
         "statement AnyonePublish allows everyone ('*') without a condition"),
    Case("sns-topicpolicy-no-public-access", topic(policy=document(SERVICE_PUBLISH)),
         topic(policy=document(PUBLIC_PUBLISH)), "statement AnyonePublish allows everyone"),
    Case("sns-topicsubscription-https-only", subscription("https", "https://pager.example.com/hook"),
         subscription("http", "http://pager.example.com/hook"), "protocol is 'http'"),
    Case("sns-topic-alerts-subscribed", SUBSCRIBED, alerting(subscribed=""),
         "topic alerts receives alerts from db-cpu but has no subscription"),
    Case("sns-topic-alerts-subscribed", SUBSCRIBED, alerting(subscribed="other"),
         "topic alerts receives alerts from db-cpu but has no subscription"),
    Case("sns-topic-alerts-subscribed", alerting(literal=True), alerting(subscribed="", literal=True),
         "topic alerts receives alerts from db-cpu"),
    Case("sns-topic-alerts-subscribed", alerting(publisher="event"), alerting(subscribed="", publisher="event"),
         "topic alerts receives alerts from findings-to-alerts"),
]
