"""DocumentDB: clusters, global clusters and the cluster parameter groups that hold TLS and audit settings."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .catalog import Arn, Dimension
from .checks import at_least, flag_on, list_schema, minimum_schema, shown
from .companions import parameter_group_check
from .declare import Service
from .framework import Resource

SERVICE = Service("docdb", "DocumentDB", "Document databases: clusters, global clusters, cluster parameter groups.")

CLUSTER = SERVICE.resource_type(
    "aws:docdb/cluster:Cluster", kind="document database cluster", stateful=True, backup=True,
    arn=Arn("rds", "cluster:", "clusterIdentifier"), dimension=Dimension("DBClusterIdentifier", "clusterIdentifier"),
    alarmed=True, key="kmsKeyId")
GLOBAL_CLUSTER = SERVICE.resource_type("aws:docdb/globalCluster:GlobalCluster", kind="global cluster")
PARAMETER_GROUP = SERVICE.resource_type("aws:docdb/clusterParameterGroup:ClusterParameterGroup",
                                        kind="cluster parameter group")
AUDITING = {"enabled", "all", "ddl", "dml_read", "dml_write"}
PARAMETER_GROUPS = {"externalParameterGroups": list_schema([], "Names of cluster parameter groups managed outside "
                                                               "this stack that are trusted to have the setting.")}


@SERVICE.resource_policy(
    name="docdb-cluster-storage-encrypted", types=[CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="DocumentDB clusters encrypt storage, with a customer-managed KMS key unless configured not to.",
    remediation="Set storage_encrypted=True and kms_key_id to a customer-managed key with rotation (storage "
                "encryption is chosen at creation: restore an encrypted snapshot to change it).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_74", "CKV_AWS_182"])
def _storage_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.get("storageEncrypted") is not True:
        yield f"storage is unencrypted: storageEncrypted is {shown(r.get('storageEncrypted'))}"
    elif problem := customer_key.problem_if_required(r, config, "kmsKeyId"):
        yield f"storage uses the AWS-managed key: {problem}"


@SERVICE.resource_policy(
    name="docdb-globalcluster-storage-encrypted", types=[GLOBAL_CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="DocumentDB global clusters encrypt storage (one made from an existing cluster inherits that "
                "cluster's encryption, which docdb-cluster-storage-encrypted judges).",
    remediation="Set storage_encrypted=True on the aws.docdb.GlobalCluster, or create it from an encrypted cluster "
                "with source_db_cluster_identifier.",
    checkov=["CKV_AWS_292"])
def _global_encrypted(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("sourceDbClusterIdentifier") and r.get("storageEncrypted") is not True:
        yield f"storage is unencrypted: storageEncrypted is {shown(r.get('storageEncrypted'))}"


def _log_exports(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    exported = [e for e in r.list("enabledCloudwatchLogsExports") if isinstance(e, str)]
    if missing := [log for log in config["requiredLogs"] if log not in exported]:
        yield f"logs not exported to CloudWatch Logs: {', '.join(missing)} (enabledCloudwatchLogsExports is " \
              f"{shown(exported or None)})"


SERVICE.resource_policy(
    name="docdb-cluster-log-exports", types=[CLUSTER], severity="high", criteria=["CC7.2", "CC7.3"],
    description="DocumentDB clusters export their audit and profiler logs to CloudWatch Logs.",
    remediation="Set enabled_cloudwatch_logs_exports=['audit', 'profiler'] (audit events also need audit_logs "
                "enabled in the cluster parameter group).",
    config={"requiredLogs": list_schema(["audit", "profiler"], "Log types that must be exported.")},
    checkov=["CKV_AWS_85"],
)(_log_exports)


def _tls_problem(parameters: dict[str, str]) -> str | None:
    return "tls is disabled, so clients may connect without TLS" if parameters.get("tls") == "disabled" else None


def _audit_problem(parameters: dict[str, str]) -> str | None:
    value = parameters.get("audit_logs")
    return None if value in AUDITING else f"audit_logs is {value or 'unset'}, so no audit events are recorded"


SERVICE.stack_policy(
    name="docdb-cluster-tls-enabled", severity="high", criteria=["CC6.7"],
    description="DocumentDB clusters use a parameter group that keeps TLS on (the default groups do).",
    remediation="Remove the tls=disabled parameter from the aws.docdb.ClusterParameterGroup (or set tls to enabled or "
                "tls1.2+); list groups managed in another stack in externalParameterGroups.",
    config=PARAMETER_GROUPS, checkov=["CKV_AWS_90"], examines=[CLUSTER, PARAMETER_GROUP],
)(parameter_group_check([CLUSTER], "dbClusterParameterGroupName", [PARAMETER_GROUP], _tls_problem, None, "tls",
                        "externalParameterGroups"))

SERVICE.stack_policy(
    name="docdb-cluster-audit-logs-enabled", severity="high", criteria=["CC7.2", "CC7.3"],
    description="DocumentDB clusters use a parameter group that records audit events (audit_logs enabled; the default "
                "groups leave it disabled).",
    remediation="Create an aws.docdb.ClusterParameterGroup with the parameter audit_logs=enabled (or all) and pass its "
                "name as db_cluster_parameter_group_name; list groups managed in another stack in "
                "externalParameterGroups.",
    config=PARAMETER_GROUPS, checkov=["CKV_AWS_104"], examines=[CLUSTER, PARAMETER_GROUP],
)(parameter_group_check([CLUSTER], "dbClusterParameterGroupName", [PARAMETER_GROUP], _audit_problem,
                        "audit_logs is disabled there, so no audit events are recorded", "audit_logs",
                        "externalParameterGroups"))

SERVICE.resource_policy(
    name="docdb-cluster-backup-retention", types=[CLUSTER], severity="high", criteria=["A1.2", "CC7.5"],
    description="DocumentDB clusters keep automated backups for at least the minimum number of days.",
    remediation="Set backup_retention_period to at least the minimum (the default is 1).",
    config={"minDays": minimum_schema(7, "Fewest days automated backups are kept.", 1)}, checkov=["CKV_AWS_360"],
)(at_least("backupRetentionPeriod", "minDays", "backups are kept too briefly", missing=1))

SERVICE.resource_policy(
    name="docdb-cluster-deletion-protection", types=[CLUSTER], severity="high", criteria=["CC6.5", "A1.2"],
    description="DocumentDB clusters refuse deletion.",
    remediation="Set deletion_protection=True; turn it off only in the change that retires the cluster.",
)(flag_on("deletionProtection", "the cluster can be deleted"))
