"""EKS policy cases: clusters and managed node groups."""

from __future__ import annotations

from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
OFFICE = "203.0.113.0/24"


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def cluster(*, logs: list[str] = ALL_LOGS, public: bool | None = False, cidrs: list[str] | None = None,
            secrets: bool | None = True) -> Build:
    """A cluster; secrets=None encrypts nothing, False encrypts another resource kind only."""
    def build() -> None:
        vpc: dict[str, Any] = {"subnet_ids": ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
                               "endpoint_private_access": True}
        if public is not None:
            vpc["endpoint_public_access"] = public
        if cidrs is not None:
            vpc["public_access_cidrs"] = cidrs
        encryption = None
        if secrets is not None:
            key = aws.kms.Key("eks-secrets", enable_key_rotation=True)
            encryption = {"resources": ["secrets"] if secrets else ["configmaps"], "provider": {"key_arn": key.arn}}
        aws.eks.Cluster("main", role_arn="arn:aws:iam::123456789012:role/eks-cluster", vpc_config=vpc,
                        enabled_cluster_log_types=logs, encryption_config=encryption)
    return named(f"cluster(logs={logs}, public={public}, cidrs={cidrs}, secrets={secrets})", build)


def node_group(remote_access: dict[str, Any] | None) -> Build:
    def build() -> None:
        bastion = aws.ec2.SecurityGroup("bastion", description="bastion hosts", vpc_id="vpc-0123456789abcdef0")
        access = remote_access
        if access is not None and access.get("source_security_group_ids") == "bastion":
            access = {**access, "source_security_group_ids": [bastion.id]}
        aws.eks.NodeGroup("workers", cluster_name="main", node_role_arn="arn:aws:iam::123456789012:role/eks-node",
                          subnet_ids=["subnet-0123456789abcdef0"], remote_access=access,
                          scaling_config={"desired_size": 2, "max_size": 3, "min_size": 1})
    return named(f"node_group({remote_access})", build)


CASES = [
    Case("eks-cluster-control-plane-logging", cluster(), cluster(logs=["api", "audit"]),
         "control-plane logs not sent to CloudWatch: authenticator, controllerManager, scheduler"),
    Case("eks-cluster-control-plane-logging", cluster(logs=["audit"]), cluster(logs=[]), "audit",
         config={"eks-cluster-control-plane-logging": {"logTypes": ["audit"]}}),
    Case("eks-cluster-endpoint-restricted", cluster(), cluster(public=None),
         "vpcConfig.publicAccessCidrs is unset (0.0.0.0/0)"),
    Case("eks-cluster-endpoint-restricted", cluster(public=True, cidrs=[OFFICE]),
         cluster(public=True, cidrs=[OFFICE, "0.0.0.0/0"]), "publicAccessCidrs is 203.0.113.0/24, 0.0.0.0/0"),
    Case("eks-cluster-endpoint-restricted", cluster(public=True, cidrs=["203.0.113.16/28"]),
         cluster(public=True, cidrs=["198.51.100.0/24"]), "198.51.100.0/24, not in allowedPublicCidrs",
         config={"eks-cluster-endpoint-restricted": {"allowedPublicCidrs": [OFFICE]}}),
    Case("eks-cluster-secrets-encrypted", cluster(), cluster(secrets=None),
         "encryptionConfig.resources does not include 'secrets'"),
    Case("eks-cluster-secrets-encrypted", cluster(), cluster(secrets=False), "not envelope-encrypted"),
    Case("eks-nodegroup-no-public-ssh", node_group(None), node_group({"ec2_ssh_key": "ops"}),
         "remoteAccess has an ec2SshKey and no sourceSecurityGroupIds"),
    Case("eks-nodegroup-no-public-ssh", node_group({"ec2_ssh_key": "ops", "source_security_group_ids": "bastion"}),
         node_group({"ec2_ssh_key": "ops", "source_security_group_ids": []}), "SSH (port 22) is open to the internet"),
]
