"""Neptune policy cases: clusters, instances, global clusters and snapshots."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import KEY, named
from tests.policies.cases_redshift import variant
from tests.policies.harness import Build, Case

SECURE_CLUSTER: dict[str, Any] = dict(
    cluster_identifier="graph", storage_encrypted=True, kms_key_arn=KEY, enable_cloudwatch_logs_exports=["audit"],
    iam_database_authentication_enabled=True, backup_retention_period=7, copy_tags_to_snapshot=True,
    deletion_protection=True)

cluster = variant("cluster", lambda **a: aws.neptune.Cluster("graph", **a), SECURE_CLUSTER)
instance = variant("instance", lambda **a: aws.neptune.ClusterInstance("graph-1", **a),
                   {"cluster_identifier": "graph", "instance_class": "db.r6g.large"})
global_cluster = variant("global_cluster", lambda **a: aws.neptune.GlobalCluster(
    "graph", global_cluster_identifier="graph", engine="neptune", **a), {"storage_encrypted": True})
SECURE = cluster()


def snapshot_of(by: str = "output", **changes: Any) -> Build:
    """A cluster and a snapshot naming it by output, by literal identifier, or ('external') a cluster elsewhere."""
    def build() -> None:
        graph = aws.neptune.Cluster("graph", **{**SECURE_CLUSTER, **changes})
        source = {"output": graph.id, "name": "graph", "external": "other-graph"}[by]
        aws.neptune.ClusterSnapshot("graph-manual", db_cluster_identifier=source,
                                    db_cluster_snapshot_identifier="graph-manual")
    return named(f"snapshot_of(by={by}, {changes})", build)


CASES = [
    Case("neptune-cluster-storage-encrypted", SECURE, cluster(storage_encrypted=None),
         "storage is unencrypted: storageEncrypted is unset"),
    Case("neptune-cluster-storage-encrypted", SECURE, cluster(kms_key_arn=None),
         "storage uses the AWS-managed key: kmsKeyArn is not set"),
    Case("neptune-cluster-storage-encrypted", cluster(kms_key_arn=None), cluster(storage_encrypted=False),
         "storageEncrypted is False", config={"neptune-cluster-storage-encrypted": {"requireCustomerKey": False}}),
    Case("neptune-clustersnapshot-encrypted", snapshot_of(), snapshot_of(storage_encrypted=False),
         "snapshot of cluster graph, whose storage is unencrypted"),
    Case("neptune-clustersnapshot-encrypted", snapshot_of(by="external", storage_encrypted=False),
         snapshot_of(by="name", kms_key_arn=None), "whose storage uses the AWS-managed key: kmsKeyArn is not set"),
    Case("neptune-globalcluster-storage-encrypted", global_cluster(), global_cluster(storage_encrypted=None),
         "storageEncrypted is unset"),
    Case("neptune-cluster-audit-log-export", SECURE, cluster(enable_cloudwatch_logs_exports=["slowquery"]),
         "the audit log is not exported: enableCloudwatchLogsExports is ['slowquery']"),
    Case("neptune-clusterinstance-not-public", instance(), instance(publicly_accessible=True),
         "publiclyAccessible is true"),
    Case("neptune-cluster-iam-authentication", SECURE, cluster(iam_database_authentication_enabled=None),
         "requests are not authenticated"),
    Case("neptune-cluster-backup-retention", SECURE, cluster(backup_retention_period=3), "below the minimum of 7"),
    Case("neptune-cluster-copy-tags-to-snapshot", SECURE, cluster(copy_tags_to_snapshot=False),
         "snapshots lose the cluster's tags"),
    Case("neptune-cluster-deletion-protection", SECURE, cluster(deletion_protection=None),
         "the cluster can be deleted"),
]
