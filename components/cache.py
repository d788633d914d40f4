"""An ElastiCache replication group (Valkey or Redis OSS): encrypted at rest with a customer-managed
key and in transit with an AUTH token kept in Secrets Manager, automatic failover across zones,
daily snapshots, private subnets, and reachable only from the application's security groups
(CC6.1, CC6.6, CC6.7, A1.2)."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from .alarms import Alarm, watch

PORT = 6379
ENGINE_VERSIONS = {"valkey": "8.0", "redis": "7.1"}
NODE_ALARMS = [
    Alarm("engine-cpu", "the cache engine is saturated", "AWS/ElastiCache", "EngineCPUUtilization", "Average",
          "GreaterThanThreshold", 80),
    Alarm("memory", "the cache is nearly full", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Average",
          "GreaterThanThreshold", 85),
]


class CacheArgs(TypedDict):
    vpc_id: pulumi.Input[str]
    """VPC of the cache."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets in at least two zones."""
    app_security_group_ids: list[pulumi.Input[str]]
    """The only groups allowed to connect, on the cache port."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key for the data, snapshots and the AUTH token secret."""
    alert_topic_arn: pulumi.Input[str]
    """Topic the alarms notify."""
    engine: NotRequired[Literal["valkey", "redis"]]
    """Engine (default valkey)."""
    engine_version: NotRequired[str]
    """Engine version (default a current one for the engine)."""
    node_type: NotRequired[str]
    """Node class (default cache.t4g.small)."""
    nodes: NotRequired[int]
    """Primary plus replicas (default 2); at least 2 for automatic failover."""
    multi_az: NotRequired[bool]
    """Automatic failover to a replica in another zone (default on; off is reported in the environments
    where the policy config requires it)."""
    snapshot_retention_days: NotRequired[int]
    """Days daily snapshots are kept (default 7; 0 turns them off, which is reported)."""
    snapshot_window: NotRequired[str]
    """Daily snapshot window, UTC (default 04:00-05:00)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class Cache(pulumi.ComponentResource):
    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: int
    auth_secret_arn: pulumi.Output[str]
    """Secrets Manager secret holding the AUTH token; grant applications secretsmanager:GetSecretValue on it."""
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:data:Cache", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        engine = args.get("engine", "valkey")
        multi_az = args.get("multi_az", True)
        group = self._security_group(name, args, tags)
        subnets = aws.elasticache.SubnetGroup(f"{name}-subnets", subnet_ids=args["subnet_ids"], tags=tags, opts=child)
        # AUTH allows printable ASCII except @, " and /.
        token = random.RandomPassword(f"{name}-auth-token", length=64, special=True, override_special="!&#$^<>-",
                                      opts=child)
        secret = aws.secretsmanager.Secret(f"{name}-auth", name=f"{name}/auth-token", kms_key_id=args["kms_key_arn"],
                                           recovery_window_in_days=30, tags=tags, opts=child)
        aws.secretsmanager.SecretVersion(f"{name}-auth-version", secret_id=secret.id, secret_string=token.result,
                                         opts=child)
        cache = aws.elasticache.ReplicationGroup(
            f"{name}-group", replication_group_id=name, description=f"{name} ({engine})", engine=engine,
            engine_version=args.get("engine_version", ENGINE_VERSIONS[engine]),
            node_type=args.get("node_type", "cache.t4g.small"), num_cache_clusters=args.get("nodes", 2), port=PORT,
            at_rest_encryption_enabled=True, kms_key_id=args["kms_key_arn"], transit_encryption_enabled=True,
            auth_token=token.result, automatic_failover_enabled=multi_az, multi_az_enabled=multi_az,
            snapshot_retention_limit=args.get("snapshot_retention_days", 7),
            snapshot_window=args.get("snapshot_window", "04:00-05:00"), auto_minor_version_upgrade=True,
            subnet_group_name=subnets.name, security_group_ids=[group.id], apply_immediately=False, tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=True))
        for index in range(args.get("nodes", 2)):
            # Metrics are per node, named <replication group id>-00N; computed from the group, so tied to it.
            node = cache.replication_group_id.apply(lambda group_id, n=index + 1: f"{group_id}-{n:03d}")
            watch(f"{name}-node-{index + 1}", {"CacheClusterId": node}, NODE_ALARMS, args["alert_topic_arn"], tags,
                  child)
        self.primary_endpoint = cache.primary_endpoint_address
        self.reader_endpoint = cache.reader_endpoint_address
        self.port = PORT
        self.auth_secret_arn = secret.arn
        self.security_group_id = group.id
        self.register_outputs({"primary_endpoint": self.primary_endpoint, "auth_secret_arn": self.auth_secret_arn,
                               "security_group_id": self.security_group_id})

    def _security_group(self, name: str, args: CacheArgs, tags: dict[str, str]) -> aws.ec2.SecurityGroup:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args["vpc_id"], description=f"{name}: application access only",
                                      ingress=[], egress=[], tags={**tags, "Name": f"{name}-cache"}, opts=child)
        for index, source in enumerate(args["app_security_group_ids"]):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-from-app-{index}", security_group_id=group.id, referenced_security_group_id=source,
                ip_protocol="tcp", from_port=PORT, to_port=PORT,
                description="cache port from an application security group", opts=child)
        return group
