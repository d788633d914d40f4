"""DocumentDB policy cases: clusters, global clusters, and the parameter groups clusters name."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, named
from tests.policies.cases_redshift import variant
from tests.policies.harness import Build, Case

SECURE_CLUSTER: dict[str, Any] = dict(
    cluster_identifier="documents", master_username="docs_admin", manage_master_user_password=True,
    storage_encrypted=True, kms_key_id=KEY, enabled_cloudwatch_logs_exports=["audit", "profiler"],
    backup_retention_period=7, deletion_protection=True)
AUDITED = [{"name": "audit_logs", "value": "enabled"}, {"name": "tls", "value": "enabled"}]

cluster = variant("cluster", lambda **a: aws.docdb.Cluster("documents", **a), SECURE_CLUSTER)
global_cluster = variant("global_cluster", lambda **a: aws.docdb.GlobalCluster(
    "documents", global_cluster_identifier="documents", **a), {"engine": "docdb", "storage_encrypted": True})
SECURE = cluster()


def with_parameter_group(parameters: list[dict[str, str]] | None, by: str = "output") -> Build:
    """A cluster and, unless `parameters` is None, a cluster parameter group it names by output or literally."""
    def build() -> None:
        name: Any = None
        if parameters is not None:
            group = aws.docdb.ClusterParameterGroup("documents", name="documents-audited", family="docdb5.0",
                                                    parameters=parameters)
            name = group.name if by == "output" else "documents-audited"
        aws.docdb.Cluster("documents", **{**SECURE_CLUSTER, "db_cluster_parameter_group_name": name})
    return named(f"with_parameter_group({parameters}, by={by})", build)


def global_from_source() -> None:
    source = aws.docdb.Cluster("documents", **SECURE_CLUSTER)
    aws.docdb.GlobalCluster("documents", global_cluster_identifier="documents", source_db_cluster_identifier=source.arn)


TLS_OFF = [{"name": "audit_logs", "value": "enabled"}, {"name": "tls", "value": "disabled"}]

CASES = [
    Case("docdb-cluster-storage-encrypted", SECURE, cluster(storage_encrypted=None),
         "storage is unencrypted: storageEncrypted is unset"),
    Case("docdb-cluster-storage-encrypted", SECURE, cluster(kms_key_id=None),
         "storage uses the AWS-managed key: kmsKeyId is not set"),
    Case("docdb-cluster-storage-encrypted", cluster(kms_key_id=None), cluster(storage_encrypted=False),
         "storageEncrypted is False", config={"docdb-cluster-storage-encrypted": {"requireCustomerKey": False}}),
    Case("docdb-globalcluster-storage-encrypted", global_cluster(),
         global_cluster(storage_encrypted=None), "storageEncrypted is unset"),
    Case("docdb-globalcluster-storage-encrypted", named("global_from_source", global_from_source),
         global_cluster(storage_encrypted=False), "storage is unencrypted"),
    Case("docdb-cluster-log-exports", SECURE, cluster(enabled_cloudwatch_logs_exports=["profiler"]),
         "logs not exported to CloudWatch Logs: audit"),
    Case("docdb-cluster-log-exports", SECURE, cluster(enabled_cloudwatch_logs_exports=None),
         "audit, profiler (enabledCloudwatchLogsExports is unset)"),
    Case("docdb-cluster-tls-enabled", with_parameter_group(None), with_parameter_group(TLS_OFF),
         "its parameter group documents is at fault: tls is disabled"),
    Case("docdb-cluster-tls-enabled", with_parameter_group(AUDITED, by="name"),
         with_parameter_group(TLS_OFF, by="name"), "parameter group documents: tls is disabled"),
    Case("docdb-cluster-tls-enabled", cluster(db_cluster_parameter_group_name="default.docdb5.0"),
         cluster(db_cluster_parameter_group_name="shared-docdb"),
         "names shared-docdb, a parameter group this stack does not manage, so tls cannot be verified"),
    Case("docdb-cluster-audit-logs-enabled", with_parameter_group(AUDITED), with_parameter_group(None),
         "uses the default parameter group: audit_logs is disabled there"),
    Case("docdb-cluster-audit-logs-enabled", with_parameter_group([{"name": "audit_logs", "value": "all"}], by="name"),
         with_parameter_group([{"name": "audit_logs", "value": "disabled"}], by="name"),
         "audit_logs is disabled, so no audit events are recorded"),
    Case("docdb-cluster-audit-logs-enabled", cluster(db_cluster_parameter_group_name="shared-docdb"),
         cluster(db_cluster_parameter_group_name="default.docdb5.0"),
         "uses the default parameter group default.docdb5.0",
         config={"docdb-cluster-audit-logs-enabled": {"externalParameterGroups": ["shared-docdb"]}}),
    Case("docdb-cluster-backup-retention", SECURE, cluster(backup_retention_period=None),
         "backupRetentionPeriod is unset, below the minimum of 7"),
    Case("docdb-cluster-deletion-protection", SECURE, cluster(deletion_protection=False),
         "the cluster can be deleted"),
]
