"""Where application tasks run: a security group reachable only from the load balancer, on the
application port, with egress limited to HTTPS and the VPC (CC6.6)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

DEFAULT_APP_PORT = 8080


class ApplicationSecurityGroupArgs(TypedDict):
    vpc_id: pulumi.Input[str]
    """VPC of the application."""
    vpc_cidr: pulumi.Input[str]
    """The VPC's range: the only destination besides HTTPS (the database, caches, internal services)."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The load balancer's group, the only source of inbound traffic."""
    port: NotRequired[int]
    """Application port the load balancer forwards to (default 8080)."""
    tags: NotRequired[dict[str, str]]
    """Tags for the group."""


class ApplicationSecurityGroup(pulumi.ComponentResource):
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: ApplicationSecurityGroupArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:network:ApplicationSecurityGroup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        port = args.get("port", DEFAULT_APP_PORT)
        group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args["vpc_id"],
                                      description="application tasks: traffic from the load balancer only",
                                      ingress=[], egress=[], tags={**args.get("tags", {}), "Name": name}, opts=child)
        aws.vpc.SecurityGroupIngressRule(f"{name}-from-lb", security_group_id=group.id, ip_protocol="tcp",
                                         from_port=port, to_port=port,
                                         referenced_security_group_id=args["load_balancer_security_group_id"],
                                         description="application port from the load balancer", opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{name}-https-out", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0",
                                        description="HTTPS to AWS APIs and dependencies", opts=child)
        aws.vpc.SecurityGroupEgressRule(f"{name}-to-vpc", security_group_id=group.id, ip_protocol="tcp",
                                        from_port=0, to_port=65535, cidr_ipv4=args["vpc_cidr"],
                                        description="services and the database inside the VPC", opts=child)
        self.security_group_id = group.id
        self.register_outputs({"security_group_id": self.security_group_id})
