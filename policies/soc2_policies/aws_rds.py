"""RDS: instances, clusters, parameter groups and snapshots."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import at_least, flag_off, flag_on, is_set, list_schema, minimum_schema
from .framework import Resource, resource_policy

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
CURRENT_CAS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]

BACKUP_DAYS = {"minDays": minimum_schema(7, "Fewest days automated backups are kept.", 1)}


def _multi_az(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    environment = r.str("tags.soc2:environment")
    if environment is not None and environment not in config["environments"]:
        return
    if r.get("multiAz") is not True:
        where = f"environment {environment}" if environment else "an untagged database"
        yield f"{where} runs in one availability zone: multiAz is {r.get('multiAz')!r}"


def _final_snapshot(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("skipFinalSnapshot") is True:
        yield "skipFinalSnapshot is true: deleting the database keeps no final copy"
    elif not r.is_set("finalSnapshotIdentifier"):
        yield "finalSnapshotIdentifier is not set, so a delete cannot take a final snapshot"


def _log_exports(required: dict[str, list[str]]) -> Any:
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        exports = [e for e in r.list("enabledCloudwatchLogsExports") if isinstance(e, str)]
        engine = r.str("engine") or ""
        wanted = required.get(engine, [])
        if not exports:
            yield "no database logs are exported to CloudWatch Logs (enabledCloudwatchLogsExports is empty)"
        elif missing := [w for w in wanted if w not in exports]:
            yield f"{engine} logs not exported: {', '.join(missing)}"
    return check


def _managed_password(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.is_set("password") or r.is_set("masterPassword"):
        yield "a master password is set in code; use manageMasterUserPassword so RDS keeps it in Secrets Manager"
    elif r.get("manageMasterUserPassword") is not True and not r.is_set("replicateSourceDb") \
            and not r.is_set("snapshotIdentifier"):
        yield "manageMasterUserPassword is not true"


def _performance_insights(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("performanceInsightsEnabled") is not True:
        yield "Performance Insights is off (performanceInsightsEnabled is not true)"
    elif not r.is_set("performanceInsightsKmsKeyId"):
        yield "Performance Insights data uses the AWS-managed key: performanceInsightsKmsKeyId is not set"


def _enhanced_monitoring(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    interval = r.int("monitoringInterval")
    if not interval:
        yield f"enhanced monitoring is off (monitoringInterval is {r.get('monitoringInterval')!r})"


def _parameter_group(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.is_unknown("parameterGroupName"):
        return  # the name of a group this program creates: never an engine default
    name = r.get("parameterGroupName")
    if name is None or (isinstance(name, str) and name.startswith("default.")):
        yield f"uses {'the engine default' if name is None else name} parameter group, which does not force TLS"


def _force_ssl(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    family = (r.str("family") or "").lower()
    values = {str(p.get("name", "")).lower(): str(p.get("value", "")).lower()
              for p in r.list("parameters") if isinstance(p, Mapping)}
    if family.startswith(("postgres", "aurora-postgresql")):
        if values.get("rds.force_ssl") != "1":
            yield f"rds.force_ssl is {values.get('rds.force_ssl', 'unset')}, not 1"
    elif family.startswith(("mysql", "aurora-mysql", "mariadb")):
        if values.get("require_secure_transport") not in ("1", "on"):
            yield f"require_secure_transport is {values.get('require_secure_transport', 'unset')}, not ON"


def _not_shared_publicly(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if "all" in [a for a in r.list("sharedAccounts") if isinstance(a, str)]:
        yield "the snapshot is shared with all AWS accounts (sharedAccounts contains 'all')"


def _ca_certificate(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    ca = r.get("caCertIdentifier")
    if ca is not None and ca not in config["allowed"]:
        yield f"caCertIdentifier {ca!r} is not a current CA; allowed: {', '.join(config['allowed'])}"


INSTANCES, CLUSTERS, BOTH = [INSTANCE], [CLUSTER], [INSTANCE, CLUSTER]
LOG_EXPORTS = {"postgres": ["postgresql"], "mysql": ["error"], "mariadb": ["error"],
               "aurora-postgresql": ["postgresql"], "aurora-mysql": ["error"]}

POLICIES = [
    resource_policy("rds-instance-storage-encrypted", INSTANCES, "RDS instances encrypt storage at rest.", "high",
            ["CC6.1", "C1.1"], "Set storage_encrypted=True with kms_key_id (EncryptedDatabase does). Existing "
            "unencrypted instances must be restored from an encrypted snapshot copy.",
            flag_on("storageEncrypted", "storage is unencrypted")),
    resource_policy("rds-instance-customer-managed-key", INSTANCES, "RDS instances encrypt with a customer-managed KMS key.",
            "high", ["CC6.1", "C1.1"], "Pass kms_key_id: the ARN of a customer-managed key with rotation.",
            is_set("kmsKeyId", "storage uses the AWS-managed key")),
    resource_policy("rds-instance-backup-retention", INSTANCES, "RDS automated backups are kept long enough.", "high",
            ["A1.2", "CC7.5"], "Set backup_retention_period to at least the configured minimum (14 in prod).",
            at_least("backupRetentionPeriod", "minDays", "backups are kept too briefly", missing=1), BACKUP_DAYS),
    resource_policy("rds-instance-backup-window", INSTANCES, "RDS backups run in a chosen daily window.", "low", ["A1.2"],
            "Set backup_window (UTC, e.g. 03:00-04:00) outside peak traffic.",
            is_set("backupWindow", "the backup window is left to AWS")),
    resource_policy("rds-instance-multi-az", INSTANCES, "RDS instances in the listed environments run Multi-AZ.", "medium",
            ["A1.2", "A1.1"], "Set multi_az=True. Environments are read from the soc2:environment tag.", _multi_az,
            {"environments": list_schema(["prod", "production"], "Environments (soc2:environment tag) where "
                                                                 "Multi-AZ is required; untagged databases too.")}),
    resource_policy("rds-instance-not-public", INSTANCES, "RDS instances are not publicly accessible.", "critical",
            ["CC6.6", "C1.1"], "Set publicly_accessible=False and place the instance in private subnets.",
            flag_off("publiclyAccessible", "the database has a public endpoint")),
    resource_policy("rds-instance-deletion-protection", INSTANCES, "RDS instances refuse deletion.", "high",
            ["CC6.5", "A1.2"], "Set deletion_protection=True; turn it off only in the change that retires the database.",
            flag_on("deletionProtection", "the database can be deleted")),
    resource_policy("rds-instance-final-snapshot", INSTANCES, "Deleting an RDS instance keeps a final snapshot.", "high",
            ["CC6.5", "A1.2"], "Set skip_final_snapshot=False and a final_snapshot_identifier.", _final_snapshot),
    resource_policy("rds-instance-copy-tags-to-snapshot", INSTANCES, "RDS snapshots inherit the instance's tags.", "low",
            ["CC6.5", "C1.1"], "Set copy_tags_to_snapshot=True so snapshots keep owner and classification tags.",
            flag_on("copyTagsToSnapshot", "snapshots lose the instance's tags")),
    resource_policy("rds-instance-iam-authentication", INSTANCES, "RDS instances accept IAM database authentication.",
            "medium", ["CC6.1", "CC6.3"], "Set iam_database_authentication_enabled=True and grant rds-db:connect "
            "to roles, instead of sharing database passwords.",
            flag_on("iamDatabaseAuthenticationEnabled", "IAM authentication is off")),
    resource_policy("rds-instance-log-exports", INSTANCES, "RDS instances export their logs to CloudWatch Logs.", "medium",
            ["CC7.2"], "Set enabled_cloudwatch_logs_exports (postgresql and upgrade for PostgreSQL; error, general "
            "and slowquery for MySQL).", _log_exports(LOG_EXPORTS)),
    resource_policy("rds-instance-enhanced-monitoring", INSTANCES, "RDS instances have enhanced monitoring.", "low",
            ["CC7.2", "A1.1"], "Set monitoring_interval (e.g. 60) and a monitoring_role_arn.", _enhanced_monitoring),
    resource_policy("rds-instance-performance-insights-encrypted", INSTANCES,
            "RDS Performance Insights is on and encrypted with a customer-managed key.", "medium", ["CC7.2", "CC6.1"],
            "Set performance_insights_enabled=True and performance_insights_kms_key_id.", _performance_insights),
    resource_policy("rds-instance-auto-minor-upgrade", INSTANCES, "RDS instances take automatic minor version upgrades.",
            "medium", ["CC7.1"], "Leave auto_minor_version_upgrade at true; patches land in the maintenance window.",
            flag_on("autoMinorVersionUpgrade", "minor upgrades are manual", default=True)),
    resource_policy("rds-instance-managed-master-password", INSTANCES,
            "RDS master passwords are generated and kept by RDS in Secrets Manager.", "high", ["CC6.1"],
            "Remove password and set manage_master_user_password=True (and master_user_secret_kms_key_id).",
            _managed_password),
    resource_policy("rds-instance-subnet-group", INSTANCES, "RDS instances are placed in a chosen subnet group.", "medium",
            ["CC6.6"], "Set db_subnet_group_name to a group of private subnets.",
            is_set("dbSubnetGroupName", "the instance lands in the default VPC's subnets")),
    resource_policy("rds-instance-tls-parameter-group", INSTANCES, "RDS instances use a custom parameter group.", "medium",
            ["CC6.7"], "Create a parameter group that forces TLS and set parameter_group_name.", _parameter_group),
    resource_policy("rds-instance-ca-certificate", INSTANCES, "RDS instances use a current certificate authority.", "low",
            ["CC6.7"], "Set ca_cert_identifier to a current CA such as rds-ca-rsa2048-g1.", _ca_certificate,
            {"allowed": list_schema(CURRENT_CAS, "Accepted ca_cert_identifier values.")}),
    resource_policy("rds-cluster-storage-encrypted", CLUSTERS, "Aurora clusters encrypt storage at rest.", "high",
            ["CC6.1", "C1.1"], "Set storage_encrypted=True and kms_key_id on the cluster.",
            flag_on("storageEncrypted", "cluster storage is unencrypted")),
    resource_policy("rds-cluster-backup-retention", CLUSTERS, "Aurora cluster backups are kept long enough.", "high",
            ["A1.2", "CC7.5"], "Set backup_retention_period to at least the configured minimum.",
            at_least("backupRetentionPeriod", "minDays", "backups are kept too briefly", missing=1), BACKUP_DAYS),
    resource_policy("rds-cluster-deletion-protection", CLUSTERS, "Aurora clusters refuse deletion.", "high",
            ["CC6.5", "A1.2"], "Set deletion_protection=True on the cluster.",
            flag_on("deletionProtection", "the cluster can be deleted")),
    resource_policy("rds-cluster-iam-authentication", CLUSTERS, "Aurora clusters accept IAM database authentication.",
            "medium", ["CC6.1", "CC6.3"], "Set iam_database_authentication_enabled=True on the cluster.",
            flag_on("iamDatabaseAuthenticationEnabled", "IAM authentication is off")),
    resource_policy("rds-cluster-log-exports", CLUSTERS, "Aurora clusters export their logs to CloudWatch Logs.", "medium",
            ["CC7.2"], "Set enabled_cloudwatch_logs_exports on the cluster.",
            _log_exports(LOG_EXPORTS)),
    resource_policy("rds-cluster-managed-master-password", CLUSTERS,
            "Aurora master passwords are generated and kept by RDS in Secrets Manager.", "high", ["CC6.1"],
            "Remove master_password and set manage_master_user_password=True.", _managed_password),
    resource_policy("rds-parametergroup-force-ssl", [PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP],
            "RDS parameter groups refuse unencrypted connections.", "high", ["CC6.7"],
            "PostgreSQL: set rds.force_ssl=1. MySQL and MariaDB: set require_secure_transport=ON.", _force_ssl),
    resource_policy("rds-snapshot-not-public", [SNAPSHOT, CLUSTER_SNAPSHOT], "RDS snapshots are never shared publicly.",
            "critical", ["CC6.1", "C1.1"], "Remove 'all' from shared_accounts; share with named accounts only.",
            _not_shared_publicly),
]
