"""The whole SOC 2 baseline for one stack, built from typed settings and the roster."""

from __future__ import annotations

from typing import TypedDict

import pulumi
import pulumi_aws as aws

from .access_control import AccessControl
from .audit_logging import AuditLogging
from .backups import BackupPlan
from .baseline_settings import NAMESPACE, BaselineSettings
from .database import EncryptedDatabase
from .encryption_key import EncryptionKey
from .github_organization import GitHubOrganization, RepositorySpec
from .load_balancer import TlsLoadBalancer
from .monitoring import Monitoring, Thresholds
from .network import Network
from .roster import Roster
from .secure_bucket import SecureBucket, server_access_log_bucket
from .settings import SettingsError, stack_file
from .threat_detection import ThreatDetection

APP_PORT = 8080


class BaselineArgs(TypedDict):
    settings: BaselineSettings
    """Validated stack settings."""
    roster: Roster
    """Validated roster of people and teams."""


def check_roster_references(settings: BaselineSettings, roster: Roster) -> None:
    """Settings may only name teams the roster declares; raises SettingsError before anything is registered."""
    for index, repo in enumerate(settings.github.repositories):
        for team in repo.team_permissions:
            if team not in roster.teams:
                raise SettingsError(stack_file(), f"{NAMESPACE}:github.repositories[{index}].teamPermissions",
                                    f'"{team}"', "team not in the roster",
                                    "one of " + ", ".join(sorted(roster.teams)) + f" (from {settings.access.roster_file})")


class Baseline(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    vpc_cidr: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    load_balancer_dns_name: pulumi.Output[str]
    database_endpoint: pulumi.Output[str]
    database_master_secret_arn: pulumi.Output[str]
    alert_topic_arn: pulumi.Output[str]
    audit_bucket_name: pulumi.Output[str]
    certificate_validation_records: pulumi.Output[list[dict[str, str]]]
    github_two_factor_required: pulumi.Output[bool]
    iam_groups: pulumi.Output[dict[str, str]]
    iam_users: pulumi.Output[list[str]]

    def __init__(self, name: str, args: BaselineArgs, opts: pulumi.ResourceOptions | None = None):
        settings, roster = args["settings"], args["roster"]
        check_roster_references(settings, roster)
        super().__init__("soc2:baseline:Baseline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = aws.get_caller_identity().account_id
        region = aws.get_region().region
        prefix = f"{name}-{settings.environment}"
        tags = {"soc2:environment": settings.environment, "soc2:owner": settings.owner, "soc2:managed-by": "pulumi",
                **settings.tags}
        logging = settings.logging

        def key(purpose: str, services: list[str]) -> EncryptionKey:
            return EncryptionKey(f"{prefix}-{purpose}", {"purpose": purpose, "account_id": account, "region": region,
                                                          "services": services, "tags": tags}, opts=child)

        data_key = key("data", [])
        logs_key = key("logs", ["cloudwatch-logs", "cloudtrail", "cloudwatch-alarms", "eventbridge"])
        backups_key = key("backups", [])

        access_logs = server_access_log_bucket(f"{prefix}-access-logs", account, region, tags, opts=child)
        data_bucket = SecureBucket(f"{prefix}-data", {
            "bucket_name": f"{prefix}-data-{account}-{region}", "kms_key_arn": data_key.arn,
            "access_log_bucket": access_logs.bucket_name, "access_log_prefix": f"{prefix}-data/",
            "tags": {**tags, "soc2:data": "customer"},
        }, opts=child)

        network = Network(f"{prefix}-network", {
            "cidr": str(settings.network.cidr), "az_count": settings.network.az_count,
            "flow_log_key_arn": logs_key.arn, "flow_log_retention_days": logging.flow_log_retention_days,
            "account_id": account, "region": region, "tags": tags,
        }, opts=child)
        lb_settings = settings.load_balancer
        balancer = TlsLoadBalancer(f"{prefix}-lb", {
            "vpc_id": network.vpc_id, "vpc_cidr": network.vpc_cidr, "public_subnet_ids": network.public_subnet_ids,
            "domain_name": lb_settings.domain_name, "certificate_arn": lb_settings.certificate_arn,
            "hosted_zone_id": lb_settings.hosted_zone_id, "ssl_policy": lb_settings.ssl_policy,
            "account_id": account, "region": region, "log_bucket_name": f"{prefix}-lb-logs-{account}-{region}",
            "server_access_log_bucket": access_logs.bucket_name,
            "access_log_retention_days": lb_settings.access_log_retention_days,
            "log_kms_key_arn": logs_key.arn, "log_retention_days": logging.audit_log_retention_days,
            "target_port": APP_PORT, "tags": tags,
        }, opts=child)
        app_group = self._app_security_group(prefix, network, balancer, tags)
        db = settings.database
        database = EncryptedDatabase(f"{prefix}-database", {
            "identifier": f"{prefix}-db", "vpc_id": network.vpc_id, "subnet_ids": network.private_subnet_ids,
            "app_security_group_ids": [app_group.id], "kms_key_arn": data_key.arn, "log_kms_key_arn": logs_key.arn,
            "log_retention_days": logging.audit_log_retention_days, "engine": db.engine,
            "engine_version": db.engine_version, "instance_class": db.instance_class,
            "allocated_storage_gb": db.allocated_storage_gb, "max_allocated_storage_gb": db.max_allocated_storage_gb,
            "database_name": db.database_name, "master_username": db.master_username, "multi_az": db.multi_az,
            "backup_retention_days": db.backup_retention_days, "backup_window": db.backup_window,
            "maintenance_window": db.maintenance_window,
            "performance_insights_retention_days": db.performance_insights_retention_days,
            "monitoring_interval_seconds": db.monitoring_interval_seconds, "tags": {**tags, "soc2:data": "customer"},
        }, opts=child)
        alerts = settings.alerts
        endpoint = settings.alert_https_endpoint
        monitoring = Monitoring(f"{prefix}-monitoring", {
            "topic_kms_key_arn": logs_key.arn, "account_id": account, "region": region,
            "alert_emails": [str(e) for e in alerts.emails],
            "alert_https_endpoint": endpoint.get_secret_value() if endpoint else None,
            "load_balancer_arn_suffix": balancer.arn_suffix, "target_group_arn_suffix": balancer.target_group_arn_suffix,
            "db_instance_identifier": database.instance_identifier,
            "thresholds": Thresholds(alerts.lb_5xx_per_minute, alerts.latency_p99_seconds, alerts.db_cpu_percent,
                                     alerts.db_free_storage_gb, alerts.db_free_memory_mb, alerts.db_connections),
            "datadog_notify": settings.datadog.notify if settings.datadog.enabled else [], "tags": tags,
        }, opts=child)
        audit = AuditLogging(f"{prefix}-audit", {
            "account_id": account, "region": region, "bucket_name": f"{prefix}-audit-{account}-{region}",
            "server_access_log_bucket": access_logs.bucket_name, "kms_key_arn": logs_key.arn,
            "log_retention_days": logging.audit_log_retention_days, "object_lock_mode": logging.audit_object_lock_mode,
            "object_lock_days": logging.audit_object_lock_days, "alert_topic_arn": monitoring.topic_arn, "tags": tags,
        }, opts=child)
        access = AccessControl(f"{prefix}-access", {
            "roster": roster, "password_min_length": settings.access.password_min_length,
            "password_reuse_prevention": settings.access.password_reuse_prevention,
            "password_max_age_days": settings.access.password_max_age_days, "tags": tags,
        }, opts=child)
        gh = settings.github
        github_org = GitHubOrganization(f"{prefix}-github", {
            "organization": gh.organization, "billing_email": str(gh.billing_email),
            "security_contact": str(gh.security_contact), "required_reviews": gh.required_reviews,
            "code_owners": list(gh.code_owners), "roster": roster,
            "manage_organization_settings": gh.manage_organization_settings,
            "require_signed_commits": gh.require_signed_commits,
            "repositories": [RepositorySpec(name=r.name, description=r.description, visibility=r.visibility,
                                            default_branch=r.default_branch,
                                            required_status_checks=list(r.required_status_checks),
                                            team_permissions=dict(r.team_permissions)) for r in gh.repositories],
        }, opts=child)
        BackupPlan(f"{prefix}-backup", {
            "kms_key_arn": backups_key.arn, "account_id": account, "retention_days": settings.backup.retention_days,
            "schedule": settings.backup.schedule, "copy_region": settings.backup.copy_region,
            "lock_mode": settings.backup.vault_lock_mode,
            "resources": [database.arn, data_bucket.arn, audit.bucket_arn], "tags": tags,
        }, opts=child)
        ThreatDetection(f"{prefix}-detection", {
            "account_id": account, "region": region, "alert_topic_arn": monitoring.topic_arn,
            "ebs_kms_key_arn": data_key.arn, "tags": tags,
        }, opts=child)

        self.vpc_id = network.vpc_id
        self.vpc_cidr = network.vpc_cidr
        self.public_subnet_ids = network.public_subnet_ids
        self.private_subnet_ids = network.private_subnet_ids
        self.load_balancer_dns_name = balancer.dns_name
        self.database_endpoint = database.endpoint
        self.database_master_secret_arn = database.master_secret_arn
        self.alert_topic_arn = monitoring.topic_arn
        self.audit_bucket_name = audit.bucket_name
        self.certificate_validation_records = balancer.certificate_validation_records
        self.github_two_factor_required = github_org.two_factor_required
        self.iam_groups = access.group_names
        self.iam_users = access.user_names
        self.register_outputs({"vpc_id": self.vpc_id, "alert_topic_arn": self.alert_topic_arn})

    def _app_security_group(self, prefix: str, network: Network, balancer: TlsLoadBalancer,
                            tags: dict[str, str]) -> aws.ec2.SecurityGroup:
        """Where application tasks run: reachable only from the load balancer."""
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(f"{prefix}-app-sg", vpc_id=network.vpc_id,
                                      description="application tasks: traffic from the load balancer only",
                                      ingress=[], egress=[], tags={**tags, "Name": f"{prefix}-app"}, opts=child)
        aws.vpc.SecurityGroupIngressRule(f"{prefix}-app-from-lb", security_group_id=group.id, ip_protocol="tcp",
                                         from_port=APP_PORT, to_port=APP_PORT,
                                         referenced_security_group_id=balancer.security_group_id,
                                         description="application port from the load balancer", opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{prefix}-app-https-out", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0",
                                        description="HTTPS to AWS APIs and dependencies", opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{prefix}-app-to-vpc", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=0, to_port=65535, cidr_ipv4=network.vpc_cidr,
                                        description="services and the database inside the VPC", opts=child)
        return group
