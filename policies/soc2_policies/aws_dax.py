"""DAX: the in-memory cache in front of DynamoDB tables, which holds copies of their items."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import flag_on, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("dax", "DynamoDB Accelerator (DAX)", "DAX clusters caching DynamoDB tables.")

# DAX encrypts at rest with an AWS-owned key only: there is no key property to follow.
CLUSTER = SERVICE.resource_type("aws:dax/cluster:Cluster", kind="DAX cluster")

SERVICE.resource_policy(
    name="dax-cluster-encrypted-at-rest", types=[CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="DAX clusters encrypt the table items they cache at rest.",
    remediation="Set server_side_encryption={'enabled': True} on the aws.dax.Cluster (it can only be chosen at "
                "creation, so the cluster is replaced).",
    checkov=["CKV_AWS_47"],
)(flag_on("serverSideEncryption.enabled", "cached items are stored unencrypted"))


@SERVICE.resource_policy(
    name="dax-cluster-endpoint-tls", types=[CLUSTER], severity="high", criteria=["CC6.7"],
    description="DAX cluster endpoints accept only TLS connections.",
    remediation="Set cluster_endpoint_encryption_type='TLS' on the aws.dax.Cluster (chosen at creation: the cluster is "
                "replaced) and connect with the DAX client's TLS endpoint (daxs://).",
    checkov=["CKV_AWS_239"])
def _endpoint_tls(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    value = r.get("clusterEndpointEncryptionType")
    if value != "TLS":
        yield (f"clients reach the cluster unencrypted: clusterEndpointEncryptionType is {shown(value)}, not 'TLS' "
               "(NONE is the default)")
