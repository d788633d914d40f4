"""The baseline's stack settings: every `soc2-baseline:*` key, its type, default and limits.

Defaults and floors that differ by environment live in environments.RULES; ENVIRONMENT_KEYS says
which of the baseline's keys follow which rule, so the README table and the validator read the
same numbers. Minimums here are hard floors; the policy pack enforces the (configurable) SOC 2
thresholds on top of them.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, SecretStr, field_validator, model_validator

from . import environments
from .monitoring import Thresholds
from .settings import DomainName, Settings, read_settings, setting
from .ticket_check import DEFAULT_TICKET_PATTERN

NAMESPACE = "soc2-baseline"

TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
)
"""Load balancer TLS policies that refuse TLS 1.0 and 1.1."""

# Baseline key path -> the environment rule it follows (defaults and floors by environment).
ENVIRONMENT_KEYS = {
    "network.azCount": "azCount",
    "database.multiAz": "databaseMultiAz",
    "database.backupRetentionDays": "databaseBackupRetentionDays",
    "database.performanceInsightsRetentionDays": "performanceInsightsRetentionDays",
    "backup.retentionDays": "backupRetentionDays",
    "backup.vaultLockMode": "backupVaultLockMode",
    "logging.auditObjectLockMode": "auditObjectLockMode",
    "github.requiredReviews": "requiredReviews",
    "datadog.manageUsers": "datadogUsers",
    "pagerduty.enabled": "pagerdutyEnabled",
}


AwsRegion = Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]


class NetworkSettings(Settings):
    cidr: IPv4Network = setting(IPv4Network("10.0.0.0/16"), allowed="an IPv4 CIDR block from /16 to /24, e.g. 10.20.0.0/16")
    """Address range of the VPC."""
    az_count: int = setting(2, ge=2, le=4, allowed="an integer from 2 to 4")
    """Availability zones; each gets one public (load balancer) and one private (data) subnet."""

    @field_validator("cidr")
    @classmethod
    def _prefix(cls, cidr: IPv4Network) -> IPv4Network:
        if not 16 <= cidr.prefixlen <= 24:
            raise ValueError(f"prefix length /{cidr.prefixlen} is outside /16 to /24")
        return cidr


class DatabaseSettings(Settings):
    engine: Literal["postgres", "mysql"] = setting("postgres", allowed="postgres or mysql")
    """Database engine."""
    engine_version: str | None = setting(None, pattern=r"^\d+(\.\d+){0,2}$", allowed="a version such as 16.4 or 8.0.39")
    """Engine version; empty picks a current default for the engine."""
    instance_class: str = setting("db.t4g.medium", pattern=r"^db\.[a-z0-9-]+\.[a-z0-9]+$", allowed="an RDS instance class such as db.t4g.medium")
    """RDS instance class."""
    allocated_storage_gb: int = setting(20, ge=20, le=65536, allow_inf_nan=False, allowed="an integer from 20 to 65536 (GiB)")
    """Initial storage."""
    max_allocated_storage_gb: int = setting(100, ge=20, le=65536, allowed="an integer from 20 to 65536 (GiB), at least allocatedStorageGb")
    """Storage autoscaling ceiling."""
    multi_az: bool = setting(False, allowed="true or false")
    """Standby replica in a second zone."""
    backup_retention_days: int = setting(7, ge=7, le=35, allowed="an integer from 7 to 35 (days)")
    """Automated backup retention."""
    backup_window: str = setting("03:00-04:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$", allowed="a UTC window HH:MM-HH:MM")
    """Daily backup window (UTC)."""
    maintenance_window: str = setting("sun:04:30-sun:05:30", pattern=r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$", allowed="a UTC window ddd:HH:MM-ddd:HH:MM")
    """Weekly maintenance window (UTC)."""
    database_name: str = setting("app", pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$", allowed="a letter then up to 62 letters, digits or underscores")
    """Initial database created in the instance."""
    master_username: str = setting("app_admin", pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,15}$", allowed="a letter then up to 15 letters, digits or underscores")
    """Master user; its password is generated and kept by RDS in Secrets Manager."""
    performance_insights_retention_days: Literal[7, 731] = setting(7, allowed="7 or 731 (days)")
    """Performance Insights retention."""
    monitoring_interval_seconds: Literal[1, 5, 10, 15, 30, 60] = setting(60, allowed="1, 5, 10, 15, 30 or 60 (seconds)")
    """Enhanced monitoring interval."""


class LoadBalancerSettings(Settings):
    domain_name: DomainName = setting(allowed="a lower-case DNS name such as app.example.com")
    """Name served over HTTPS; the certificate covers it."""
    certificate_arn: str | None = setting(None, pattern=r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$", allowed="an ACM certificate ARN, or unset to request one with DNS validation")
    """Existing ACM certificate; when unset a certificate is requested and validated through DNS."""
    hosted_zone_id: str | None = setting(None, pattern=r"^Z[A-Z0-9]{1,31}$", allowed="a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
    """Route 53 zone for the validation records; when unset they are exported for you to create."""
    ssl_policy: Literal[TLS_POLICIES] = setting(TLS_POLICIES[0], allowed="one of " + ", ".join(TLS_POLICIES))  # type: ignore[valid-type]
    """TLS negotiation policy of the HTTPS listener (TLS 1.3 with 1.2 fallback by default)."""
    access_log_retention_days: int = setting(365, ge=90, le=3650, allowed="an integer from 90 to 3650 (days)")
    """How long load balancer access logs are kept."""


class AlertSettings(Thresholds):
    emails: list[EmailStr] = setting(min_length=1, allowed="a list of at least one e-mail address")
    """Addresses subscribed to the alert topic (each confirms the subscription once)."""


class DatadogSettings(Settings):
    enabled: bool = setting(False, allowed="true or false")
    """Also create Datadog monitors (needs datadog:apiKey and datadog:appKey as secrets)."""
    notify: list[Annotated[str, Field(pattern=r"^@[A-Za-z0-9_.@+-]+$")]] = setting(default_factory=list, allowed="a list of Datadog handles such as @pagerduty-platform or @slack-alerts")
    """Notification handles added to every monitor message; at least one when enabled."""
    manage_users: bool = setting(False, allowed="true or false")
    """Create a Datadog user for each roster person with a datadog role (needs datadog:apiKey and datadog:appKey)."""


class PagerDutySettings(Settings):
    enabled: bool = setting(False, allowed="true or false")
    """PagerDuty users, team, on-call schedule, escalation policy and a service paged by the alert topic (needs pagerduty:token as a secret and onCall in the roster)."""
    escalation_delay_minutes: int = setting(15, ge=1, le=1440, allowed="an integer from 1 to 1440 (minutes)")
    """Minutes an incident waits for the person on call before it pages the next level."""
    repeat: int = setting(2, ge=0, le=9, allowed="an integer from 0 to 9")
    """Times the escalation policy repeats when nobody acknowledges."""


class LoggingSettings(Settings):
    audit_log_retention_days: int = setting(365, ge=365, le=3653, allowed="an integer from 365 to 3653 (days)")
    """CloudTrail log group retention in CloudWatch Logs."""
    audit_object_lock_days: int = setting(365, ge=365, le=3653, allowed="an integer from 365 to 3653 (days)")
    """Object lock retention of the audit log bucket."""
    audit_object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = setting("GOVERNANCE", allowed="GOVERNANCE or COMPLIANCE")
    """Object lock mode; COMPLIANCE cannot be shortened by anyone, root included."""
    flow_log_retention_days: int = setting(365, ge=90, le=3653, allowed="an integer from 90 to 3653 (days)")
    """VPC flow log retention."""


class BackupSettings(Settings):
    retention_days: int = setting(14, ge=7, le=36500, allowed="an integer of at least 7 (days)")
    """Retention of daily AWS Backup recovery points."""
    schedule: str = setting("cron(0 5 * * ? *)", pattern=r"^cron\([^)]+\)$", allowed="an AWS cron expression such as cron(0 5 * * ? *)")
    """When the daily backup runs (UTC)."""
    copy_region: AwsRegion | None = setting(None, allowed="an AWS region such as us-west-2, or unset")
    """Region that receives a copy of every recovery point; unset for no copy."""
    vault_lock_mode: Literal["governance", "compliance"] = setting("governance", allowed="governance or compliance")
    """Vault lock mode; compliance becomes immutable after a 3-day grace period."""


class RepositorySettings(Settings):
    name: str = setting(pattern=r"^[A-Za-z0-9_.-]{1,100}$", allowed="a repository name of letters, digits, '.', '_' or '-'")
    """Repository name in the organization."""
    description: str = setting("", max_length=350, allowed="text up to 350 characters")
    """Repository description."""
    visibility: Literal["private", "internal", "public"] = setting("private", allowed="private, internal or public")
    """Visibility; public is reported by the policy pack unless waived."""
    default_branch: str = setting("main", pattern=r"^[A-Za-z0-9._/-]{1,100}$", allowed="a branch name")
    """Protected default branch."""
    required_status_checks: list[str] = setting(default_factory=lambda: ["preflight"], min_length=1, allowed="a list of at least one check name")
    """Checks that must pass before merging; keep the policy preview (preflight) in it."""
    team_permissions: dict[str, Literal["pull", "triage", "push", "maintain", "admin"]] = setting(default_factory=dict, allowed="a map of roster team slug to pull, triage, push, maintain or admin")
    """Teams from the roster and their permission on this repository."""


class GitHubSettings(Settings):
    organization: str = setting(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", allowed="a GitHub organization login")
    """Organization that holds the managed repositories (also set github:owner)."""
    billing_email: EmailStr = setting(allowed="an e-mail address")
    """Billing address required by the organization settings API."""
    security_contact: EmailStr = setting(allowed="an e-mail address")
    """Where SECURITY.md tells people to report vulnerabilities."""
    required_reviews: int = setting(1, ge=1, le=6, allowed="an integer from 1 to 6")
    """Approving reviews required on the default branch."""
    code_owners: list[Annotated[str, Field(pattern=r"^@[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$")]] = setting(min_length=1, allowed="a list of @user or @org/team owners")
    """Owners written to CODEOWNERS for every path."""
    repositories: list[RepositorySettings] = setting(min_length=1, allowed="a list of at least one repository")
    """Managed repositories, each private by default and protected."""
    manage_organization_settings: bool = setting(True, allowed="true or false")
    """Manage org-wide settings (needs an org owner token)."""
    require_signed_commits: bool = setting(True, allowed="true or false")
    """Accept only signed commits on protected branches."""
    ticket_pattern: str = setting(DEFAULT_TICKET_PATTERN, min_length=1, max_length=200, allowed="a Python regular expression for ticket ids, such as [A-Z][A-Z0-9]+-\\d+, that matches no empty text")
    """Ticket ids every pull request names in its title or branch (the `ticket` check) and `preflight changes` looks for."""
    commit_message_ruleset: bool = setting(False, allowed="true or false")
    """Also require every commit on default branches to name a ticket, through a repository ruleset (GitHub Enterprise plans; the `ticket` check works on every plan)."""

    @field_validator("ticket_pattern")
    @classmethod
    def _ticket_pattern(cls, pattern: str) -> str:
        try:
            compiled = re.compile(pattern)
        except re.error as err:
            raise ValueError(f"not a regular expression ({err})") from None
        if compiled.search(""):
            raise ValueError("matches empty text, so every pull request would pass")
        return pattern


class AccessSettings(Settings):
    roster_file: str = setting("stacks/people.yaml", pattern=r"^[^\x00]+\.ya?ml$", allowed="a path to a YAML roster, relative to the project")
    """The one roster of people: their AWS groups, GitHub teams, SaaS roles and the on-call rotation."""
    identity: Literal["identity-center", "iam-users"] = setting("identity-center", allowed="identity-center or iam-users")
    """How people reach AWS: IAM Identity Center (needs AWS Organizations with Identity Center enabled) with short sessions and no long-lived credentials; iam-users only for accounts outside an organization."""
    session_hours: int = setting(8, ge=1, le=12, allowed="an integer from 1 to 12 (hours)")
    """Identity Center session length for developers, read-only users and auditors."""
    admin_session_hours: int = setting(1, ge=1, le=12, allowed="an integer from 1 to 12 (hours)")
    """Identity Center session length for administrators (kept short)."""
    password_min_length: int = setting(14, ge=14, le=128, allowed="an integer from 14 to 128")
    """IAM console password minimum length (IAM users only)."""
    password_reuse_prevention: int = setting(24, ge=24, le=24, allowed="24")
    """Previous passwords that cannot be reused."""
    password_max_age_days: int = setting(90, ge=1, le=365, allowed="an integer from 1 to 365 (days)")
    """Days before an IAM console password expires."""


class BaselineSettings(Settings):
    environment: Literal["dev", "staging", "prod"] = setting(allowed="dev, staging or prod")
    """Stack environment; prod turns on the strict defaults and floors (see the Default and Allowed columns)."""
    owner: str = setting(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", allowed="a lower-case team name such as platform")
    """Team accountable for the stack; tagged on every resource."""
    tags: dict[str, str] = setting(default_factory=dict, allowed="a map of tag name to value")
    """Extra tags for every AWS resource."""
    network: NetworkSettings = setting(default_factory=NetworkSettings, allowed="an object (see network.*)")
    """Network settings."""
    database: DatabaseSettings = setting(default_factory=DatabaseSettings, allowed="an object (see database.*)")
    """Database settings."""
    load_balancer: LoadBalancerSettings = setting(allowed="an object (see loadBalancer.*)")
    """Load balancer settings."""
    alerts: AlertSettings = setting(allowed="an object (see alerts.*)")
    """Alarm routing and thresholds."""
    alert_https_endpoint: SecretStr | None = setting(None, allowed="an encrypted https URL (pulumi config set --secret)")
    """Another paging webhook (e.g. Opsgenie) subscribed to the alert topic; kept secret. PagerDuty needs none: pagerduty.enabled subscribes its service."""
    datadog: DatadogSettings = setting(default_factory=DatadogSettings, allowed="an object (see datadog.*)")
    """Datadog monitors and users."""
    pagerduty: PagerDutySettings = setting(default_factory=PagerDutySettings, allowed="an object (see pagerduty.*)")
    """PagerDuty on-call from the roster."""
    logging: LoggingSettings = setting(default_factory=LoggingSettings, allowed="an object (see logging.*)")
    """Audit and flow log retention."""
    backup: BackupSettings = setting(default_factory=BackupSettings, allowed="an object (see backup.*)")
    """AWS Backup plan."""
    github: GitHubSettings = setting(allowed="an object (see github.*)")
    """GitHub organization and repositories."""
    access: AccessSettings = setting(default_factory=AccessSettings, allowed="an object (see access.*)")
    """The roster, how people reach AWS, session lengths and the IAM password policy."""

    @model_validator(mode="before")
    @classmethod
    def _environment_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return environments.with_defaults(data, data.get("environment"), ENVIRONMENT_KEYS)

    def problems(self) -> list[tuple[str, Any, str, str]]:
        allowed = {path: _allowed(*path.split(".")) for path in ENVIRONMENT_KEYS}
        found = environments.problems(self.model_dump(by_alias=True), self.environment, ENVIRONMENT_KEYS, allowed)
        if self.datadog.enabled and not self.datadog.notify:
            found.append(("datadog.notify", [], "empty while datadog.enabled is true", _allowed("datadog", "notify")))
        db = self.database
        if db.max_allocated_storage_gb < db.allocated_storage_gb:
            found.append(("database.maxAllocatedStorageGb", db.max_allocated_storage_gb,
                          "below allocatedStorageGb", _allowed("database", "maxAllocatedStorageGb")))
        return found


def _allowed(section: str, key: str) -> str:
    model = BaselineSettings.model_fields[_field_name(BaselineSettings, section)].annotation
    info = model.model_fields[_field_name(model, key)]
    return info.json_schema_extra["allowed"]


def _field_name(model: Any, alias: str) -> str:
    return next(n for n, i in model.model_fields.items() if alias in (n, i.alias))


def load_baseline_settings() -> BaselineSettings:
    """Reads this stack's `soc2-baseline:*` config; raises SettingsError on the first bad value."""
    return read_settings(BaselineSettings, NAMESPACE)
