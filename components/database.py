"""An encrypted RDS database (PostgreSQL by default, MySQL supported).

Secure by default: storage and Performance Insights encrypted with the data key, the master
password generated and kept by RDS in Secrets Manager, daily backups with a window and tag
copying, deletion protection and a final snapshot, private subnets only, reachable only from
the application security groups given, TLS forced by the parameter group, IAM authentication,
log exports to retained and encrypted log groups, enhanced monitoring, automatic minor upgrades,
and `protect=True` (CC6.1, CC6.6, CC6.7, CC7.2, A1.2, C1.1). Weakening a default takes an
explicit argument, and the policy pack reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from .iam_documents import assume_role_policy


@dataclass(frozen=True)
class EngineProfile:
    default_version: str
    family: str
    port: int
    parameters: tuple[tuple[str, str], ...]
    log_exports: tuple[str, ...]


ENGINES: dict[str, EngineProfile] = {
    "postgres": EngineProfile("16.4", "postgres16", 5432,
                              (("rds.force_ssl", "1"), ("log_connections", "1"), ("log_disconnections", "1")),
                              ("postgresql", "upgrade")),
    "mysql": EngineProfile("8.0.39", "mysql8.0", 3306,
                           (("require_secure_transport", "ON"), ("slow_query_log", "1")),
                           ("error", "general", "slowquery")),
}


class EncryptedDatabaseArgs(TypedDict):
    identifier: str
    """RDS identifier; also names the log groups RDS writes to."""
    vpc_id: pulumi.Input[str]
    """VPC of the database."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets, in at least two zones."""
    app_security_group_ids: list[pulumi.Input[str]]
    """Security groups allowed to connect; nothing else can (a list, so each gets a rule at preview)."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key for storage, the master secret and Performance Insights."""
    log_kms_key_arn: pulumi.Input[str]
    """Key for the log groups that receive the database logs."""
    log_retention_days: pulumi.Input[int]
    """Days database logs are kept."""
    engine: NotRequired[Literal["postgres", "mysql"]]
    """Engine (default postgres)."""
    engine_version: NotRequired[str | None]
    """Engine version (default: a current one for the engine)."""
    instance_class: NotRequired[pulumi.Input[str]]
    """Instance class (default db.t4g.medium)."""
    allocated_storage_gb: NotRequired[pulumi.Input[int]]
    """Initial storage (default 20)."""
    max_allocated_storage_gb: NotRequired[pulumi.Input[int]]
    """Autoscaling ceiling (default 100)."""
    database_name: NotRequired[pulumi.Input[str]]
    """Initial database (default app)."""
    master_username: NotRequired[pulumi.Input[str]]
    """Master user (default app_admin); its password lives in Secrets Manager."""
    multi_az: NotRequired[pulumi.Input[bool]]
    """Standby in a second zone (default true)."""
    backup_retention_days: NotRequired[pulumi.Input[int]]
    """Automated backup retention (default 14)."""
    backup_window: NotRequired[pulumi.Input[str]]
    """Daily backup window, UTC (default 03:00-04:00)."""
    maintenance_window: NotRequired[pulumi.Input[str]]
    """Weekly maintenance window, UTC (default sun:04:30-sun:05:30)."""
    performance_insights_retention_days: NotRequired[pulumi.Input[int]]
    """Performance Insights retention (default 7)."""
    monitoring_interval_seconds: NotRequired[pulumi.Input[int]]
    """Enhanced monitoring interval (default 60)."""
    deletion_protection: NotRequired[pulumi.Input[bool]]
    """Refuse deletes (default true). Setting false is reported."""
    publicly_accessible: NotRequired[pulumi.Input[bool]]
    """Public endpoint (default false). Setting true is reported."""
    iam_authentication: NotRequired[pulumi.Input[bool]]
    """IAM database authentication (default true)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class EncryptedDatabase(pulumi.ComponentResource):
    instance_identifier: pulumi.Output[str]
    arn: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    security_group_id: pulumi.Output[str]
    master_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EncryptedDatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:database:EncryptedDatabase", name, None, opts)
        engine = args.get("engine", "postgres")
        profile = ENGINES[engine]
        identifier = args["identifier"]
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)

        subnets = aws.rds.SubnetGroup(f"{name}-subnets", subnet_ids=args["subnet_ids"], tags=tags, opts=child)
        group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args["vpc_id"], description=f"{identifier}: application access only",
                                      ingress=[], egress=[], tags={**tags, "Name": f"{identifier}-db"}, opts=child)
        for index, source in enumerate(args["app_security_group_ids"]):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-from-app-{index}", security_group_id=group.id, referenced_security_group_id=source,
                ip_protocol="tcp", from_port=profile.port, to_port=profile.port,
                description="database port from an application security group", opts=child)
        parameters = aws.rds.ParameterGroup(
            f"{name}-params", family=profile.family, description=f"{identifier}: TLS required, connections logged",
            parameters=[{"name": k, "value": v, "apply_method": "pending-reboot"} for k, v in profile.parameters],
            tags=tags, opts=child)
        log_groups = [aws.cloudwatch.LogGroup(f"{name}-log-{log}", name=f"/aws/rds/instance/{identifier}/{log}",
                                              retention_in_days=args["log_retention_days"],
                                              kms_key_id=args["log_kms_key_arn"], tags=tags, opts=child)
                      for log in profile.log_exports]
        monitoring_role = aws.iam.Role(f"{name}-monitoring-role",
                                       assume_role_policy=assume_role_policy("monitoring.rds.amazonaws.com"),
                                       tags=tags, opts=child)
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-monitoring-policy", role=monitoring_role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole", opts=child)

        # A replaced instance must not collide with the final snapshot of the one it replaces.
        snapshot_suffix = random.RandomId(f"{name}-final-snapshot-suffix", byte_length=4,
                                          keepers={"identifier": identifier}, opts=child)
        instance = aws.rds.Instance(
            f"{name}-instance",
            identifier=identifier,
            engine=engine,
            engine_version=args.get("engine_version") or profile.default_version,
            instance_class=args.get("instance_class", "db.t4g.medium"),
            allocated_storage=args.get("allocated_storage_gb", 20),
            max_allocated_storage=args.get("max_allocated_storage_gb", 100),
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args["kms_key_arn"],
            db_name=args.get("database_name", "app"),
            username=args.get("master_username", "app_admin"),
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args["kms_key_arn"],
            port=profile.port,
            multi_az=args.get("multi_az", True),
            publicly_accessible=args.get("publicly_accessible", False),
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[group.id],
            parameter_group_name=parameters.name,
            ca_cert_identifier="rds-ca-rsa2048-g1",
            backup_retention_period=args.get("backup_retention_days", 14),
            backup_window=args.get("backup_window", "03:00-04:00"),
            maintenance_window=args.get("maintenance_window", "sun:04:30-sun:05:30"),
            copy_tags_to_snapshot=True,
            delete_automated_backups=False,
            deletion_protection=args.get("deletion_protection", True),
            skip_final_snapshot=False,
            final_snapshot_identifier=pulumi.Output.concat(identifier, "-final-", snapshot_suffix.hex),
            iam_database_authentication_enabled=args.get("iam_authentication", True),
            enabled_cloudwatch_logs_exports=list(profile.log_exports),
            monitoring_interval=args.get("monitoring_interval_seconds", 60),
            monitoring_role_arn=monitoring_role.arn,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args["kms_key_arn"],
            performance_insights_retention_period=args.get("performance_insights_retention_days", 7),
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=False,
            apply_immediately=False,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=True, depends_on=[*log_groups, attachment]),
        )
        self.instance_identifier = instance.identifier
        self.arn = instance.arn
        self.endpoint = instance.endpoint
        self.port = instance.port
        self.security_group_id = group.id
        self.master_secret_arn = instance.master_user_secrets.apply(lambda s: s[0].secret_arn if s else "")
        self.register_outputs({"instance_identifier": self.instance_identifier, "arn": self.arn,
                               "endpoint": self.endpoint, "security_group_id": self.security_group_id})
