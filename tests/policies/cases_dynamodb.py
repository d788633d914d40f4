"""DynamoDB and DAX policy cases: tables alone, with inline replicas, with TableReplica resources, and
keyed by a literal ARN or by a key the program creates."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AWS_MANAGED = "arn:aws:kms:us-east-1:123456789012:alias/aws/dynamodb"
WEST_KEY = "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
SECURE_TABLE: dict[str, Any] = dict(
    hash_key="id", attributes=[{"name": "id", "type": "S"}], billing_mode="PAY_PER_REQUEST",
    point_in_time_recovery={"enabled": True}, server_side_encryption={"enabled": True, "kms_key_arn": KEY},
    deletion_protection_enabled=True)
SECURE_REPLICA: dict[str, Any] = dict(region_name="us-west-2", kms_key_arn=WEST_KEY, point_in_time_recovery=True,
                                      deletion_protection_enabled=True)
SECURE_DAX: dict[str, Any] = dict(
    cluster_name="cache", iam_role_arn="arn:aws:iam::123456789012:role/dax", node_type="dax.r5.large",
    replication_factor=3, server_side_encryption={"enabled": True}, cluster_endpoint_encryption_type="TLS")


def _label(changes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in changes.items()) or "secure"


def table(**changes: Any) -> Build:
    def build() -> None:
        aws.dynamodb.Table("orders", **{**SECURE_TABLE, **changes})
    build.__name__ = f"table({_label(changes)})"
    return build


def global_table(**replica_changes: Any) -> Build:
    """A table replicated through its own `replicas` (global tables version 2019)."""
    def build() -> None:
        aws.dynamodb.Table("orders", **SECURE_TABLE, stream_enabled=True, stream_view_type="NEW_AND_OLD_IMAGES",
                           replicas=[{**SECURE_REPLICA, **replica_changes}])
    build.__name__ = f"global_table({_label(replica_changes)})"
    return build


def table_replica(**changes: Any) -> Build:
    """A table keyed by a key of the program, and a TableReplica resource of it in another region."""
    def build() -> None:
        key = aws.kms.Key("orders-key", enable_key_rotation=True)
        source = aws.dynamodb.Table("orders", **{**SECURE_TABLE, "server_side_encryption": {
            "enabled": True, "kms_key_arn": key.arn}}, stream_enabled=True, stream_view_type="NEW_AND_OLD_IMAGES")
        west = aws.Provider("west", region="us-west-2")
        args = {"kms_key_arn": WEST_KEY, "point_in_time_recovery": True, "deletion_protection_enabled": True}
        aws.dynamodb.TableReplica("orders-west", global_table_arn=source.arn, **{**args, **changes},
                                  opts=pulumi.ResourceOptions(provider=west))
    build.__name__ = f"table_replica({_label(changes)})"
    return build


def dax(**changes: Any) -> Build:
    def build() -> None:
        aws.dax.Cluster("cache", **{**SECURE_DAX, **changes})
    build.__name__ = f"dax({_label(changes)})"
    return build


CASES = [
    Case("dynamodb-table-point-in-time-recovery", table(), table(point_in_time_recovery=None),
         "pointInTimeRecovery.enabled is unset"),
    Case("dynamodb-table-point-in-time-recovery", table(point_in_time_recovery={"enabled": True,
                                                                                "recovery_period_in_days": 35}),
         table(point_in_time_recovery={"enabled": True, "recovery_period_in_days": 3}),
         "recoveryPeriodInDays is 3, below the minimum of 7"),
    Case("dynamodb-table-point-in-time-recovery", global_table(), global_table(point_in_time_recovery=False),
         "replica in us-west-2 cannot be restored to a point in time"),
    Case("dynamodb-table-point-in-time-recovery", table_replica(), table_replica(point_in_time_recovery=None),
         "the replica cannot be restored to a point in time: pointInTimeRecovery is unset"),
    Case("dynamodb-table-kms-encrypted", table(), table(server_side_encryption={"enabled": False}),
         "encrypted with an AWS-owned key"),
    Case("dynamodb-table-kms-encrypted", table(server_side_encryption={"enabled": True}),
         table(server_side_encryption=None), "serverSideEncryption.enabled is unset",
         config={"dynamodb-table-kms-encrypted": {"requireCustomerKey": False}}),
    Case("dynamodb-table-kms-encrypted", table(), table(server_side_encryption={"enabled": True, "kms_key_arn": AWS_MANAGED}),
         "an AWS-managed key"),
    Case("dynamodb-table-kms-encrypted", table(), table(server_side_encryption={"enabled": True}),
         "serverSideEncryption.kmsKeyArn is not set"),
    Case("dynamodb-table-kms-encrypted", global_table(), global_table(kms_key_arn=None),
         "replica in us-west-2 is not encrypted with a customer-managed key: replicas.0.kmsKeyArn is not set"),
    Case("dynamodb-table-kms-encrypted", table_replica(), table_replica(kms_key_arn=None),
         "the replica is not encrypted with a customer-managed key: kmsKeyArn is not set"),
    Case("dynamodb-table-deletion-protection", table(), table(deletion_protection_enabled=False),
         "the table can be deleted: deletionProtectionEnabled is False"),
    Case("dynamodb-table-deletion-protection", global_table(), global_table(deletion_protection_enabled=None),
         "replica in us-west-2 can be deleted"),
    Case("dynamodb-table-deletion-protection", table_replica(), table_replica(deletion_protection_enabled=None),
         "the replica can be deleted: deletionProtectionEnabled is unset"),
    Case("dax-cluster-encrypted-at-rest", dax(), dax(server_side_encryption=None),
         "cached items are stored unencrypted: serverSideEncryption.enabled is unset"),
    Case("dax-cluster-encrypted-at-rest", dax(), dax(server_side_encryption={"enabled": False}),
         "serverSideEncryption.enabled is False"),
    Case("dax-cluster-endpoint-tls", dax(), dax(cluster_endpoint_encryption_type=None),
         "clusterEndpointEncryptionType is unset, not 'TLS'"),
    Case("dax-cluster-endpoint-tls", dax(), dax(cluster_endpoint_encryption_type="NONE"),
         "clusterEndpointEncryptionType is 'NONE'"),
]
