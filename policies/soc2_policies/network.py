"""Security group ingress, in one shape whatever resource declares it."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from .framework import Resource

GROUP = "aws:ec2/securityGroup:SecurityGroup"
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_TYPES = [GROUP, GROUP_RULE, INGRESS_RULE]


@dataclass(frozen=True)
class Ingress:
    from_port: int | None
    to_port: int | None
    protocol: str
    sources: tuple[str, ...]
    description: str

    @property
    def all_traffic(self) -> bool:
        return self.protocol in ("-1", "all")

    def covers(self, port: int) -> bool:
        if self.all_traffic:
            return True
        if self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= port <= self.to_port

    @property
    def span(self) -> int:
        if self.all_traffic or self.from_port is None or self.to_port is None:
            return 65536
        return self.to_port - self.from_port + 1

    def describe(self) -> str:
        ports = "all ports" if self.all_traffic else (
            f"port {self.from_port}" if self.from_port == self.to_port else f"ports {self.from_port}-{self.to_port}")
        return f"{self.protocol} {ports} from {', '.join(self.sources)}"


def is_public(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _cidrs(resource: Resource, *paths: str) -> tuple[str, ...]:
    """The CIDRs listed at `paths`; an unknown element raises, since it may well be public."""
    found: list[str] = []
    for path in paths:
        for i, _ in enumerate(resource.list(path)):
            value = resource.get(f"{path}.{i}")
            if isinstance(value, str):
                found.append(value)
    return tuple(found)


def ingress(resource: Resource) -> list[Ingress]:
    """Every ingress rule the resource declares; unknown values raise (the verdict then needs a deploy)."""
    if resource.type in (GROUP, DEFAULT_GROUP):
        found = []
        for i, rule in enumerate(resource.list("ingress")):
            if not isinstance(rule, Mapping):
                continue
            at = f"ingress.{i}."
            found.append(Ingress(resource.int(at + "fromPort"), resource.int(at + "toPort"),
                                 str(resource.get(at + "protocol", "")),
                                 _cidrs(resource, at + "cidrBlocks", at + "ipv6CidrBlocks"),
                                 resource.str(at + "description") or ""))
        return found
    if resource.type == GROUP_RULE:
        if resource.str("type") != "ingress":
            return []
        return [Ingress(resource.int("fromPort"), resource.int("toPort"), str(resource.get("protocol", "")),
                        _cidrs(resource, "cidrBlocks", "ipv6CidrBlocks"),
                        resource.str("description") or "")]
    if resource.type == INGRESS_RULE:
        sources = tuple(s for s in (resource.str("cidrIpv4"), resource.str("cidrIpv6")) if s)
        return [Ingress(resource.int("fromPort"), resource.int("toPort"), str(resource.get("ipProtocol", "")),
                        sources, resource.str("description") or "")]
    return []


def public_ingress(resource: Resource) -> list[Ingress]:
    return [rule for rule in ingress(resource) if any(is_public(source) for source in rule.sources)]
