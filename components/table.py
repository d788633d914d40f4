"""A DynamoDB table: encrypted with a customer-managed key, point-in-time recovery, deletion
protection, in the backup plan's selection, and alarms on throttling and system errors (CC6.1,
A1.2, CC7.2, CC7.5)."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .alarms import Alarm, watch_resource
from .catalog_facts import needs_backup

TABLE = "aws:dynamodb/table:Table"
ALARMS = [
    Alarm("read-throttles", "reads are throttled", "AWS/DynamoDB", "ReadThrottleEvents", "Sum",
          "GreaterThanOrEqualToThreshold", 1),
    Alarm("write-throttles", "writes are throttled", "AWS/DynamoDB", "WriteThrottleEvents", "Sum",
          "GreaterThanOrEqualToThreshold", 1),
    Alarm("system-errors", "DynamoDB returns server errors", "AWS/DynamoDB", "SystemErrors", "Sum",
          "GreaterThanOrEqualToThreshold", 1, datapoints=1, evaluation_periods=1),
]
KeyType = Literal["S", "N", "B"]


class TableArgs(TypedDict):
    hash_key: str
    """Partition key attribute."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key that encrypts the table (the data key)."""
    alert_topic_arn: pulumi.Input[str]
    """Topic the alarms notify."""
    hash_key_type: NotRequired[KeyType]
    """Partition key type: S, N or B (default S)."""
    range_key: NotRequired[str]
    """Sort key attribute, if any."""
    range_key_type: NotRequired[KeyType]
    """Sort key type (default S)."""
    table_name: NotRequired[str]
    """Table name (default: the component name)."""
    ttl_attribute: NotRequired[str]
    """Attribute holding each item's expiry time, so expired data is disposed of (C1.2)."""
    stream_view_type: NotRequired[Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]]
    """Turn on a DynamoDB stream with this view."""
    point_in_time_recovery: NotRequired[bool]
    """Continuous backups for restores to any second of the last 35 days (default on; off is reported)."""
    deletion_protection: NotRequired[bool]
    """Refuse deletion of the table (default on; off is reported)."""
    tags: NotRequired[dict[str, str]]
    """Tags for the table and its alarms."""


class Table(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    backup_arns: list[pulumi.Output[str]]
    """ARNs the backup plan must select (the catalog's backed-up types)."""

    def __init__(self, name: str, args: TableArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:data:Table", name, None, opts)
        tags = args.get("tags", {})
        keys = [(args["hash_key"], args.get("hash_key_type", "S"))]
        if args.get("range_key"):
            keys.append((args["range_key"], args.get("range_key_type", "S")))
        stream = {"stream_enabled": True, "stream_view_type": args["stream_view_type"]} \
            if args.get("stream_view_type") else {}
        table = aws.dynamodb.Table(
            f"{name}-table", name=args.get("table_name", name), billing_mode="PAY_PER_REQUEST",
            hash_key=args["hash_key"], range_key=args.get("range_key"),
            attributes=[{"name": attribute, "type": kind} for attribute, kind in keys],
            server_side_encryption={"enabled": True, "kms_key_arn": args["kms_key_arn"]},
            point_in_time_recovery={"enabled": args.get("point_in_time_recovery", True)},
            deletion_protection_enabled=args.get("deletion_protection", True),
            ttl={"attribute_name": args["ttl_attribute"], "enabled": True} if args.get("ttl_attribute") else None,
            tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=True), **stream)
        watch_resource(name, TABLE, table.name, ALARMS, args["alert_topic_arn"], tags,
                       pulumi.ResourceOptions(parent=self))
        self.name = table.name
        self.arn = table.arn
        self.backup_arns = [table.arn] if needs_backup(TABLE) else []
        self.register_outputs({"name": self.name, "arn": self.arn})
