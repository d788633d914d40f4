"""A customer-managed KMS key for one purpose: rotation on, an explicit key policy, an alias and a
deletion window (CC6.1, C1.1). AWS services that must use the key are named, never `*`.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .iam_documents import policy_document

USE = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


def _service_statements(service: str, account_id: pulumi.Input[str], region: str) -> list[dict[str, Any]]:
    """Key policy statements letting an AWS service use the key, scoped to this account."""
    if service == "cloudwatch-logs":
        return [{"Sid": "CloudWatchLogs", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                 "Action": USE, "Resource": "*",
                 "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                           pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":*")}}}]
    if service == "cloudtrail":
        return [{"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
                 "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                              pulumi.Output.concat("arn:aws:cloudtrail:*:", account_id, ":trail/*")}}}]
    if service in ("cloudwatch-alarms", "eventbridge"):
        principal = "cloudwatch.amazonaws.com" if service == "cloudwatch-alarms" else "events.amazonaws.com"
        return [{"Sid": service.replace("-", "").title(), "Effect": "Allow", "Principal": {"Service": principal},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]
    raise ValueError(f"unknown service {service!r} for a key policy")


class EncryptionKeyArgs(TypedDict):
    purpose: str
    """What the key protects (data, logs, backups); names the alias."""
    account_id: pulumi.Input[str]
    """Account whose root principal administers the key."""
    region: str
    """Region of the key, for service principals and encryption contexts."""
    services: NotRequired[list[str]]
    """AWS services allowed to use the key: cloudwatch-logs, cloudtrail, cloudwatch-alarms, eventbridge."""
    deletion_window_days: NotRequired[int]
    """Days a scheduled deletion can still be cancelled (7-30; default 30)."""
    enable_rotation: NotRequired[bool]
    """Yearly automatic rotation (default on; turning it off is reported by the policy pack)."""
    place_in_region: NotRequired[str]
    """Create the key in this region instead of the provider's (for cross-region copies)."""
    tags: NotRequired[dict[str, str]]
    """Tags for the key."""


class EncryptionKey(pulumi.ComponentResource):
    key_id: pulumi.Output[str]
    arn: pulumi.Output[str]
    alias_name: pulumi.Output[str]

    def __init__(self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:kms:EncryptionKey", name, None, opts)
        statements: list[dict[str, Any]] = [{
            "Sid": "AccountAdministers", "Effect": "Allow",
            "Principal": {"AWS": pulumi.Output.concat("arn:aws:iam::", args["account_id"], ":root")},
            "Action": "kms:*", "Resource": "*",
        }]
        for service in args.get("services", []):
            statements += _service_statements(service, args["account_id"], args["region"])
        where = {"region": args["place_in_region"]} if args.get("place_in_region") else {}
        key = aws.kms.Key(f"{name}-key", description=f"{args['purpose']} encryption key ({name})",
                          enable_key_rotation=args.get("enable_rotation", True),
                          deletion_window_in_days=args.get("deletion_window_days", 30),
                          policy=policy_document(statements), tags={**args.get("tags", {}), "soc2:purpose": args["purpose"]},
                          opts=pulumi.ResourceOptions(parent=self, protect=True), **where)
        alias = aws.kms.Alias(f"{name}-alias", name=f"alias/{name}", target_key_id=key.key_id,
                              opts=pulumi.ResourceOptions(parent=self), **where)
        self.key_id = key.key_id
        self.arn = key.arn
        self.alias_name = alias.name
        self.register_outputs({"key_id": self.key_id, "arn": self.arn, "alias_name": self.alias_name})
