"""RDS policy cases: a secure resource, and the same resource with one setting weakened."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

SECURE_INSTANCE: dict[str, Any] = dict(
    engine="postgres", engine_version="16.4", instance_class="db.t4g.medium", allocated_storage=20,
    storage_encrypted=True, kms_key_id=KEY, backup_retention_period=14, backup_window="03:00-04:00", multi_az=True,
    publicly_accessible=False, deletion_protection=True, skip_final_snapshot=False,
    final_snapshot_identifier="db-final", copy_tags_to_snapshot=True, iam_database_authentication_enabled=True,
    enabled_cloudwatch_logs_exports=["postgresql", "upgrade"], monitoring_interval=60,
    monitoring_role_arn="arn:aws:iam::123456789012:role/rds-monitoring", performance_insights_enabled=True,
    performance_insights_kms_key_id=KEY, auto_minor_version_upgrade=True, manage_master_user_password=True,
    username="app_admin", db_subnet_group_name="private", parameter_group_name="app-postgres16",
    ca_cert_identifier="rds-ca-rsa2048-g1", tags={"soc2:environment": "prod"},
)
SECURE_CLUSTER: dict[str, Any] = dict(
    engine="aurora-postgresql", storage_encrypted=True, kms_key_id=KEY, backup_retention_period=14,
    deletion_protection=True, iam_database_authentication_enabled=True,
    enabled_cloudwatch_logs_exports=["postgresql"], manage_master_user_password=True, master_username="app_admin",
    skip_final_snapshot=False, final_snapshot_identifier="cluster-final",
)


def built(name: str, make: Any, **args: Any) -> Build:
    def build() -> None:
        make()(**args)
    build.__name__ = name
    return build


def instance(**changes: Any) -> Build:
    label = ", ".join(f"{k}={v!r}" for k, v in changes.items()) or "secure"
    return built(f"instance({label})", lambda: lambda **a: aws.rds.Instance("db", **a), **{**SECURE_INSTANCE, **changes})


def cluster(**changes: Any) -> Build:
    label = ", ".join(f"{k}={v!r}" for k, v in changes.items()) or "secure"
    return built(f"cluster({label})", lambda: lambda **a: aws.rds.Cluster("cluster", **a), **{**SECURE_CLUSTER, **changes})


def parameter_group(family: str, parameters: list[dict[str, str]]) -> Build:
    return built(f"parameter_group({family}, {parameters})",
                 lambda: lambda **a: aws.rds.ParameterGroup("params", **a), family=family, parameters=parameters)


def snapshot(shared: list[str]) -> Build:
    return built(f"snapshot(shared={shared})", lambda: lambda **a: aws.rds.Snapshot("snap", **a),
                 db_instance_identifier="app-db", db_snapshot_identifier="app-db-manual", shared_accounts=shared)


SECURE = instance()
SECURE_AURORA = cluster()

CASES = [
    Case("rds-instance-storage-encrypted", SECURE, instance(storage_encrypted=False), "storage is unencrypted"),
    Case("rds-instance-customer-managed-key", SECURE, instance(kms_key_id=None), "kmsKeyId is not set"),
    Case("rds-instance-backup-retention", SECURE, instance(backup_retention_period=3), "below the minimum of 7"),
    Case("rds-instance-backup-retention", instance(backup_retention_period=35), instance(backup_retention_period=14),
         "backupRetentionPeriod is 14, below the minimum of 35", config={"rds-instance-backup-retention": {"minDays": 35}}),
    Case("rds-instance-backup-window", SECURE, instance(backup_window=None), "backupWindow is not set"),
    Case("rds-instance-multi-az", SECURE, instance(multi_az=False), "environment prod runs in one availability zone"),
    Case("rds-instance-multi-az", instance(multi_az=False, tags={"soc2:environment": "dev"}),
         instance(multi_az=False, tags={}), "an untagged database runs in one availability zone"),
    Case("rds-instance-not-public", SECURE, instance(publicly_accessible=True), "publiclyAccessible is true"),
    Case("rds-instance-deletion-protection", SECURE, instance(deletion_protection=False), "deletionProtection is False"),
    Case("rds-instance-final-snapshot", SECURE, instance(skip_final_snapshot=True), "skipFinalSnapshot is true"),
    Case("rds-instance-final-snapshot", SECURE, instance(final_snapshot_identifier=None),
         "finalSnapshotIdentifier is not set"),
    Case("rds-instance-copy-tags-to-snapshot", SECURE, instance(copy_tags_to_snapshot=False), "lose the instance's tags"),
    Case("rds-instance-iam-authentication", SECURE, instance(iam_database_authentication_enabled=None),
         "IAM authentication is off"),
    Case("rds-instance-log-exports", SECURE, instance(enabled_cloudwatch_logs_exports=[]), "enabledCloudwatchLogsExports is empty"),
    Case("rds-instance-log-exports", SECURE, instance(enabled_cloudwatch_logs_exports=["upgrade"]),
         "postgres logs not exported: postgresql"),
    Case("rds-instance-enhanced-monitoring", SECURE, instance(monitoring_interval=0), "enhanced monitoring is off"),
    Case("rds-instance-performance-insights-encrypted", SECURE, instance(performance_insights_kms_key_id=None),
         "performanceInsightsKmsKeyId is not set"),
    Case("rds-instance-performance-insights-encrypted", SECURE, instance(performance_insights_enabled=False),
         "Performance Insights is off"),
    Case("rds-instance-auto-minor-upgrade", SECURE, instance(auto_minor_version_upgrade=False), "minor upgrades are manual"),
    Case("rds-instance-managed-master-password", SECURE,
         instance(manage_master_user_password=None, password="correct-horse-battery"), "a master password is set in code"),
    Case("rds-instance-subnet-group", SECURE, instance(db_subnet_group_name=None), "dbSubnetGroupName is not set"),
    Case("rds-instance-tls-parameter-group", SECURE, instance(parameter_group_name="default.postgres16"),
         "uses default.postgres16 parameter group"),
    Case("rds-instance-ca-certificate", SECURE, instance(ca_cert_identifier="rds-ca-2019"),
         "caCertIdentifier 'rds-ca-2019' is not a current CA"),
    Case("rds-cluster-storage-encrypted", SECURE_AURORA, cluster(storage_encrypted=False), "cluster storage is unencrypted"),
    Case("rds-cluster-backup-retention", SECURE_AURORA, cluster(backup_retention_period=1), "below the minimum of 7"),
    Case("rds-cluster-deletion-protection", SECURE_AURORA, cluster(deletion_protection=False), "the cluster can be deleted"),
    Case("rds-cluster-iam-authentication", SECURE_AURORA, cluster(iam_database_authentication_enabled=False),
         "IAM authentication is off"),
    Case("rds-cluster-log-exports", SECURE_AURORA, cluster(enabled_cloudwatch_logs_exports=None), "is empty"),
    Case("rds-cluster-managed-master-password", SECURE_AURORA,
         cluster(manage_master_user_password=None, master_password="correct-horse-battery"),
         "a master password is set in code"),
    Case("rds-parametergroup-force-ssl", parameter_group("postgres16", [{"name": "rds.force_ssl", "value": "1"}]),
         parameter_group("postgres16", [{"name": "log_connections", "value": "1"}]), "rds.force_ssl is unset, not 1"),
    Case("rds-parametergroup-force-ssl",
         parameter_group("mysql8.0", [{"name": "require_secure_transport", "value": "ON"}]),
         parameter_group("mysql8.0", [{"name": "require_secure_transport", "value": "OFF"}]),
         "require_secure_transport is off, not ON"),
    Case("rds-snapshot-not-public", snapshot(["111122223333"]), snapshot(["all"]), "shared with all AWS accounts"),
]
