"""The whole SOC 2 baseline for one stack, built from typed settings and the roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .access_control import AccessControl
from .app_security_group import DEFAULT_APP_PORT, ApplicationSecurityGroup
from .audit_logging import AuditLogging
from .backups import BackupPlan
from .baseline_settings import NAMESPACE, BaselineSettings
from .database import EncryptedDatabase
from .datadog_users import DatadogUsers
from .encryption_key import EncryptionKey
from .github_organization import GitHubOrganization, RepositorySpec
from .identity_center import IdentityCenter
from .load_balancer import TlsLoadBalancer
from .monitoring import Monitoring
from .network import Network
from .pagerduty_on_call import PagerDutyOnCall
from .roster import Roster
from .roster_record import RosterRecord
from .secure_bucket import SecureBucket, server_access_log_bucket
from .settings import SettingsError, stack_file
from .threat_detection import ThreatDetection

APP_PORT = DEFAULT_APP_PORT


class BaselineArgs(TypedDict):
    settings: BaselineSettings
    """Validated stack settings."""
    roster: Roster
    """Validated roster of people and teams."""
    today: NotRequired[dt.date]
    """The day access is granted for: people past their `until` date get nothing (default: today)."""


def check_roster_references(settings: BaselineSettings, roster: Roster, today: dt.date) -> None:
    """Settings may only name teams the roster declares, and PagerDuty needs someone on call; raises
    SettingsError before anything is registered."""
    for index, repo in enumerate(settings.github.repositories):
        for team in repo.team_permissions:
            if team not in roster.teams:
                raise SettingsError(stack_file(), f"{NAMESPACE}:github.repositories[{index}].teamPermissions",
                                    f'"{team}"', "team not in the roster",
                                    "one of " + ", ".join(sorted(roster.teams)) + f" (from {settings.access.roster_file})")
    if not settings.pagerduty.enabled:
        return
    rotation, granted = roster.on_call, roster.granted(today).on_call
    if rotation is None:
        raise SettingsError(settings.access.roster_file, "onCall", "(not set)",
                            f"required while {NAMESPACE}:pagerduty.enabled is true in {stack_file()}",
                            "an onCall object with people and escalateTo (see the README)")
    for key, alias in (("people", "people"), ("escalate_to", "escalateTo")):
        if granted is not None and not getattr(granted, key):
            raise SettingsError(settings.access.roster_file, f"onCall.{alias}", ", ".join(getattr(rotation, key)),
                                f"everyone listed is past their until date on {today.isoformat()}",
                                "at least one person still granted access")


@dataclass(frozen=True)
class _Place:
    """What every step of the baseline shares: where it is built, how it is named and tagged."""

    settings: BaselineSettings
    prefix: str
    account: pulumi.Output[str] | str
    region: str
    tags: dict[str, str]
    child: pulumi.ResourceOptions


@dataclass(frozen=True)
class _Keys:
    data: EncryptionKey
    logs: EncryptionKey
    backups: EncryptionKey


@dataclass(frozen=True)
class _Edge:
    access_logs: SecureBucket
    network: Network
    balancer: TlsLoadBalancer
    app: ApplicationSecurityGroup


@dataclass(frozen=True)
class _Data:
    bucket: SecureBucket
    database: EncryptedDatabase


@dataclass(frozen=True)
class _Observability:
    monitoring: Monitoring
    audit: AuditLogging


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
    identity_center_users: pulumi.Output[list[str]]

    def __init__(self, name: str, args: BaselineArgs, opts: pulumi.ResourceOptions | None = None):
        settings, roster, today = args["settings"], args["roster"], args.get("today") or dt.date.today()
        check_roster_references(settings, roster, today)
        super().__init__("soc2:baseline:Baseline", name, None, opts)
        place = _Place(settings, f"{name}-{settings.environment}", aws.get_caller_identity().account_id,
                       aws.get_region().region, {"soc2:environment": settings.environment, "soc2:owner": settings.owner,
                                                 "soc2:managed-by": "pulumi", **settings.tags},
                       pulumi.ResourceOptions(parent=self))
        keys = _keys(place)
        edge = _edge(place, keys)
        data = _data(place, keys, edge)
        seen = _observability(place, keys, edge, data)
        access, identity_center, github_org = _identity(place, roster, today)
        _on_call(place, roster.granted(today), seen)
        _backups(place, keys, data, seen)

        self.vpc_id, self.vpc_cidr = edge.network.vpc_id, edge.network.vpc_cidr
        self.public_subnet_ids, self.private_subnet_ids = edge.network.public_subnet_ids, edge.network.private_subnet_ids
        self.load_balancer_dns_name = edge.balancer.dns_name
        self.certificate_validation_records = edge.balancer.certificate_validation_records
        self.database_endpoint, self.database_master_secret_arn = data.database.endpoint, data.database.master_secret_arn
        self.alert_topic_arn, self.audit_bucket_name = seen.monitoring.topic_arn, seen.audit.bucket_name
        self.github_two_factor_required = github_org.two_factor_required
        self.iam_groups, self.iam_users = access.group_names, access.user_names
        self.identity_center_users = identity_center.user_names if identity_center else pulumi.Output.from_input([])
        self.register_outputs({"vpc_id": self.vpc_id, "alert_topic_arn": self.alert_topic_arn})


def _keys(place: _Place) -> _Keys:
    """One customer-managed key per purpose, each admitting only the services that use it."""
    def key(purpose: str, services: list[str]) -> EncryptionKey:
        return EncryptionKey(f"{place.prefix}-{purpose}", {"purpose": purpose, "account_id": place.account,
                                                            "region": place.region, "services": services,
                                                            "tags": place.tags}, opts=place.child)

    return _Keys(key("data", []), key("logs", ["cloudwatch-logs", "cloudtrail", "cloudwatch-alarms", "eventbridge"]),
                 key("backups", []))


def _edge(place: _Place, keys: _Keys) -> _Edge:
    """The network, the TLS load balancer in front of it, and the security group the application runs in."""
    s, prefix, account, region = place.settings, place.prefix, place.account, place.region
    access_logs = server_access_log_bucket(f"{prefix}-access-logs", account, region, place.tags, opts=place.child)
    network = Network(f"{prefix}-network", {
        "cidr": str(s.network.cidr), "az_count": s.network.az_count, "flow_log_key_arn": keys.logs.arn,
        "flow_log_retention_days": s.logging.flow_log_retention_days, "account_id": account, "region": region,
        "tags": place.tags}, opts=place.child)
    balancer = TlsLoadBalancer(f"{prefix}-lb", {
        **s.load_balancer.model_dump(), "vpc_id": network.vpc_id, "vpc_cidr": network.vpc_cidr,
        "public_subnet_ids": network.public_subnet_ids, "account_id": account, "region": region,
        "log_bucket_name": f"{prefix}-lb-logs-{account}-{region}", "server_access_log_bucket": access_logs.bucket_name,
        "log_kms_key_arn": keys.logs.arn, "log_retention_days": s.logging.audit_log_retention_days,
        "target_port": APP_PORT, "tags": place.tags}, opts=place.child)
    app = ApplicationSecurityGroup(f"{prefix}-app", {
        "vpc_id": network.vpc_id, "vpc_cidr": network.vpc_cidr, "port": APP_PORT,
        "load_balancer_security_group_id": balancer.security_group_id, "tags": place.tags}, opts=place.child)
    return _Edge(access_logs, network, balancer, app)


def _data(place: _Place, keys: _Keys, edge: _Edge) -> _Data:
    """Customer data: the data bucket and the database, both under the data key."""
    s, prefix = place.settings, place.prefix
    customer = {**place.tags, "soc2:data": "customer"}
    bucket = SecureBucket(f"{prefix}-data", {
        "bucket_name": f"{prefix}-data-{place.account}-{place.region}", "kms_key_arn": keys.data.arn,
        "access_log_bucket": edge.access_logs.bucket_name, "access_log_prefix": f"{prefix}-data/",
        "tags": customer}, opts=place.child)
    database = EncryptedDatabase(f"{prefix}-database", {
        **s.database.model_dump(), "identifier": f"{prefix}-db", "vpc_id": edge.network.vpc_id,
        "subnet_ids": edge.network.private_subnet_ids, "app_security_group_ids": [edge.app.security_group_id],
        "kms_key_arn": keys.data.arn, "log_kms_key_arn": keys.logs.arn,
        "log_retention_days": s.logging.audit_log_retention_days, "tags": customer}, opts=place.child)
    return _Data(bucket, database)


def _observability(place: _Place, keys: _Keys, edge: _Edge, data: _Data) -> _Observability:
    """Alarms that page someone, the audit trail, and threat detection routed to the same alert topic."""
    s, prefix, account, region = place.settings, place.prefix, place.account, place.region
    endpoint = s.alert_https_endpoint
    monitoring = Monitoring(f"{prefix}-monitoring", {
        "topic_kms_key_arn": keys.logs.arn, "account_id": account, "region": region,
        "alert_emails": [str(e) for e in s.alerts.emails], "thresholds": s.alerts,
        "alert_https_endpoint": endpoint.get_secret_value() if endpoint else None,
        "load_balancer_arn_suffix": edge.balancer.arn_suffix,
        "target_group_arn_suffix": edge.balancer.target_group_arn_suffix,
        "db_instance_identifier": data.database.instance_identifier,
        "datadog_notify": s.datadog.notify if s.datadog.enabled else [], "tags": place.tags}, opts=place.child)
    audit = AuditLogging(f"{prefix}-audit", {
        "account_id": account, "region": region, "bucket_name": f"{prefix}-audit-{account}-{region}",
        "server_access_log_bucket": edge.access_logs.bucket_name, "kms_key_arn": keys.logs.arn,
        "log_retention_days": s.logging.audit_log_retention_days, "object_lock_mode": s.logging.audit_object_lock_mode,
        "object_lock_days": s.logging.audit_object_lock_days, "alert_topic_arn": monitoring.topic_arn,
        "tags": place.tags}, opts=place.child)
    ThreatDetection(f"{prefix}-detection", {"account_id": account, "region": region,
                                            "alert_topic_arn": monitoring.topic_arn, "ebs_kms_key_arn": keys.data.arn,
                                            "tags": place.tags}, opts=place.child)
    return _Observability(monitoring, audit)


def _identity(place: _Place, roster: Roster,
              today: dt.date) -> tuple[AccessControl, IdentityCenter | None, GitHubOrganization]:
    """People's access, from the one roster as of `today`: Identity Center (or IAM) users and groups,
    GitHub members, teams and repositories, and Datadog users; the roster itself, for the policies."""
    s, granted = place.settings, roster.granted(today)
    RosterRecord(f"{place.prefix}-roster", roster, today, opts=place.child)
    iam_users = s.access.identity == "iam-users"
    access = AccessControl(f"{place.prefix}-access", {
        **s.access.model_dump(include={"password_min_length", "password_reuse_prevention", "password_max_age_days"}),
        "roster": granted, "iam_users": iam_users, "tags": place.tags}, opts=place.child)
    identity_center = None if iam_users else IdentityCenter(f"{place.prefix}-sso", {
        "roster": granted, "account_id": place.account, "session_hours": s.access.session_hours,
        "admin_session_hours": s.access.admin_session_hours, "tags": place.tags}, opts=place.child)
    github_org = GitHubOrganization(f"{place.prefix}-github", {
        **s.github.model_dump(exclude={"repositories"}), "roster": granted,
        "repositories": [RepositorySpec(**r.model_dump()) for r in s.github.repositories]}, opts=place.child)
    if s.datadog.manage_users:
        DatadogUsers(f"{place.prefix}-datadog-users", {"roster": granted}, opts=place.child)
    return access, identity_center, github_org


def _on_call(place: _Place, granted: Roster, seen: _Observability) -> None:
    """PagerDuty users, team, schedule and escalation from the roster, paged by the alert topic."""
    pagerduty = place.settings.pagerduty
    if pagerduty.enabled:
        PagerDutyOnCall(f"{place.prefix}-pagerduty", {
            "roster": granted, "alert_topic_arn": seen.monitoring.topic_arn,
            "escalation_delay_minutes": pagerduty.escalation_delay_minutes, "repeat": pagerduty.repeat},
            opts=place.child)


def _backups(place: _Place, keys: _Keys, data: _Data, seen: _Observability) -> None:
    """A daily plan into a locked vault, covering every stateful resource of the stack."""
    backup = place.settings.backup
    BackupPlan(f"{place.prefix}-backup", {
        **backup.model_dump(exclude={"vault_lock_mode"}), "lock_mode": backup.vault_lock_mode,
        "kms_key_arn": keys.backups.arn, "account_id": place.account,
        "resources": [data.database.arn, data.bucket.arn, seen.audit.bucket_arn], "tags": place.tags},
        opts=place.child)
