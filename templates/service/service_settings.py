"""This service's stack settings: every `${PROJECT}:*` key, typed and frozen, read in one place.

A bad value stops the run before any resource exists, with one line naming the stack file, the
key, the value and what is allowed.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Literal

from typing import Any

from pydantic import EmailStr, model_validator
from soc2_components import environments
from soc2_components.settings import DomainName, Settings, read_settings, setting

# This service's keys that follow the baseline's environment rules: the same defaults, and the same
# floors that stacks/policy-config.prod.json asks of the policy pack, so a weaker prod stack is refused
# before the pack ever sees it.
ENVIRONMENT_KEYS = {
    "network.azCount": "azCount",
    "database.multiAz": "databaseMultiAz",
    "database.backupRetentionDays": "databaseBackupRetentionDays",
    "backupRetentionDays": "backupRetentionDays",
}


class NetworkSettings(Settings):
    mode: Literal["own", "baseline"] = setting("own", allowed="own, or baseline to use the baseline stack's VPC")
    """Build a VPC for the service, or place it in the baseline's VPC."""
    cidr: IPv4Network = setting(IPv4Network("10.40.0.0/16"), allowed="an IPv4 CIDR block such as 10.40.0.0/16")
    """Address range when mode is own."""
    az_count: int = setting(2, ge=2, le=4, allowed="an integer from 2 to 4")
    """Availability zones when mode is own."""
    baseline_stack: str = setting("", pattern=r"^$|^[\w.-]+/[\w.-]+/[\w.-]+$",
                                  allowed="organization/project/stack of the baseline, e.g. acme/soc2-baseline/prod")
    """The baseline stack whose VPC this service uses when mode is baseline."""


class DatabaseSettings(Settings):
    engine: Literal["postgres", "mysql"] = setting("postgres", allowed="postgres or mysql")
    """Database engine."""
    instance_class: str = setting("db.t4g.medium", pattern=r"^db\.[a-z0-9-]+\.[a-z0-9]+$", allowed="an RDS class")
    """RDS instance class."""
    multi_az: bool = setting(False, allowed="true or false")
    """Standby in a second zone."""
    backup_retention_days: int = setting(7, ge=7, le=35, allowed="an integer from 7 to 35")
    """Automated backup retention."""


class ServiceSettings(Settings):
    environment: Literal["dev", "staging", "prod"] = setting(allowed="dev, staging or prod")
    """Stack environment."""
    owner: str = setting(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", allowed="a lower-case team name")
    """Team accountable for the service; tagged on every resource."""
    domain_name: DomainName = setting(allowed="a lower-case DNS name such as api.example.com")
    """Name served over HTTPS."""
    hosted_zone_id: str = setting("", pattern=r"^$|^Z[A-Z0-9]{1,31}$", allowed="a Route 53 zone id, or empty")
    """Zone for the certificate's validation record; empty exports the record instead."""
    alert_email: EmailStr = setting(allowed="an e-mail address")
    """Where alarms are sent."""
    network: NetworkSettings = setting(default_factory=NetworkSettings, allowed="an object (see network.*)")
    """Network settings."""
    database: DatabaseSettings = setting(default_factory=DatabaseSettings, allowed="an object (see database.*)")
    """Database settings."""
    backup_retention_days: int = setting(14, ge=7, allowed="an integer of at least 7")
    """Daily AWS Backup retention."""
    log_retention_days: int = setting(365, ge=365, allowed="an integer of at least 365")
    """Retention of the service's log groups."""

    @model_validator(mode="before")
    @classmethod
    def _environment_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return environments.with_defaults(data, data.get("environment"), ENVIRONMENT_KEYS)

    def problems(self) -> list[tuple[str, object, str, str]]:
        """Rules across keys, reported like any other bad value."""
        found = []
        if self.network.mode == "baseline" and not self.network.baseline_stack:
            found.append(("network.baselineStack", self.network.baseline_stack, "required when network.mode is baseline",
                          "organization/project/stack of the baseline, e.g. acme/soc2-baseline/prod"))
        allowed = {path: _allowed(path) for path in ENVIRONMENT_KEYS}
        return found + environments.problems(self.model_dump(by_alias=True), self.environment, ENVIRONMENT_KEYS,
                                             allowed)


def _allowed(path: str) -> str:
    model: Any = ServiceSettings
    for part in path.split("."):
        info = next(i for n, i in model.model_fields.items() if part in (n, i.alias))
        model = info.annotation
    return info.json_schema_extra["allowed"]


def load_service_settings() -> ServiceSettings:
    """This stack's settings; raises SettingsError naming the stack file and key on a bad value."""
    return read_settings(ServiceSettings)
