"""This service's stack settings: every `${PROJECT}:*` key, typed and frozen, read in one place.

A bad value stops the run before any resource exists, with one line naming the stack file, the
key, the value and what is allowed.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, field_validator, model_validator
from soc2_components import environments
from soc2_components.settings import DomainName, Settings, read_settings, setting

# This service's keys that follow the baseline's environment rules: the same defaults, and the same
# floors that stacks/policy-config.prod.json asks of the policy pack, so a weaker prod stack is refused
# before the pack ever sees it.
ENVIRONMENT_KEYS = {
    "network.azCount": "azCount",
    "database.multiAz": "databaseMultiAz",
    "database.backupRetentionDays": "databaseBackupRetentionDays",
    "cache.multiAz": "cacheMultiAz",
    "backupRetentionDays": "backupRetentionDays",
}
ResourceName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")]


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


class ContainerSettings(Settings):
    image_tag: str = setting("0.1.0", pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$",
                             allowed="an image tag such as 1.4.2 (tags are immutable: one per release)")
    """Tag of the image to run, pushed to the service's ECR repository."""
    cpu: int = setting(512, allowed="256, 512, 1024, 2048 or 4096 (CPU units)")
    """Task CPU."""
    memory_mb: int = setting(1024, ge=512, le=30720, allowed="an integer from 512 to 30720 (MiB)")
    """Task memory."""
    desired_count: int = setting(2, ge=1, le=100, allowed="an integer from 1 to 100")
    """Tasks to run, and the scaling minimum."""
    max_count: int = setting(6, ge=1, le=200, allowed="an integer from 1 to 200, at least desiredCount")
    """Scaling maximum."""

    @field_validator("cpu")
    @classmethod
    def _fargate_cpu(cls, cpu: int) -> int:
        if cpu not in (256, 512, 1024, 2048, 4096):
            raise ValueError("not a Fargate CPU size")
        return cpu


class FunctionSettings(Settings):
    memory_mb: int = setting(512, ge=128, le=10240, allowed="an integer from 128 to 10240 (MiB)")
    """Function memory."""
    timeout_seconds: int = setting(30, ge=1, le=900, allowed="an integer from 1 to 900 (seconds)")
    """Function timeout."""
    reserved_concurrency: int = setting(10, ge=1, le=1000, allowed="an integer from 1 to 1000")
    """Concurrent executions reserved for, and allowed to, the function."""


class CacheSettings(Settings):
    enabled: bool = setting(False, allowed="true or false")
    """Add a Valkey cache reachable only from the service."""
    node_type: str = setting("cache.t4g.small", pattern=r"^cache\.[a-z0-9-]+\.[a-z0-9]+$",
                             allowed="an ElastiCache node type such as cache.t4g.small")
    """Cache node class."""
    multi_az: bool = setting(False, allowed="true or false")
    """A replica in another zone with automatic failover."""


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
    compute: Literal["container", "function"] = setting("container", allowed="container or function")
    """What runs the service: containers on ECS Fargate, or a Lambda function; the load balancer forwards to it."""
    container: ContainerSettings = setting(default_factory=ContainerSettings, allowed="an object (see container.*)")
    """Container settings, when compute is container."""
    function: FunctionSettings = setting(default_factory=FunctionSettings, allowed="an object (see function.*)")
    """Function settings, when compute is function."""
    queues: list[ResourceName] = setting(default_factory=list, allowed="a list of lower-case names such as jobs")
    """SQS queues the service uses, each with a dead-letter queue."""
    tables: list[ResourceName] = setting(default_factory=list, allowed="a list of lower-case names such as orders")
    """DynamoDB tables the service uses (partition key `id`)."""
    cache: CacheSettings = setting(default_factory=CacheSettings, allowed="an object (see cache.*)")
    """A cache beside the database."""
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
        for kind, names in (("queues", self.queues), ("tables", self.tables)):
            if len(set(names)) != len(names):
                found.append((kind, names, "a name is listed twice", "each name once"))
        if self.container.max_count < self.container.desired_count:
            found.append(("container.maxCount", self.container.max_count, "below container.desiredCount",
                          _allowed("container.maxCount")))
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
