"""Neptune: graph database clusters, their instances, global clusters and snapshots."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .catalog import Arn, Dimension
from .checks import at_least, flag_off, flag_on, minimum_schema, shown
from .companions import named_by
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("neptune", "Neptune", "Graph databases: clusters, instances, global clusters, snapshots.")

CLUSTER = SERVICE.resource_type(
    "aws:neptune/cluster:Cluster", kind="graph database cluster", stateful=True, backup=True,
    arn=Arn("rds", "cluster:", "clusterIdentifier"), dimension=Dimension("DBClusterIdentifier", "clusterIdentifier"),
    alarmed=True, key="kmsKeyArn", replica="replicationSourceIdentifier")
INSTANCE = SERVICE.resource_type("aws:neptune/clusterInstance:ClusterInstance", kind="graph database instance",
                                 public=True)
GLOBAL_CLUSTER = SERVICE.resource_type("aws:neptune/globalCluster:GlobalCluster", kind="global cluster")
SNAPSHOT = SERVICE.resource_type("aws:neptune/clusterSnapshot:ClusterSnapshot", kind="cluster snapshot")


def _encryption_problem(r: Resource, config: Mapping[str, Any], key: str) -> str | None:
    if r.get("storageEncrypted") is not True:
        return f"storage is unencrypted: storageEncrypted is {shown(r.get('storageEncrypted'))}"
    if problem := customer_key.problem_if_required(r, config, key):
        return f"storage uses the AWS-managed key: {problem}"
    return None


@SERVICE.resource_policy(
    name="neptune-cluster-storage-encrypted", types=[CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="Neptune clusters encrypt storage, with a customer-managed KMS key unless configured not to.",
    remediation="Set storage_encrypted=True and kms_key_arn to a customer-managed key with rotation (storage "
                "encryption is chosen at creation: restore an encrypted snapshot to change it).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_44", "CKV_AWS_347"])
def _storage_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if problem := _encryption_problem(r, config, "kmsKeyArn"):
        yield problem


@SERVICE.stack_policy(
    name="neptune-clustersnapshot-encrypted", severity="high", criteria=["CC6.1", "C1.1"],
    description="Neptune cluster snapshots are encrypted (with a customer-managed key unless configured not to): a "
                "snapshot takes the encryption of its cluster, judged here when the cluster is in the stack and from "
                "the snapshot's own state otherwise.",
    remediation="Encrypt the source cluster (storage_encrypted=True with kms_key_arn); copy an unencrypted snapshot "
                "with a kms_key_id before sharing or restoring it.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_279", "CKV_AWS_280"], examines=[SNAPSHOT])
def _snapshot_encrypted(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    sources = named_by(stack, [SNAPSHOT], "dbClusterIdentifier", [CLUSTER], "clusterIdentifier")
    for snapshot in stack.of_type(SNAPSHOT):
        if snapshot.urn in sources:
            for cluster in sources[snapshot.urn]:
                if problem := _encryption_problem(cluster, config, "kmsKeyArn"):
                    yield f"snapshot of cluster {cluster.name}, whose {problem}", snapshot.urn
        elif snapshot.peek("storageEncrypted") not in (None, UNKNOWN):
            # A deployed snapshot of a cluster managed elsewhere reports its own encryption.
            if problem := _encryption_problem(snapshot, config, "kmsKeyId"):
                yield problem, snapshot.urn


@SERVICE.resource_policy(
    name="neptune-globalcluster-storage-encrypted", types=[GLOBAL_CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="Neptune global clusters encrypt storage (one made from an existing cluster inherits that cluster's "
                "encryption, which neptune-cluster-storage-encrypted judges).",
    remediation="Set storage_encrypted=True on the aws.neptune.GlobalCluster, or create it from an encrypted cluster "
                "with source_db_cluster_identifier.")
def _global_encrypted(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not r.is_set("sourceDbClusterIdentifier") and r.get("storageEncrypted") is not True:
        yield f"storage is unencrypted: storageEncrypted is {shown(r.get('storageEncrypted'))}"


@SERVICE.resource_policy(
    name="neptune-cluster-audit-log-export", types=[CLUSTER], severity="high", criteria=["CC7.2", "CC7.3"],
    description="Neptune clusters export their audit log to CloudWatch Logs.",
    remediation="Set enable_cloudwatch_logs_exports=['audit'] (and set neptune_enable_audit_log=1 in the cluster "
                "parameter group, which turns auditing on).",
    checkov=["CKV_AWS_101"])
def _audit_export(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    exported = [e for e in r.list("enableCloudwatchLogsExports") if isinstance(e, str)]
    if "audit" not in exported:
        yield f"the audit log is not exported: enableCloudwatchLogsExports is {shown(exported or None)}"


SERVICE.resource_policy(
    name="neptune-clusterinstance-not-public", types=[INSTANCE], severity="critical", criteria=["CC6.6", "C1.1"],
    description="Neptune instances are not reachable from the internet.",
    remediation="Set publicly_accessible=False (the default) and reach the database from inside the VPC.",
    checkov=["CKV_AWS_102"],
)(flag_off("publiclyAccessible", "the instance has a public endpoint"))

SERVICE.resource_policy(
    name="neptune-cluster-iam-authentication", types=[CLUSTER], severity="high", criteria=["CC6.1", "CC6.2"],
    description="Neptune clusters require IAM authentication (without it, anyone who reaches the endpoint can query "
                "the graph).",
    remediation="Set iam_database_authentication_enabled=True and grant neptune-db:* actions to the roles that query.",
    checkov=["CKV_AWS_359"],
)(flag_on("iamDatabaseAuthenticationEnabled", "requests are not authenticated"))

SERVICE.resource_policy(
    name="neptune-cluster-backup-retention", types=[CLUSTER], severity="high", criteria=["A1.2", "CC7.5"],
    description="Neptune clusters keep automated backups for at least the minimum number of days.",
    remediation="Set backup_retention_period to at least the minimum (the default is 1).",
    config={"minDays": minimum_schema(7, "Fewest days automated backups are kept.", 1)}, checkov=["CKV_AWS_361"],
)(at_least("backupRetentionPeriod", "minDays", "backups are kept too briefly", missing=1))

SERVICE.resource_policy(
    name="neptune-cluster-copy-tags-to-snapshot", types=[CLUSTER], severity="low", criteria=["CC6.5", "C1.1"],
    description="Neptune snapshots inherit the cluster's tags.",
    remediation="Set copy_tags_to_snapshot=True so snapshots keep owner and classification tags.",
    checkov=["CKV_AWS_362"],
)(flag_on("copyTagsToSnapshot", "snapshots lose the cluster's tags"))

SERVICE.resource_policy(
    name="neptune-cluster-deletion-protection", types=[CLUSTER], severity="high", criteria=["CC6.5", "A1.2"],
    description="Neptune clusters refuse deletion.",
    remediation="Set deletion_protection=True; turn it off only in the change that retires the cluster.",
    checkov=["CKV2_AWS_58"],
)(flag_on("deletionProtection", "the cluster can be deleted"))
