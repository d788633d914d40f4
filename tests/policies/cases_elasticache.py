"""ElastiCache policy cases: Redis and Valkey replication groups, serverless caches, and standalone and
member clusters."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECURE_GROUP: dict[str, Any] = dict(
    description="sessions", engine="redis", engine_version="7.1", node_type="cache.t4g.small", num_cache_clusters=2,
    at_rest_encryption_enabled=True, kms_key_id=KEY, transit_encryption_enabled=True, user_group_ids=["app-users"],
    snapshot_retention_limit=7, snapshot_window="03:00-04:00", automatic_failover_enabled=True, multi_az_enabled=True,
    subnet_group_name="private", tags={"soc2:environment": "prod"})
SECURE_SERVERLESS: dict[str, Any] = dict(name="sessions", engine="valkey", major_engine_version="8", kms_key_id=KEY,
                                         user_group_id="app-users", snapshot_retention_limit=7)
MEMCACHED: dict[str, Any] = dict(engine="memcached", node_type="cache.t4g.small", num_cache_nodes=2,
                                 transit_encryption_enabled=True)


def _label(changes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in changes.items()) or "secure"


def group(**changes: Any) -> Build:
    def build() -> None:
        aws.elasticache.ReplicationGroup("sessions", **{**SECURE_GROUP, **changes})
    build.__name__ = f"group({_label(changes)})"
    return build


def keyed_group(**changes: Any) -> Build:
    """A Valkey group keyed by a key of the program, authenticating with a write-only AUTH token."""
    def build() -> None:
        key = aws.kms.Key("cache-key", enable_key_rotation=True)
        args = {**SECURE_GROUP, "engine": "valkey", "engine_version": "8.0", "kms_key_id": key.arn,
                "user_group_ids": None, "auth_token_wo": "correct-horse-battery-staple", "auth_token_wo_version": 1}
        aws.elasticache.ReplicationGroup("sessions", **{**args, **changes})
    build.__name__ = f"keyed_group({_label(changes)})"
    return build


def serverless(**changes: Any) -> Build:
    def build() -> None:
        aws.elasticache.ServerlessCache("sessions", **{**SECURE_SERVERLESS, **changes})
    build.__name__ = f"serverless({_label(changes)})"
    return build


def cluster(**args: Any) -> Build:
    def build() -> None:
        aws.elasticache.Cluster("nodes", **args)
    build.__name__ = f"cluster({_label(args)})"
    return build


def member_cluster() -> None:
    """A read replica added to a secure group: its settings are the group's."""
    parent = aws.elasticache.ReplicationGroup("sessions", **SECURE_GROUP)
    aws.elasticache.Cluster("sessions-replica", replication_group_id=parent.id)


def standalone_redis() -> None:
    aws.elasticache.Cluster("nodes", engine="redis", node_type="cache.t4g.small", num_cache_nodes=1,
                            snapshot_retention_limit=7)


CASES = [
    Case("elasticache-cache-encrypted-at-rest", group(), group(at_rest_encryption_enabled=False),
         "data is stored unencrypted: atRestEncryptionEnabled is False for engine redis"),
    Case("elasticache-cache-encrypted-at-rest", group(kms_key_id=None), group(at_rest_encryption_enabled=None,
                                                                              kms_key_id=None),
         "atRestEncryptionEnabled is unset for engine redis",
         config={"elasticache-cache-encrypted-at-rest": {"requireCustomerKey": False}}),
    Case("elasticache-cache-encrypted-at-rest", keyed_group(at_rest_encryption_enabled=None),
         keyed_group(kms_key_id=None), "kmsKeyId is not set"),
    Case("elasticache-cache-encrypted-at-rest", serverless(), serverless(kms_key_id=None), "kmsKeyId is not set"),
    Case("elasticache-cache-encrypted-at-rest", member_cluster, standalone_redis,
         "a standalone redis cluster cannot encrypt data at rest"),
    Case("elasticache-cache-encrypted-at-rest", cluster(**MEMCACHED), standalone_redis,
         "use an aws.elasticache.ReplicationGroup (Valkey, Redis OSS) or a ServerlessCache"),
    Case("elasticache-cache-transit-encryption", group(), group(transit_encryption_enabled=None, user_group_ids=None),
         "transitEncryptionEnabled is unset"),
    Case("elasticache-cache-transit-encryption", group(transit_encryption_mode="required"),
         group(transit_encryption_mode="preferred"), "'preferred', which still accepts unencrypted connections"),
    Case("elasticache-cache-transit-encryption", cluster(**MEMCACHED), cluster(**{**MEMCACHED,
                                                                                 "transit_encryption_enabled": False}),
         "clients connect unencrypted: transitEncryptionEnabled is False"),
    Case("elasticache-cache-transit-encryption", member_cluster, standalone_redis,
         "a standalone redis cluster cannot use TLS"),
    Case("elasticache-cache-authentication", group(), group(user_group_ids=None),
         "neither userGroupIds (RBAC) nor an auth token is set"),
    Case("elasticache-cache-authentication", keyed_group(), keyed_group(auth_token_wo=None, auth_token_wo_version=None),
         "neither userGroupIds (RBAC) nor an auth token is set"),
    Case("elasticache-cache-authentication", serverless(), serverless(user_group_id=None),
         "userGroupId (RBAC) is not set"),
    Case("elasticache-cache-snapshot-retention", group(), group(snapshot_retention_limit=None),
         "snapshotRetentionLimit is unset (0 turns snapshots off), below the minimum of 7"),
    Case("elasticache-cache-snapshot-retention", group(snapshot_retention_limit=1, tags={"soc2:stateful": "false"}),
         group(snapshot_retention_limit=1), "snapshotRetentionLimit is 1"),
    Case("elasticache-cache-snapshot-retention", serverless(), serverless(snapshot_retention_limit=3),
         "snapshotRetentionLimit is 3"),
    Case("elasticache-cache-snapshot-retention", cluster(**MEMCACHED),
         cluster(engine="redis", node_type="cache.t4g.small", num_cache_nodes=1), "snapshotRetentionLimit is unset"),
    Case("elasticache-replicationgroup-multi-az", group(), group(multi_az_enabled=False),
         "environment prod: a zone failure takes the cache down: multiAzEnabled not true"),
    Case("elasticache-replicationgroup-multi-az",
         group(automatic_failover_enabled=None, multi_az_enabled=None, tags={"soc2:environment": "dev"}),
         group(automatic_failover_enabled=None, multi_az_enabled=None, tags={}),
         "untagged (taken as production): a zone failure takes the cache down: automaticFailoverEnabled, "
         "multiAzEnabled not true"),
]
