"""ElastiCache: replication groups (Valkey and Redis OSS), serverless caches and node-based clusters.

A Cluster with replication_group_id is a member of a group and is judged through the group. A
standalone Cluster is Memcached (TLS, but nothing kept on disk) or a single Redis node, which can
neither encrypt at rest nor use TLS: the policies say so instead of passing it.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key, environments
from .catalog import Dimension
from .checks import minimum_schema, shown
from .conventions import STATEFUL_TAG
from .declare import Service
from .framework import Resource

SERVICE = Service("elasticache", "ElastiCache", "Replication groups, serverless caches and cache clusters.")

# Node metrics are named by member (CacheClusterId <group>-001), so only an alarm computed from the
# group's outputs names a replication group.
GROUP = SERVICE.resource_type("aws:elasticache/replicationGroup:ReplicationGroup", kind="replication group",
                              stateful=True, alarmed=True, key="kmsKeyId")
SERVERLESS = SERVICE.resource_type("aws:elasticache/serverlessCache:ServerlessCache", kind="serverless cache",
                                   stateful=True, alarmed=True, dimension=Dimension("clusterId", "name"),
                                   key="kmsKeyId")
CLUSTER = SERVICE.resource_type("aws:elasticache/cluster:Cluster", kind="cache cluster", stateful=True)
CACHES = [GROUP, SERVERLESS, CLUSTER]
REPLICATION_GROUP_HOME = "use an aws.elasticache.ReplicationGroup (Valkey, Redis OSS) or a ServerlessCache"


def _engine(r: Resource) -> str:
    return (r.str("engine") or ("redis" if r.type == GROUP else "")).lower()


def _standalone(r: Resource) -> bool:
    """A Cluster that is not a member of a replication group (whose settings are the group's)."""
    return r.type == CLUSTER and not r.is_set("replicationGroupId")


@SERVICE.resource_policy(
    name="elasticache-cache-encrypted-at-rest", types=CACHES, severity="high", criteria=["CC6.1", "C1.1"],
    description="ElastiCache data is encrypted at rest, by default with a customer-managed KMS key.",
    remediation="Set at_rest_encryption_enabled=True and kms_key_id on the aws.elasticache.ReplicationGroup, and "
                "kms_key_id on a ServerlessCache; a standalone Redis Cluster cannot encrypt at rest: "
                f"{REPLICATION_GROUP_HOME}.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_29", "CKV_AWS_191"])
def _encrypted_at_rest(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.type == CLUSTER:
        # Node-based Memcached writes nothing to disk (no snapshots, no backups): there is no data at rest.
        if _standalone(r) and _engine(r) != "memcached":
            yield f"a standalone {_engine(r) or 'cache'} cluster cannot encrypt data at rest; {REPLICATION_GROUP_HOME}"
        return
    if r.type == GROUP:
        enabled = r.get("atRestEncryptionEnabled")
        if (enabled if isinstance(enabled, bool) else _engine(r) == "valkey") is not True:
            yield f"data is stored unencrypted: atRestEncryptionEnabled is {shown(enabled)} for engine {_engine(r)}"
            return
    if customer_key.required(config) and (problem := customer_key.problem(r, "kmsKeyId")):
        yield f"data at rest is not encrypted with a customer-managed key: {problem}"


@SERVICE.resource_policy(
    name="elasticache-cache-transit-encryption", types=[GROUP, CLUSTER], severity="high", criteria=["CC6.7"],
    description="ElastiCache accepts only TLS connections (serverless caches always do).",
    remediation="Set transit_encryption_enabled=True (and transit_encryption_mode='required', or leave it unset) on "
                "the aws.elasticache.ReplicationGroup, or on a Memcached Cluster; a standalone Redis Cluster cannot "
                "use TLS: use a ReplicationGroup.",
    checkov=["CKV_AWS_30"])
def _transit_encryption(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.type == CLUSTER and not _standalone(r):
        return
    if r.type == CLUSTER and _engine(r) != "memcached":
        yield f"a standalone {_engine(r) or 'cache'} cluster cannot use TLS; use an aws.elasticache.ReplicationGroup"
        return
    if r.get("transitEncryptionEnabled") is not True:
        yield f"clients connect unencrypted: transitEncryptionEnabled is {shown(r.get('transitEncryptionEnabled'))}"
    elif r.get("transitEncryptionMode") == "preferred":
        yield "transitEncryptionMode is 'preferred', which still accepts unencrypted connections; use 'required'"


@SERVICE.resource_policy(
    name="elasticache-cache-authentication", types=[GROUP, SERVERLESS], severity="high", criteria=["CC6.1", "CC6.2"],
    description="Valkey and Redis OSS caches make clients authenticate, with an AUTH token or RBAC users.",
    remediation="Give the aws.elasticache.ReplicationGroup user_group_ids (RBAC, preferred) or an auth_token_wo "
                "(with transit encryption on), and a ServerlessCache a user_group_id; keep the token in Secrets "
                "Manager, not in code.",
    checkov=["CKV_AWS_31"])
def _authentication(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if _engine(r) == "memcached":
        return  # Memcached has no authentication; its boundary is the security group
    if r.type == SERVERLESS:
        if not r.is_set("userGroupId"):
            yield "any client that reaches the cache can use it: userGroupId (RBAC) is not set"
    elif not (r.is_set("userGroupIds") or r.is_set("authToken") or r.is_set("authTokenWo")):
        yield "any client that reaches the cache can use it: neither userGroupIds (RBAC) nor an auth token is set"


def _snapshots_apply(r: Resource) -> bool:
    """Memcached keeps no snapshots; a member cluster's are its group's."""
    return _engine(r) != "memcached" and (r.type != CLUSTER or _standalone(r))


@SERVICE.resource_policy(
    name="elasticache-cache-snapshot-retention", types=CACHES, severity="high", criteria=["A1.2", "CC7.5"],
    description="Valkey and Redis OSS caches keep daily snapshots long enough, unless tagged as holding no data of "
                "their own.",
    remediation="Set snapshot_retention_limit to at least the minimum days (and a snapshot_window) on the "
                f"ReplicationGroup, ServerlessCache or standalone Cluster; tag a pure cache {STATEFUL_TAG}=false.",
    config={"minDays": minimum_schema(7, "Fewest days automatic snapshots are kept.", 1)},
    checkov=["CKV_AWS_134"])
def _snapshot_retention(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not _snapshots_apply(r) or str(r.get(f"tags.{STATEFUL_TAG}")).lower() == "false":
        return
    days = r.number("snapshotRetentionLimit") or 0
    if days < config["minDays"]:
        yield (f"snapshotRetentionLimit is {shown(r.get('snapshotRetentionLimit'))} (0 turns snapshots off), below "
               f"the minimum of {shown(config['minDays'])}")


@SERVICE.resource_policy(
    name="elasticache-replicationgroup-multi-az", types=[GROUP], severity="medium", criteria=["A1.2", "A1.1"],
    description="Replication groups in the listed environments fail over automatically to another availability "
                "zone.",
    remediation="Set automatic_failover_enabled=True, multi_az_enabled=True and num_cache_clusters of at least 2 (or "
                "replicas_per_node_group of at least 1). Environments are read from the soc2:environment tag.",
    config=environments.schema("Multi-AZ automatic failover"), checkov=["CKV2_AWS_50"])
def _multi_az(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if (where := environments.scope(r, config)) is None:
        return
    if off := [p for p in ("automaticFailoverEnabled", "multiAzEnabled") if r.get(p) is not True]:
        yield f"{where}: a zone failure takes the cache down: {', '.join(off)} not true"
