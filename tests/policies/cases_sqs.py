"""SQS policy cases: queue encryption, queue policies (inline and separate, JSON strings and objects),
and dead-letter queues."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policies.cases_lambda import ACCOUNT, KEY, named
from tests.policies.harness import Build, Case

QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:events"
DENY_HTTP = {"Sid": "DenyWithoutTls", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": QUEUE_ARN,
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
FROM_TOPIC = {"Sid": "FromTopic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
              "Action": "sqs:SendMessage", "Resource": QUEUE_ARN,
              "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}}
ANYONE_SENDS = {"Sid": "AnyoneSends", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage",
                "Resource": QUEUE_ARN}
ALL_ACTIONS = {"Sid": "AllActions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
               "Action": "sqs:*", "Resource": QUEUE_ARN}
ALL_BUT_DELETE = {"Sid": "AllButDelete", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                  "NotAction": "sqs:DeleteQueue", "Resource": QUEUE_ARN}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def queue(**args: Any) -> Build:
    settings = {"kms_master_key_id": KEY, "policy": json.dumps(document(DENY_HTTP, FROM_TOPIC)), **args}
    return named(f"queue({sorted(k for k in args)}={[args[k] for k in sorted(args)]})",
                 lambda: aws.sqs.Queue("jobs", **settings))


def queue_policy(*statements: dict[str, Any], shape: str = "json", inline: bool = False) -> Build:
    """A queue and its policy: a separate QueuePolicy or the queue's own argument, as a JSON string or a document
    computed from the queue's ARN (pulumi.Output.json_dumps)."""
    def build() -> None:
        policy: Any = json.dumps(document(*statements))
        if inline:
            aws.sqs.Queue("jobs", kms_master_key_id=KEY, policy=policy)
            return
        jobs = aws.sqs.Queue("jobs", kms_master_key_id=KEY)
        if shape == "computed":  # known only once the queue exists: judged on a deployed (resolved) stack
            policy = pulumi.Output.json_dumps(document(*({**s, "Resource": jobs.arn} for s in statements)))
        aws.sqs.QueuePolicy("jobs-policy", queue_url=jobs.url, policy=policy)
    return named(f"queue_policy({[s['Sid'] for s in statements]}, shape={shape}, inline={inline})", build)


def attached(kind: str) -> Build:
    """A queue with a policy of its own, a QueuePolicy naming it (by URL output or literal URL), or none."""
    def build() -> None:
        jobs = aws.sqs.Queue("jobs", name="jobs", kms_master_key_id=KEY,
                             policy=json.dumps(document(DENY_HTTP)) if kind == "inline" else None)
        url = {"output": jobs.url, "literal": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/jobs",
               "other": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/other"}.get(kind)
        if url is not None:
            aws.sqs.QueuePolicy("jobs-policy", queue_url=url, policy=json.dumps(document(DENY_HTTP)))
    return named(f"attached({kind})", build)


def redrive(kind: str) -> Build:
    """A work queue and its dead-letter queue, linked by an inline redrive policy, a RedrivePolicy resource, or not."""
    def build() -> None:
        dlq = aws.sqs.Queue("jobs-dlq", name="jobs-dlq", kms_master_key_id=KEY)
        inline = {"inline": dlq.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
                  "literal": json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs-dlq",
                                         "maxReceiveCount": 5})}.get(kind)
        jobs = aws.sqs.Queue("jobs", name="jobs", kms_master_key_id=KEY, redrive_policy=inline)
        if kind == "resource":
            aws.sqs.RedrivePolicy("jobs-redrive", queue_url=jobs.url, redrive_policy=pulumi.Output.json_dumps(
                {"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5}))
        elif kind == "allow-only":
            aws.sqs.RedriveAllowPolicy("dlq-allow", queue_url=dlq.url, redrive_allow_policy=pulumi.Output.json_dumps(
                {"redrivePermission": "byQueue", "sourceQueueArns": [jobs.arn]}))
    return named(f"redrive({kind})", build)


SECURE = queue()

CASES = [
    Case("sqs-queue-encrypted", SECURE, queue(kms_master_key_id=None),
         "messages are encrypted only with the SQS-owned key (SSE-SQS)"),
    Case("sqs-queue-encrypted", queue(kms_master_key_id=None, sqs_managed_sse_enabled=True),
         queue(kms_master_key_id=None, sqs_managed_sse_enabled=False),
         "messages are stored unencrypted: sqsManagedSseEnabled is false",
         config={"sqs-queue-encrypted": {"requireCustomerKey": False}}),
    Case("sqs-queue-encrypted", SECURE, queue(kms_master_key_id="alias/aws/sqs"),
         "kmsMasterKeyId is 'alias/aws/sqs', an AWS-managed key"),
    Case("sqs-queuepolicy-no-public-access", queue_policy(FROM_TOPIC), queue_policy(FROM_TOPIC, ANYONE_SENDS),
         "statement AnyoneSends allows everyone ('*') without a restricting condition"),
    Case("sqs-queuepolicy-no-public-access", queue_policy(FROM_TOPIC, inline=True),
         queue_policy(ANYONE_SENDS, inline=True), "statement AnyoneSends allows everyone"),
    Case("sqs-queuepolicy-no-public-access", queue_policy(FROM_TOPIC, shape="computed"),
         queue_policy(ANYONE_SENDS, shape="computed"), "statement AnyoneSends allows everyone", mode="resolved"),
    Case("sqs-queuepolicy-no-wildcard-actions", queue_policy(FROM_TOPIC), queue_policy(ALL_ACTIONS),
         "statement AllActions allows every queue action ('sqs:*')"),
    Case("sqs-queuepolicy-no-wildcard-actions", queue_policy(FROM_TOPIC, shape="computed"),
         queue_policy(ALL_BUT_DELETE, shape="computed"), "statement AllButDelete allows every action but those in "
         "NotAction", mode="resolved"),
    Case("sqs-queuepolicy-no-wildcard-actions", queue_policy(FROM_TOPIC, inline=True),
         queue_policy(ALL_ACTIONS, FROM_TOPIC, inline=True), "statement AllActions allows every queue action"),
    Case("sqs-queuepolicy-tls-only", queue_policy(DENY_HTTP, FROM_TOPIC), queue_policy(FROM_TOPIC),
         "the queue policy does not deny requests made without TLS"),
    Case("sqs-queuepolicy-tls-only", SECURE, queue(policy=json.dumps(document(FROM_TOPIC))),
         "does not deny requests made without TLS (aws:SecureTransport = false)"),
    Case("sqs-queue-policy-attached", attached("output"), attached("none"),
         "queue jobs has no queue policy, so nothing refuses requests made without TLS"),
    Case("sqs-queue-policy-attached", attached("literal"), attached("other"), "queue jobs has no queue policy"),
    Case("sqs-queue-policy-attached", attached("inline"), attached("none"), "queue jobs has no queue policy"),
    Case("sqs-queue-dead-letter", redrive("inline"), redrive("none"),
         "queue jobs has no redrive policy: messages that keep failing are lost"),
    Case("sqs-queue-dead-letter", redrive("resource"), redrive("none"), "queue jobs has no redrive policy"),
    Case("sqs-queue-dead-letter", redrive("literal"), redrive("allow-only"), "queue jobs has no redrive policy"),
]
