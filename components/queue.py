"""An SQS queue: encrypted with a customer-managed key, a dead-letter queue behind a redrive
policy, policies that refuse requests without TLS, and alarms on the age of the oldest message
and on dead-letter depth (CC6.1, CC6.7, A1.2, CC7.2)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .alarms import Alarm, watch_resource
from .iam_documents import arn_from_name, policy_document

QUEUE = "aws:sqs/queue:Queue"
FOUR_DAYS, FOURTEEN_DAYS = 4 * 86400, 14 * 86400


class Place(TypedDict):
    account_id: pulumi.Input[str]
    """Account of the queues, for their ARNs."""
    region: str
    """Region of the queues, for their ARNs."""


class QueueArgs(Place):
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key for both queues; its policy must admit the services that send to them."""
    alert_topic_arn: pulumi.Input[str]
    """Topic the alarms notify."""
    queue_name: NotRequired[str]
    """Queue name (default: the component name; `.fifo` is appended for FIFO queues)."""
    fifo: NotRequired[bool]
    """First-in, first-out delivery with deduplication (default off)."""
    visibility_timeout_seconds: NotRequired[int]
    """How long a received message stays hidden (default 30); longer than the consumer's processing time."""
    message_retention_seconds: NotRequired[int]
    """How long messages are kept (default 4 days)."""
    max_receive_count: NotRequired[int]
    """Receives after which a message moves to the dead-letter queue (default 5)."""
    oldest_message_alarm_seconds: NotRequired[int]
    """Age of the oldest message that raises an alarm (default 900)."""
    tags: NotRequired[dict[str, str]]
    """Tags for the queues and alarms."""


def queue_arn(queue: aws.sqs.Queue, place: Place) -> pulumi.Output[str]:
    """The queue's ARN from its name, so policies built on it are known at preview and checked offline."""
    return arn_from_name(queue.name, "arn:aws:sqs:{region}:{account}:{name}", region=place["region"],
                         account=place["account_id"])


def dead_letter_queue(name: str, place: Place, kms_key_arn: pulumi.Input[str], alert_topic_arn: pulumi.Input[str],
                      tags: dict[str, str], parent: pulumi.Resource, fifo: bool = False,
                      queue_name: str | None = None) -> aws.sqs.Queue:
    """Where failed messages or events wait for someone: encrypted, TLS-only, kept 14 days, alarmed on depth."""
    queue = aws.sqs.Queue(name, name=queue_name or f"{name}{'.fifo' if fifo else ''}", kms_master_key_id=kms_key_arn,
                          kms_data_key_reuse_period_seconds=300, fifo_queue=fifo or None,
                          message_retention_seconds=FOURTEEN_DAYS, tags=tags,
                          opts=pulumi.ResourceOptions(parent=parent, protect=True))
    tls_only(f"{name}-policy", queue, queue_arn(queue, place), parent)
    watch_resource(name, QUEUE, queue.name, [Alarm(
        "depth", "messages or events failed processing", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum",
        "GreaterThanOrEqualToThreshold", 1, datapoints=1, evaluation_periods=1)], alert_topic_arn, tags,
        pulumi.ResourceOptions(parent=parent))
    return queue


def tls_only(name: str, queue: aws.sqs.Queue, arn: pulumi.Input[str], parent: pulumi.Resource) -> aws.sqs.QueuePolicy:
    """The queue policy that refuses any request not made over TLS (CC6.7)."""
    return aws.sqs.QueuePolicy(name, queue_url=queue.url, policy=policy_document([{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*",
        "Resource": arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]),
        opts=pulumi.ResourceOptions(parent=parent))


class Queue(pulumi.ComponentResource):
    url: pulumi.Output[str]
    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    dead_letter_arn: pulumi.Output[str]

    def __init__(self, name: str, args: QueueArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:data:Queue", name, None, opts)
        tags = args.get("tags", {})
        base, fifo = args.get("queue_name", name), args.get("fifo", False)
        suffix = ".fifo" if fifo else ""
        dead = dead_letter_queue(f"{name}-dead-letter", args, args["kms_key_arn"], args["alert_topic_arn"], tags, self,
                                 fifo, f"{base}-dead-letter{suffix}")
        queue = aws.sqs.Queue(
            f"{name}-queue", name=f"{base}{suffix}", kms_master_key_id=args["kms_key_arn"],
            kms_data_key_reuse_period_seconds=300, fifo_queue=fifo or None,
            visibility_timeout_seconds=args.get("visibility_timeout_seconds", 30),
            message_retention_seconds=args.get("message_retention_seconds", FOUR_DAYS),
            redrive_policy=pulumi.Output.json_dumps({"deadLetterTargetArn": queue_arn(dead, args),
                                                     "maxReceiveCount": args.get("max_receive_count", 5)}),
            tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=True))
        tls_only(f"{name}-queue-policy", queue, queue_arn(queue, args), self)
        watch_resource(name, QUEUE, queue.name, [Alarm(
            "oldest-message", "messages wait too long", "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum",
            "GreaterThanThreshold", args.get("oldest_message_alarm_seconds", 900))], args["alert_topic_arn"], tags,
            pulumi.ResourceOptions(parent=self))
        self.url, self.arn, self.name, self.dead_letter_arn = queue.url, queue.arn, queue.name, dead.arn
        self.register_outputs({"url": self.url, "arn": self.arn, "dead_letter_arn": self.dead_letter_arn})
