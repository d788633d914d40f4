"""DynamoDB: tables, their replicas (inline `replicas` of a table, and TableReplica resources).

A global table of the 2017 version (aws.dynamodb.GlobalTable) only joins tables by name; its recovery,
keys and deletion protection are those of the member tables, which these policies check one by one.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .catalog import Arn, Dimension
from .checks import minimum_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("dynamodb", "DynamoDB", "Tables and table replicas.")

TABLE = SERVICE.resource_type(
    "aws:dynamodb/table:Table", kind="table", stateful=True, backup=True, arn=Arn("dynamodb", "table/", "name"),
    dimension=Dimension("TableName", "name"), alarmed=True, key="serverSideEncryption.kmsKeyArn")
# A replica copies a table that is backed up and alarmed in its home region.
REPLICA = SERVICE.resource_type("aws:dynamodb/tableReplica:TableReplica", kind="table replica", stateful=True,
                                key="kmsKeyArn")
TABLES = [TABLE, REPLICA]


def _inline_replicas(r: Resource) -> list[tuple[str, str]]:
    """(label, property path prefix) of each replica declared in a table's `replicas`."""
    labels = []
    for i in range(len(r.list("replicas"))):
        region = r.peek(f"replicas.{i}.regionName")
        labels.append((f"replica in {region}" if isinstance(region, str) else f"replica {i}", f"replicas.{i}."))
    return labels


@SERVICE.resource_policy(
    name="dynamodb-table-point-in-time-recovery", types=TABLES, severity="high", criteria=["A1.2", "CC7.5"],
    description="DynamoDB tables and their replicas have point-in-time recovery on, with a long enough window.",
    remediation="Set point_in_time_recovery={'enabled': True} on the aws.dynamodb.Table (and recovery_period_in_days "
                "at least the minimum, or leave it at 35), point_in_time_recovery=True on each entry of replicas, "
                "and point_in_time_recovery=True on each aws.dynamodb.TableReplica.",
    config={"minDays": minimum_schema(7, "Fewest days a table can be restored back to.", 1)},
    checkov=["CKV_AWS_28", "CKV_AWS_165"])
def _point_in_time_recovery(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.type == REPLICA:
        if r.get("pointInTimeRecovery") is not True:
            yield ("the replica cannot be restored to a point in time: pointInTimeRecovery is "
                   f"{shown(r.get('pointInTimeRecovery'))}")
        return
    if r.get("pointInTimeRecovery.enabled") is not True:
        yield (f"the table cannot be restored to a point in time: pointInTimeRecovery.enabled is "
               f"{shown(r.get('pointInTimeRecovery.enabled'))}")
    elif (days := r.number("pointInTimeRecovery.recoveryPeriodInDays")) is not None and days < config["minDays"]:
        yield (f"pointInTimeRecovery.recoveryPeriodInDays is {shown(days)}, below the minimum of "
               f"{shown(config['minDays'])}")
    for label, path in _inline_replicas(r):
        if r.get(f"{path}pointInTimeRecovery") is not True:
            yield f"{label} cannot be restored to a point in time: {path}pointInTimeRecovery is not true"


@SERVICE.resource_policy(
    name="dynamodb-table-kms-encrypted", types=TABLES, severity="high", criteria=["CC6.1", "C1.1"],
    description="DynamoDB tables and their replicas are encrypted with a KMS key, by default a customer-managed one.",
    remediation="Set server_side_encryption={'enabled': True, 'kms_key_arn': key.arn} on the aws.dynamodb.Table, "
                "kms_key_arn on each entry of replicas (a key in the replica's region), and kms_key_arn on each "
                "aws.dynamodb.TableReplica.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_119", "CKV_AWS_271"])
def _kms_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    wanted = customer_key.required(config)
    if r.type == REPLICA:
        if wanted and (problem := customer_key.problem(r, "kmsKeyArn")):
            yield f"the replica is not encrypted with a customer-managed key: {problem}"
        return
    if r.get("serverSideEncryption.enabled") is not True:
        yield ("the table is encrypted with an AWS-owned key, outside the account's KMS: "
               f"serverSideEncryption.enabled is {shown(r.get('serverSideEncryption.enabled'))}")
        return
    if not wanted:
        return
    if problem := customer_key.problem(r, "serverSideEncryption.kmsKeyArn"):
        yield f"the table is not encrypted with a customer-managed key: {problem}"
    for label, path in _inline_replicas(r):
        if problem := customer_key.problem(r, f"{path}kmsKeyArn"):
            yield f"{label} is not encrypted with a customer-managed key: {problem}"


@SERVICE.resource_policy(
    name="dynamodb-table-deletion-protection", types=TABLES, severity="high", criteria=["CC6.5", "A1.2"],
    description="DynamoDB tables and their replicas refuse deletion.",
    remediation="Set deletion_protection_enabled=True on the aws.dynamodb.Table, on each entry of replicas and on each "
                "aws.dynamodb.TableReplica; turn it off only in the change that retires the table.")
def _deletion_protection(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    what = "the replica" if r.type == REPLICA else "the table"
    if r.get("deletionProtectionEnabled") is not True:
        yield f"{what} can be deleted: deletionProtectionEnabled is {shown(r.get('deletionProtectionEnabled'))}"
    for label, path in _inline_replicas(r):
        if r.get(f"{path}deletionProtectionEnabled") is not True:
            yield f"{label} can be deleted: {path}deletionProtectionEnabled is not true"
