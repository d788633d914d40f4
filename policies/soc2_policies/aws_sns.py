"""SNS: topics, topic policies and subscriptions, and a subscriber on every alert topic."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import documents
from .aws_cloudwatch import ALARMS
from .checks import list_schema
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("sns", "SNS", "Topics, topic policies and subscriptions.")

TOPIC = SERVICE.resource_type("aws:sns/topic:Topic", kind="topic", key="kmsMasterKeyId", public=True)
TOPIC_POLICY = SERVICE.resource_type("aws:sns/topicPolicy:TopicPolicy", kind="topic policy")
SUBSCRIPTION = SERVICE.resource_type("aws:sns/topicSubscription:TopicSubscription", kind="subscription")
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
# Where a resource names the topics it publishes to.
PUBLISHERS = {**{t: "alarmActions" for t in ALARMS}, EVENT_TARGET: "arn"}


@SERVICE.resource_policy(
    name="sns-topic-kms-encrypted", types=[TOPIC], severity="high", criteria=["CC6.1", "C1.1"],
    description="SNS topics are encrypted with a customer-managed KMS key.",
    remediation="Set kms_master_key_id to a customer-managed key whose policy admits the publishing services "
                "(cloudwatch.amazonaws.com, events.amazonaws.com), not alias/aws/sns.",
    config={"awsManagedKeys": list_schema(["alias/aws/sns"], "AWS-managed key aliases not accepted as "
           "kmsMasterKeyId (also matched as an alias ARN).")})
def _customer_key(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("kmsMasterKeyId"):
        yield "messages are stored unencrypted: kmsMasterKeyId is not set"
        return
    key = r.peek("kmsMasterKeyId")  # unknown here means computed from a key resource: never an AWS alias
    managed = [str(a) for a in config["awsManagedKeys"]]
    if isinstance(key, str) and any(key == alias or key.endswith(f":{alias}") for alias in managed):
        yield f"kmsMasterKeyId is {key!r}, an AWS-managed key whose policy this account cannot restrict"


@SERVICE.resource_policy(
    name="sns-topicpolicy-no-public-access",
    types=[TOPIC_POLICY, TOPIC], severity="critical", criteria=["CC6.1", "CC6.3"],
    description="SNS topic policies grant nothing to everyone.",
    remediation="Name the principals (e.g. Service cloudwatch.amazonaws.com) in every Allow, or narrow `*` with "
                "aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID.")
def _not_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, statement in enumerate(documents.statements(r.document("policy"))):
        if documents.is_public_allow(statement):
            yield (f"topic policy statement {statement.get('Sid', index)!s} allows everyone ('*') without a "
                   "condition on account, organization or source")


@SERVICE.resource_policy(
    name="sns-topicsubscription-https-only", types=[SUBSCRIPTION], severity="high", criteria=["CC6.7"],
    description="SNS subscriptions deliver over HTTPS, never plain HTTP.",
    remediation="Set protocol='https' and an https:// endpoint on the aws.sns.TopicSubscription.")
def _https_only(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    protocol = r.get("protocol")
    if isinstance(protocol, str) and protocol.lower() == "http":
        yield "protocol is 'http': notifications travel unencrypted; use 'https'"


@SERVICE.stack_policy(
    name="sns-topic-alerts-subscribed", severity="high", criteria=["CC7.3", "CC7.4"],
    description="Every SNS topic that alarms or event rules notify has at least one subscription.",
    remediation="Add an aws.sns.TopicSubscription (email, or https for a pager) whose topic is the topic's ARN; "
                "Monitoring subscribes alert_emails and alert_https_endpoint.",
    examines=[TOPIC, SUBSCRIPTION])
def _alerts_subscribed(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    publishers = stack.of_type(*PUBLISHERS)
    subscriptions = stack.of_type(SUBSCRIPTION)
    for topic in stack.of_type(TOPIC):
        senders = [p.name for p in publishers if p.refers_to(PUBLISHERS[p.type], topic, topic.peek("name"))]
        if senders and not any(s.refers_to("topic", topic, topic.peek("name")) for s in subscriptions):
            more = f" and {len(senders) - 1} more" if len(senders) > 1 else ""
            yield (f"topic {topic.name} receives alerts from {senders[0]}{more} but has no subscription, "
                   "so nobody is told"), topic.urn
