"""SQS: queues, queue policies and redrive (dead-letter) policies."""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from . import customer_key, documents
from .catalog import Arn, Dimension
from .checks import list_schema
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("sqs", "SQS", "Queues, queue policies and dead-letter queues.")

QUEUE = SERVICE.resource_type("aws:sqs/queue:Queue", kind="queue", key="kmsMasterKeyId", public=True,
                              arn=Arn("sqs", "", "name"), dimension=Dimension("QueueName", "name"))
QUEUE_POLICY = SERVICE.resource_type("aws:sqs/queuePolicy:QueuePolicy", kind="queue policy")
REDRIVE_POLICY = SERVICE.resource_type("aws:sqs/redrivePolicy:RedrivePolicy", kind="redrive policy")
REDRIVE_ALLOW = SERVICE.resource_type("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", kind="redrive allow policy")
POLICY_CARRIERS = [QUEUE_POLICY, QUEUE]
# Properties, on any resource, through which a queue receives what another resource failed to process
# (queue and subscription redrive, Lambda and EventBridge dead-letter configs, invocation destinations).
FAILURE_PROPERTIES = ("redrivePolicy", "deadLetterConfig", "destinationConfig")


def public_statements(r: Resource, path: str) -> Iterable[str]:
    """Messages for each statement of the document at `path` that allows everyone without a narrowing condition."""
    for index, statement in enumerate(documents.statements(r.document(path))):
        if documents.is_public_allow(statement):
            yield f"statement {statement.get('Sid', index)!s} allows everyone ('*') without a restricting condition"


@SERVICE.resource_policy(
    name="sqs-queue-encrypted", types=[QUEUE], severity="high", criteria=["CC6.1", "C1.1"],
    description="SQS queues encrypt messages at rest, with a customer-managed KMS key unless configured otherwise.",
    remediation="Set kms_master_key_id to a customer-managed key whose policy admits the producing services "
                "(sns.amazonaws.com, events.amazonaws.com); never set sqs_managed_sse_enabled=False.",
    config={**customer_key.SCHEMA,
            "awsManagedKeys": list_schema(["alias/aws/sqs"], "AWS-managed key aliases not accepted as "
                                          "kmsMasterKeyId (also matched as an alias ARN).")},
    checkov=["CKV_AWS_27", "CKV2_AWS_73"])
def _encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("kmsMasterKeyId"):
        if r.get("sqsManagedSseEnabled") is False:
            yield "messages are stored unencrypted: sqsManagedSseEnabled is false and kmsMasterKeyId is not set"
        elif config["requireCustomerKey"]:
            yield "kmsMasterKeyId is not set: messages are encrypted only with the SQS-owned key (SSE-SQS)"
        return
    key = r.peek("kmsMasterKeyId")  # unknown here is computed from a key resource, never an AWS alias
    if config["requireCustomerKey"] and isinstance(key, str) and any(
            key == alias or key.endswith(f":{alias}") for alias in map(str, config["awsManagedKeys"])):
        yield f"kmsMasterKeyId is {key!r}, an AWS-managed key whose policy this account cannot restrict"


@SERVICE.resource_policy(
    name="sqs-queuepolicy-no-public-access", types=POLICY_CARRIERS, severity="critical", criteria=["CC6.1", "CC6.6"],
    description="SQS queue policies grant nothing to everyone.",
    remediation="Name the principals (Service sns.amazonaws.com, an account or role ARN) in every Allow, or narrow `*` "
                "with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.",
    checkov=["CKV_AWS_168", "CKV_AWS_387"])
def _no_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    yield from public_statements(r, "policy")


@SERVICE.resource_policy(
    name="sqs-queuepolicy-no-wildcard-actions", types=POLICY_CARRIERS, severity="high", criteria=["CC6.3"],
    description="SQS queue policies allow named actions, never every action.",
    remediation="List the actions each principal needs (sqs:SendMessage for producers; sqs:ReceiveMessage, "
                "sqs:DeleteMessage and sqs:GetQueueAttributes for consumers) instead of '*' or 'sqs:*'.",
    checkov=["CKV_AWS_72"])
def _no_wildcard_actions(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, statement in enumerate(documents.statements(r.document("policy"))):
        if not documents.is_allow(statement):
            continue
        label = statement.get("Sid", index)
        if wild := [a for a in documents.actions(statement) if a == "*" or a.lower() == "sqs:*"]:
            yield f"statement {label!s} allows every queue action ({wild[0]!r})"
        elif statement.get("NotAction") is not None:
            yield f"statement {label!s} allows every action but those in NotAction"


@SERVICE.resource_policy(
    name="sqs-queuepolicy-tls-only", types=POLICY_CARRIERS, severity="high", criteria=["CC6.7"],
    description="SQS queue policies refuse requests made without TLS.",
    remediation="Add a statement: Effect Deny, Principal '*', Action 'sqs:*', Resource the queue ARN, Condition "
                "Bool aws:SecureTransport 'false'.")
def _tls_only(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.type == QUEUE and not r.is_set("policy"):
        return  # a queue without an inline policy: sqs-queue-policy-attached judges it
    if not documents.denies_insecure_transport(r.document("policy")):
        yield "the queue policy does not deny requests made without TLS (aws:SecureTransport = false)"


def _policies_by_queue(stack: Stack, types: list[str], path: str) -> dict[str, list[Resource]]:
    return stack.referrers(types, path, [QUEUE], "name")


@SERVICE.stack_policy(
    name="sqs-queue-policy-attached", severity="high", criteria=["CC6.7", "CC6.1"],
    description="Every SQS queue has a queue policy (which sqs-queuepolicy-tls-only requires to refuse requests "
                "without TLS).",
    remediation="Add an aws.sqs.QueuePolicy with queue_url=queue.url (or the queue's policy argument) whose document "
                "denies sqs:* when aws:SecureTransport is false.",
    examines=[QUEUE])
def _policy_attached(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    policies = _policies_by_queue(stack, [QUEUE_POLICY], "queueUrl")
    for queue in stack.of_type(QUEUE):
        if not queue.is_set("policy") and not policies.get(queue.urn):
            yield (f"queue {queue.name} has no queue policy, so nothing refuses requests made without TLS"), queue.urn


def _named_targets(value: Any) -> list[str]:
    """The queue name at the end of an inline redrive document's target ARN (a JSON string or an object)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, Mapping):
        return []
    arn = value.get("deadLetterTargetArn")
    return [arn.rsplit(":", 1)[-1]] if isinstance(arn, str) and arn not in ("", UNKNOWN) else []


def _failure_queues(stack: Stack) -> set[str]:
    """URNs of queues that receive failed messages or events: dead-letter queues and on-failure destinations."""
    names = {n: q.urn for q in stack.of_type(QUEUE) if isinstance(n := q.peek("name"), str) and n != UNKNOWN}
    found = {q.urn for q in stack.of_type(QUEUE) if q.is_set("redriveAllowPolicy")}
    for resource in stack:
        for prop in FAILURE_PROPERTIES:
            found |= {d.urn for d in resource.depends_on(prop) if d.type == QUEUE and d is not resource}
        found |= {names[n] for n in _named_targets(resource.peek("redrivePolicy")) if n in names}
    found |= set(_policies_by_queue(stack, [REDRIVE_ALLOW], "queueUrl"))
    return found


@SERVICE.stack_policy(
    name="sqs-queue-dead-letter", severity="medium", criteria=["A1.2", "PI1.4"],
    description="SQS queues move messages that keep failing to a dead-letter queue instead of dropping them when they "
                "expire.",
    remediation="Create a dead-letter queue and set redrive_policy=json.dumps({'deadLetterTargetArn': dlq.arn, "
                "'maxReceiveCount': 5}) on the queue (or an aws.sqs.RedrivePolicy). Queues that are themselves "
                "dead-letter queues are exempt.",
    examines=[QUEUE])
def _dead_letter(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    if not stack.of_type(QUEUE):
        return  # finding dead-letter queues walks every resource
    redriven = _policies_by_queue(stack, [REDRIVE_POLICY], "queueUrl")
    exempt = _failure_queues(stack)
    for queue in stack.of_type(QUEUE):
        if queue.urn in exempt or queue.is_set("redrivePolicy") or redriven.get(queue.urn):
            continue
        yield (f"queue {queue.name} has no redrive policy: messages that keep failing are lost when they expire"), \
            queue.urn
