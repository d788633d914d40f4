"""EKS: cluster control planes and managed node groups."""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Mapping

from .checks import list_schema
from .declare import Service
from .framework import Resource
from .network import is_public

SERVICE = Service("eks", "EKS", "Kubernetes control planes and managed node groups.")

CLUSTER = SERVICE.resource_type("aws:eks/cluster:Cluster", kind="Kubernetes cluster",
                                key="encryptionConfig.provider.keyArn", public=True)
NODE_GROUP = SERVICE.resource_type("aws:eks/nodeGroup:NodeGroup", kind="node group", public=True)
LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


@SERVICE.resource_policy(
    name="eks-cluster-control-plane-logging", types=[CLUSTER], severity="high", criteria=["CC7.2", "CC7.3"],
    description="EKS clusters send every control-plane log type (API server, audit, authenticator, controller "
                "manager, scheduler) to CloudWatch Logs.",
    remediation="Set enabled_cluster_log_types=['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] "
                "on aws.eks.Cluster.",
    config={"logTypes": {**list_schema(LOG_TYPES, "Control-plane log types every cluster must enable."),
                         "items": {"type": "string", "enum": LOG_TYPES}}},
    checkov=["CKV_AWS_37"])
def _control_plane_logging(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    enabled = {r.get(f"enabledClusterLogTypes.{i}") for i, _ in enumerate(r.list("enabledClusterLogTypes"))}
    if missing := [t for t in config["logTypes"] if t not in enabled]:
        yield f"control-plane logs not sent to CloudWatch: {', '.join(missing)} (enabledClusterLogTypes)"


def _within(cidr: str, allowed: list[str]) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
        return any(network.version == a.version and network.subnet_of(a)
                   for a in (ipaddress.ip_network(c, strict=False) for c in allowed))
    except ValueError:
        return False


@SERVICE.resource_policy(
    name="eks-cluster-endpoint-restricted", types=[CLUSTER], severity="high", criteria=["CC6.6"],
    description="An EKS cluster's API endpoint is private, or public only to listed address ranges.",
    remediation="Set vpc_config.endpoint_public_access=False and endpoint_private_access=True (reach the API "
                "through the VPC or a VPN), or list the office/CI ranges in vpc_config.public_access_cidrs instead "
                "of 0.0.0.0/0; allowedPublicCidrs limits which ranges are accepted.",
    config={"allowedPublicCidrs": list_schema([], "If set, the only public ranges the API endpoint may accept.")},
    checkov=["CKV_AWS_38", "CKV_AWS_39"])
def _endpoint_restricted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.get("vpcConfig.endpointPublicAccess") is False:
        return
    cidrs = [r.get(f"vpcConfig.publicAccessCidrs.{i}") for i, _ in enumerate(r.list("vpcConfig.publicAccessCidrs"))]
    if not cidrs or any(isinstance(c, str) and is_public(c) for c in cidrs):
        yield ("the Kubernetes API endpoint is open to the whole internet: vpcConfig.endpointPublicAccess is not false "
               "and vpcConfig.publicAccessCidrs is " + (", ".join(map(str, cidrs)) or "unset (0.0.0.0/0)"))
    elif allowed := config["allowedPublicCidrs"]:
        if outside := [c for c in cidrs if not _within(str(c), allowed)]:
            yield f"the API endpoint accepts {', '.join(map(str, outside))}, not in allowedPublicCidrs"


@SERVICE.resource_policy(
    name="eks-cluster-secrets-encrypted", types=[CLUSTER], severity="high", criteria=["CC6.1", "C1.1"],
    description="EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.",
    remediation="Set encryption_config={'resources': ['secrets'], 'provider': {'key_arn': key.arn}} on aws.eks.Cluster "
                "with a customer-managed aws.kms.Key.",
    checkov=["CKV_AWS_58"])
def _secrets_encrypted(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    resources = [r.get(f"encryptionConfig.resources.{i}") for i, _ in enumerate(r.list("encryptionConfig.resources"))]
    if "secrets" not in resources:
        yield "Kubernetes secrets are not envelope-encrypted: encryptionConfig.resources does not include 'secrets'"
    elif not r.is_set("encryptionConfig.provider.keyArn"):
        yield "encryptionConfig names no key: encryptionConfig.provider.keyArn is not set"


@SERVICE.resource_policy(
    name="eks-nodegroup-no-public-ssh", types=[NODE_GROUP], severity="critical", criteria=["CC6.6"],
    description="EKS node groups with an SSH key limit who can reach port 22.",
    remediation="Set remote_access.source_security_group_ids to a bastion or VPN security group, or drop "
                "remote_access and reach nodes with SSM Session Manager; with a key and no groups, EKS opens port "
                "22 to 0.0.0.0/0.",
    checkov=["CKV_AWS_100"])
def _no_public_ssh(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.is_set("remoteAccess.ec2SshKey") and not r.is_set("remoteAccess.sourceSecurityGroupIds"):
        yield ("SSH (port 22) is open to the internet: remoteAccess has an ec2SshKey and no sourceSecurityGroupIds")
