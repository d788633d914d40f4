"""IAM policy documents as JSON, built locally so previews see them without calling AWS."""

from __future__ import annotations

from typing import Any

import pulumi

VERSION = "2012-10-17"


def policy_document(statements: list[dict[str, Any]]) -> pulumi.Output[str]:
    """A policy document; statements may hold Outputs (ARNs), resolved into one JSON string."""
    return pulumi.Output.json_dumps({"Version": VERSION, "Statement": statements})


def assume_role_policy(service: str, conditions: dict[str, Any] | None = None) -> pulumi.Output[str]:
    """A trust policy letting one AWS service assume the role."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if conditions:
        statement["Condition"] = conditions
    return policy_document([statement])


def deny_insecure_transport(bucket_arn: pulumi.Input[str]) -> dict[str, Any]:
    """The statement that refuses any request to a bucket not made over TLS (CC6.7)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def arn_from_name(name: pulumi.Output[str], template: str, **parts: pulumi.Input[str]) -> pulumi.Output[str]:
    """An ARN built from a resource's own name output, e.g. "arn:aws:sns:{region}:{account}:{name}".

    Known at preview when the name is (so policy documents that use it can be checked offline),
    and it keeps the dependency on the resource, unlike a string formatted by hand.
    """
    keys = list(parts)
    return pulumi.Output.all(name, *parts.values()).apply(
        lambda values: template.format(name=values[0], **dict(zip(keys, values[1:]))))
