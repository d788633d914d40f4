"""RDS: instances, clusters, parameter groups and snapshots."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .catalog import Arn, Dimension
from .checks import at_least, flag_off, flag_on, is_set, list_schema, minimum_schema
from .conventions import ENVIRONMENT_TAG
from .declare import Service
from .environments import PRODUCTION
from .framework import Resource

SERVICE = Service("rds", "RDS", "Relational databases: instances, Aurora clusters, parameter groups, snapshots.")

INSTANCE = SERVICE.resource_type(
    "aws:rds/instance:Instance", kind="database", stateful=True, backup=True, arn=Arn("rds", "db:", "identifier"),
    dimension=Dimension("DBInstanceIdentifier", "identifier"), alarmed=True, key="kmsKeyId", public=True,
    replica="replicateSourceDb")
CLUSTER = SERVICE.resource_type(
    "aws:rds/cluster:Cluster", kind="database cluster", stateful=True, backup=True,
    arn=Arn("rds", "cluster:", "clusterIdentifier"), dimension=Dimension("DBClusterIdentifier", "clusterIdentifier"),
    alarmed=True, key="kmsKeyId", replica="replicationSourceIdentifier")
PARAMETER_GROUP = SERVICE.resource_type("aws:rds/parameterGroup:ParameterGroup", kind="parameter group")
CLUSTER_PARAMETER_GROUP = SERVICE.resource_type("aws:rds/clusterParameterGroup:ClusterParameterGroup",
                                                kind="cluster parameter group")
SNAPSHOT = SERVICE.resource_type("aws:rds/snapshot:Snapshot", kind="snapshot", public=True)
CLUSTER_SNAPSHOT = SERVICE.resource_type("aws:rds/clusterSnapshot:ClusterSnapshot", kind="cluster snapshot",
                                         public=True)
CURRENT_CAS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]

BACKUP_DAYS = {"minDays": minimum_schema(7, "Fewest days automated backups are kept.", 1)}
INSTANCES, CLUSTERS = [INSTANCE], [CLUSTER]
LOG_EXPORTS = {"postgres": ["postgresql"], "mysql": ["error"], "mariadb": ["error"],
               "aurora-postgresql": ["postgresql"], "aurora-mysql": ["error"]}


@SERVICE.resource_policy(
    name="rds-instance-multi-az", types=INSTANCES, severity="medium", criteria=["A1.2", "A1.1"],
    description="RDS instances in the listed environments run Multi-AZ.",
    remediation="Set multi_az=True. Environments are read from the soc2:environment tag.",
    config={"environments": list_schema(PRODUCTION, f"Environments ({ENVIRONMENT_TAG} tag) where "
                                        "Multi-AZ is required; untagged databases too.")})
def _multi_az(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    environment = r.str(f"tags.{ENVIRONMENT_TAG}")
    if environment is not None and environment not in config["environments"]:
        return
    if r.get("multiAz") is not True:
        where = f"environment {environment}" if environment else "an untagged database"
        yield f"{where} runs in one availability zone: multiAz is {r.get('multiAz')!r}"


@SERVICE.resource_policy(
    name="rds-instance-final-snapshot", types=INSTANCES, severity="high", criteria=["CC6.5", "A1.2"],
    description="Deleting an RDS instance keeps a final snapshot.",
    remediation="Set skip_final_snapshot=False and a final_snapshot_identifier.")
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


@SERVICE.resource_policy(
    name="rds-cluster-managed-master-password", types=CLUSTERS, severity="high", criteria=["CC6.1"],
    description="Aurora master passwords are generated and kept by RDS in Secrets Manager.",
    remediation="Remove master_password and set manage_master_user_password=True.")
@SERVICE.resource_policy(
    name="rds-instance-managed-master-password", types=INSTANCES, severity="high", criteria=["CC6.1"],
    description="RDS master passwords are generated and kept by RDS in Secrets Manager.",
    remediation="Remove password and set manage_master_user_password=True (and master_user_secret_kms_key_id).")
def _managed_password(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.is_set("password") or r.is_set("masterPassword"):
        yield "a master password is set in code; use manageMasterUserPassword so RDS keeps it in Secrets Manager"
    elif r.get("manageMasterUserPassword") is not True and not r.is_set("replicateSourceDb") \
            and not r.is_set("snapshotIdentifier"):
        yield "manageMasterUserPassword is not true"


@SERVICE.resource_policy(
    name="rds-instance-performance-insights-encrypted", types=INSTANCES, severity="medium", criteria=["CC7.2", "CC6.1"],
    description="RDS Performance Insights is on and encrypted with a customer-managed key.",
    remediation="Set performance_insights_enabled=True and performance_insights_kms_key_id.")
def _performance_insights(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("performanceInsightsEnabled") is not True:
        yield "Performance Insights is off (performanceInsightsEnabled is not true)"
    elif not r.is_set("performanceInsightsKmsKeyId"):
        yield "Performance Insights data uses the AWS-managed key: performanceInsightsKmsKeyId is not set"


@SERVICE.resource_policy(
    name="rds-instance-enhanced-monitoring", types=INSTANCES, severity="low", criteria=["CC7.2", "A1.1"],
    description="RDS instances have enhanced monitoring.",
    remediation="Set monitoring_interval (e.g. 60) and a monitoring_role_arn.")
def _enhanced_monitoring(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    interval = r.int("monitoringInterval")
    if not interval:
        yield f"enhanced monitoring is off (monitoringInterval is {r.get('monitoringInterval')!r})"


@SERVICE.resource_policy(
    name="rds-instance-tls-parameter-group", types=INSTANCES, severity="medium", criteria=["CC6.7"],
    description="RDS instances use a custom parameter group.",
    remediation="Create a parameter group that forces TLS and set parameter_group_name.")
def _parameter_group(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.is_unknown("parameterGroupName"):
        return  # the name of a group this program creates: never an engine default
    name = r.get("parameterGroupName")
    if name is None or (isinstance(name, str) and name.startswith("default.")):
        yield f"uses {'the engine default' if name is None else name} parameter group, which does not force TLS"


@SERVICE.resource_policy(
    name="rds-parametergroup-force-ssl",
    types=[PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP], severity="high", criteria=["CC6.7"],
    description="RDS parameter groups refuse unencrypted connections.",
    remediation="PostgreSQL: set rds.force_ssl=1. MySQL and MariaDB: set require_secure_transport=ON.")
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


@SERVICE.resource_policy(
    name="rds-snapshot-not-public", types=[SNAPSHOT, CLUSTER_SNAPSHOT], severity="critical", criteria=["CC6.1", "C1.1"],
    description="RDS snapshots are never shared publicly.",
    remediation="Remove 'all' from shared_accounts; share with named accounts only.")
def _not_shared_publicly(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if "all" in [a for a in r.list("sharedAccounts") if isinstance(a, str)]:
        yield "the snapshot is shared with all AWS accounts (sharedAccounts contains 'all')"


@SERVICE.resource_policy(
    name="rds-instance-ca-certificate", types=INSTANCES, severity="low", criteria=["CC6.7"],
    description="RDS instances use a current certificate authority.",
    remediation="Set ca_cert_identifier to a current CA such as rds-ca-rsa2048-g1.",
    config={"allowed": list_schema(CURRENT_CAS, "Accepted ca_cert_identifier values.")})
def _ca_certificate(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    ca = r.get("caCertIdentifier")
    if ca is not None and ca not in config["allowed"]:
        yield f"caCertIdentifier {ca!r} is not a current CA; allowed: {', '.join(config['allowed'])}"


SERVICE.resource_policy(
    name="rds-instance-storage-encrypted", types=INSTANCES, severity="high", criteria=["CC6.1", "C1.1"],
    description="RDS instances encrypt storage at rest.",
    remediation="Set storage_encrypted=True with kms_key_id (EncryptedDatabase does). Existing unencrypted instances "
                "must be restored from an encrypted snapshot copy.",
)(flag_on("storageEncrypted", "storage is unencrypted"))

SERVICE.resource_policy(
    name="rds-instance-customer-managed-key", types=INSTANCES, severity="high", criteria=["CC6.1", "C1.1"],
    description="RDS instances encrypt with a customer-managed KMS key.",
    remediation="Pass kms_key_id: the ARN of a customer-managed key with rotation.",
)(is_set("kmsKeyId", "storage uses the AWS-managed key"))

SERVICE.resource_policy(
    name="rds-instance-backup-retention", types=INSTANCES, severity="high", criteria=["A1.2", "CC7.5"],
    description="RDS automated backups are kept long enough.",
    remediation="Set backup_retention_period to at least the configured minimum (14 in prod).",
    config=BACKUP_DAYS,
)(at_least("backupRetentionPeriod", "minDays", "backups are kept too briefly", missing=1))

SERVICE.resource_policy(
    name="rds-instance-backup-window", types=INSTANCES, severity="low", criteria=["A1.2"],
    description="RDS backups run in a chosen daily window.",
    remediation="Set backup_window (UTC, e.g. 03:00-04:00) outside peak traffic.",
)(is_set("backupWindow", "the backup window is left to AWS"))

SERVICE.resource_policy(
    name="rds-instance-not-public", types=INSTANCES, severity="critical", criteria=["CC6.6", "C1.1"],
    description="RDS instances are not publicly accessible.",
    remediation="Set publicly_accessible=False and place the instance in private subnets.",
)(flag_off("publiclyAccessible", "the database has a public endpoint"))

SERVICE.resource_policy(
    name="rds-instance-deletion-protection", types=INSTANCES, severity="high", criteria=["CC6.5", "A1.2"],
    description="RDS instances refuse deletion.",
    remediation="Set deletion_protection=True; turn it off only in the change that retires the database.",
)(flag_on("deletionProtection", "the database can be deleted"))

SERVICE.resource_policy(
    name="rds-instance-copy-tags-to-snapshot", types=INSTANCES, severity="low", criteria=["CC6.5", "C1.1"],
    description="RDS snapshots inherit the instance's tags.",
    remediation="Set copy_tags_to_snapshot=True so snapshots keep owner and classification tags.",
)(flag_on("copyTagsToSnapshot", "snapshots lose the instance's tags"))

SERVICE.resource_policy(
    name="rds-instance-iam-authentication", types=INSTANCES, severity="medium", criteria=["CC6.1", "CC6.3"],
    description="RDS instances accept IAM database authentication.",
    remediation="Set iam_database_authentication_enabled=True and grant rds-db:connect to roles, instead of sharing "
                "database passwords.",
)(flag_on("iamDatabaseAuthenticationEnabled", "IAM authentication is off"))

SERVICE.resource_policy(
    name="rds-instance-log-exports", types=INSTANCES, severity="medium", criteria=["CC7.2"],
    description="RDS instances export their logs to CloudWatch Logs.",
    remediation="Set enabled_cloudwatch_logs_exports (postgresql and upgrade for PostgreSQL; error, general and "
                "slowquery for MySQL).",
)(_log_exports(LOG_EXPORTS))

SERVICE.resource_policy(
    name="rds-instance-auto-minor-upgrade", types=INSTANCES, severity="medium", criteria=["CC7.1"],
    description="RDS instances take automatic minor version upgrades.",
    remediation="Leave auto_minor_version_upgrade at true; patches land in the maintenance window.",
)(flag_on("autoMinorVersionUpgrade", "minor upgrades are manual", default=True))

SERVICE.resource_policy(
    name="rds-instance-subnet-group", types=INSTANCES, severity="medium", criteria=["CC6.6"],
    description="RDS instances are placed in a chosen subnet group.",
    remediation="Set db_subnet_group_name to a group of private subnets.",
)(is_set("dbSubnetGroupName", "the instance lands in the default VPC's subnets"))

SERVICE.resource_policy(
    name="rds-cluster-storage-encrypted", types=CLUSTERS, severity="high", criteria=["CC6.1", "C1.1"],
    description="Aurora clusters encrypt storage at rest.",
    remediation="Set storage_encrypted=True and kms_key_id on the cluster.",
)(flag_on("storageEncrypted", "cluster storage is unencrypted"))

SERVICE.resource_policy(
    name="rds-cluster-backup-retention", types=CLUSTERS, severity="high", criteria=["A1.2", "CC7.5"],
    description="Aurora cluster backups are kept long enough.",
    remediation="Set backup_retention_period to at least the configured minimum.",
    config=BACKUP_DAYS,
)(at_least("backupRetentionPeriod", "minDays", "backups are kept too briefly", missing=1))

SERVICE.resource_policy(
    name="rds-cluster-deletion-protection", types=CLUSTERS, severity="high", criteria=["CC6.5", "A1.2"],
    description="Aurora clusters refuse deletion.",
    remediation="Set deletion_protection=True on the cluster.",
)(flag_on("deletionProtection", "the cluster can be deleted"))

SERVICE.resource_policy(
    name="rds-cluster-iam-authentication", types=CLUSTERS, severity="medium", criteria=["CC6.1", "CC6.3"],
    description="Aurora clusters accept IAM database authentication.",
    remediation="Set iam_database_authentication_enabled=True on the cluster.",
)(flag_on("iamDatabaseAuthenticationEnabled", "IAM authentication is off"))

SERVICE.resource_policy(
    name="rds-cluster-log-exports", types=CLUSTERS, severity="medium", criteria=["CC7.2"],
    description="Aurora clusters export their logs to CloudWatch Logs.",
    remediation="Set enabled_cloudwatch_logs_exports on the cluster.",
)(_log_exports(LOG_EXPORTS))
