"""EC2 and VPC policy cases: security groups and rules, subnets, flow logs, EBS and instances."""

from __future__ import annotations

from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

VPC_ID = "vpc-0a1b2c3d4e5f67890"
GROUP_ID = "sg-0a1b2c3d4e5f67890"
SUBNET_ID = "subnet-0a1b2c3d4e5f67890"
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/vpc/flow-logs"
FLOW_ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AMI = "ami-0abcdef1234567890"


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def rule(port: int, cidr: str = "0.0.0.0/0", to_port: int | None = None, protocol: str = "tcp",
         description: str | None = "why this is open") -> dict[str, Any]:
    return {"protocol": protocol, "from_port": port, "to_port": port if to_port is None else to_port,
            "cidr_blocks": [cidr] if ":" not in cidr else [], "ipv6_cidr_blocks": [cidr] if ":" in cidr else [],
            **({"description": description} if description else {})}


def group(*ingress: dict[str, Any]) -> Build:
    """A security group with inline ingress rules."""
    def build() -> None:
        aws.ec2.SecurityGroup("group", vpc_id=VPC_ID, description="test group", ingress=list(ingress), egress=[])
    shape = [(r["from_port"], r["to_port"], r["cidr_blocks"] + r["ipv6_cidr_blocks"]) for r in ingress]
    return named(f"group({shape})", build)


def group_rule(port: int, cidr: str = "0.0.0.0/0", description: str | None = "why", kind: str = "ingress") -> Build:
    """A standalone aws.ec2.SecurityGroupRule."""
    def build() -> None:
        aws.ec2.SecurityGroupRule("rule", type=kind, security_group_id=GROUP_ID, protocol="tcp", from_port=port,
                                  to_port=port, cidr_blocks=[cidr], description=description)
    return named(f"group_rule({kind}, {port}, {cidr}, {description})", build)


def ingress_rule(port: int, cidr: str = "0.0.0.0/0", to_port: int | None = None, protocol: str = "tcp",
                 description: str | None = "why") -> Build:
    """A standalone aws.vpc.SecurityGroupIngressRule."""
    def build() -> None:
        family = {"cidr_ipv6": cidr} if ":" in cidr else {"cidr_ipv4": cidr}
        ports = {} if protocol == "-1" else {"from_port": port, "to_port": port if to_port is None else to_port}
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=GROUP_ID, ip_protocol=protocol,
                                         description=description, **ports, **family)
    return named(f"ingress_rule({protocol}, {port}-{to_port}, {cidr}, {description})", build)


def default_group(ingress: list[dict[str, Any]] | None = None, egress: list[dict[str, Any]] | None = None) -> Build:
    def build() -> None:
        aws.ec2.DefaultSecurityGroup("default", vpc_id=VPC_ID, ingress=ingress or [], egress=egress or [])
    return named(f"default_group({ingress}, {egress})", build)


def resource(kind: str, **args: Any) -> Build:
    make = {"subnet": lambda: aws.ec2.Subnet("subnet", vpc_id=VPC_ID, cidr_block="10.0.1.0/24", **args),
            "flow-log": lambda: aws.ec2.FlowLog("flow", vpc_id=VPC_ID, log_destination=LOG_GROUP,
                                                iam_role_arn=FLOW_ROLE, **args),
            "ebs-default": lambda: aws.ebs.EncryptionByDefault("ebs-default", **args),
            "volume": lambda: aws.ebs.Volume("volume", availability_zone="us-east-1a", size=20, **args)}[kind]
    return named(f"{kind}({args})", make)


SECURE_INSTANCE: dict[str, Any] = dict(
    ami=AMI, instance_type="t3.micro", subnet_id=SUBNET_ID, associate_public_ip_address=False,
    metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": KEY},
    ebs_block_devices=[{"device_name": "/dev/sdf", "encrypted": True, "kms_key_id": KEY, "volume_size": 50}])


def instance(**changes: Any) -> Build:
    args = {**SECURE_INSTANCE, **changes}
    return named(f"instance({changes})", lambda: aws.ec2.Instance("host", **args))


def launch_template(**metadata: Any) -> Build:
    return named(f"launch_template({metadata})",
                 lambda: aws.ec2.LaunchTemplate("template", image_id=AMI, metadata_options=metadata))


# --- stack-wide -----------------------------------------------------------------------------------

def vpc(*, flow_log: bool = True, ebs_default: bool = True) -> Build:
    def build() -> None:
        network = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
        if not flow_log:
            aws.ec2.Vpc("other", cidr_block="10.1.0.0/16")  # a second VPC nothing logs
        aws.ec2.FlowLog("main-flow", vpc_id=network.id, traffic_type="ALL", log_destination=LOG_GROUP,
                        iam_role_arn=FLOW_ROLE)
        if ebs_default:
            aws.ebs.EncryptionByDefault("ebs-default", enabled=True)
    return named(f"vpc(flow_log={flow_log}, ebs_default={ebs_default})", build)


def web(*, attached: bool = True, inline: bool = False, balancer: str = "lb", literal: bool = False) -> Build:
    """A security group with public 443 ingress, used (or not) by a load balancer."""
    def build() -> None:
        sg = aws.ec2.SecurityGroup("web", vpc_id=VPC_ID, description="public web",
                                   ingress=[rule(443)] if inline else [], egress=[])
        if not inline:
            aws.vpc.SecurityGroupIngressRule("web-443", security_group_id=GROUP_ID if literal else sg.id,
                                             ip_protocol="tcp", from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0",
                                             description="HTTPS")
        groups = [GROUP_ID] if literal else [sg.id] if attached else []
        make = aws.lb.LoadBalancer if balancer == "lb" else aws.alb.LoadBalancer
        make("balancer", load_balancer_type="application", subnets=[SUBNET_ID, "subnet-0fedcba9876543210"],
             security_groups=groups)
    return named(f"web(attached={attached}, inline={inline}, balancer={balancer}, literal={literal})", build)


SECURE_VPC = vpc()

CASES = [
    Case("ec2-securitygroup-no-public-admin-ports", group(rule(22, "10.0.0.0/8"), rule(443)), group(rule(22)),
         "administration port(s) 22 open to the internet: tcp port 22 from 0.0.0.0/0"),
    Case("ec2-securitygroup-no-public-admin-ports", ingress_rule(443, "::/0"), ingress_rule(3389, "::/0"),
         "administration port(s) 3389 open to the internet"),
    Case("ec2-securitygroup-no-public-admin-ports", group_rule(443), ingress_rule(0, protocol="-1"),
         "administration port(s) 22, 3389 open to the internet: -1 all ports"),
    Case("ec2-securitygroup-no-public-admin-ports", default_group(), default_group(ingress=[rule(22)]),
         "administration port(s) 22"),
    Case("ec2-securitygroup-no-public-database-ports", group(rule(5432, "10.0.0.0/16")), group(rule(5432)),
         "database port(s) 5432 open to the internet"),
    Case("ec2-securitygroup-no-public-database-ports", group_rule(443), group_rule(3306),
         "database port(s) 3306 open to the internet"),
    Case("ec2-securitygroup-no-public-database-ports", ingress_rule(443), ingress_rule(6000, to_port=7000),
         "database port(s) 6379 open to the internet: tcp ports 6000-7000"),
    Case("ec2-securitygroup-public-ingress-web-only", group(rule(80), rule(443), rule(8080, "10.0.0.0/8")),
         group(rule(443), rule(8443)), "tcp port 8443 is open to internet addresses 0.0.0.0/0; only ports 80, 443"),
    Case("ec2-securitygroup-public-ingress-web-only", ingress_rule(22, "52.95.110.0/24"),
         ingress_rule(22, "34.120.0.0/24"), "tcp port 22 is open to internet addresses 34.120.0.0/24",
         config={"ec2-securitygroup-public-ingress-web-only": {"allowedCidrs": ["52.95.0.0/16"]}}),
    Case("ec2-securitygroup-public-ingress-web-only", ingress_rule(443, "::/0"),
         ingress_rule(-1, "::/0", protocol="icmpv6"), "protocol icmpv6 is open to internet addresses ::/0"),
    Case("ec2-securitygroup-no-public-all-ports", group(rule(443), rule(0, "10.0.0.0/8", 65535)),
         group(rule(1024, to_port=65535)), "a public rule opens 64512 ports, more than 1"),
    Case("ec2-securitygroup-no-public-all-ports", ingress_rule(443, "::/0"), ingress_rule(0, "::/0", protocol="-1"),
         "all traffic is open to the internet"),
    Case("ec2-securitygroup-no-public-all-ports", ingress_rule(8000, to_port=8009), ingress_rule(8000, to_port=8010),
         "opens 11 ports, more than 10", config={"ec2-securitygroup-no-public-all-ports": {"maxPortRange": 10}}),
    Case("ec2-securitygroup-rule-described", group(rule(443)), group(rule(443), rule(80, description=None)),
         "ingress rules without a description: ingress[1]"),
    Case("ec2-securitygroup-rule-described", group_rule(443, kind="egress", description=None),
         group_rule(443, description=None), "the ingress rule has no description"),
    Case("ec2-securitygroup-rule-described", ingress_rule(443), ingress_rule(443, description=None),
         "the ingress rule has no description"),
    Case("ec2-defaultsecuritygroup-no-rules", default_group(),
         default_group(egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]),
         "the default security group keeps 1 egress rule(s)"),
    Case("ec2-subnet-no-auto-public-ip", resource("subnet", map_public_ip_on_launch=False),
         resource("subnet", map_public_ip_on_launch=True), "mapPublicIpOnLaunch is true"),
    Case("ec2-flowlog-all-traffic", resource("flow-log", traffic_type="ALL"),
         resource("flow-log", traffic_type="REJECT"), "trafficType is 'REJECT', not ALL"),
    Case("ec2-ebs-encryption-by-default", resource("ebs-default"), resource("ebs-default", enabled=False),
         "enabled is False, not true"),
    Case("ec2-volume-encrypted", resource("volume", encrypted=True, kms_key_id=KEY), resource("volume"),
         "encrypted is unset, not true"),
    Case("ec2-instance-imdsv2", instance(), instance(metadata_options={"http_tokens": "optional"}),
         "metadataOptions.httpTokens is 'optional', not 'required'"),
    Case("ec2-instance-imdsv2", launch_template(http_endpoint="disabled"), launch_template(),
         "metadataOptions.httpTokens is unset"),
    Case("ec2-instance-no-public-ip", instance(), instance(associate_public_ip_address=True),
         "associatePublicIpAddress is true"),
    Case("ec2-instance-root-volume-encrypted", instance(), instance(root_block_device=None),
         "rootBlockDevice.encrypted is unset"),
    Case("ec2-instance-root-volume-encrypted", instance(ebs_block_devices=[]),
         instance(ebs_block_devices=[{"device_name": "/dev/sdg", "volume_size": 10}]),
         "EBS volume /dev/sdg is unencrypted"),
    Case("ec2-vpc-flow-logs-enabled", SECURE_VPC, vpc(flow_log=False), "VPC 'other' has no flow log"),
    Case("ec2-ebs-encryption-default-exists", SECURE_VPC, vpc(ebs_default=False),
         "does not turn on EBS encryption by default"),
    Case("ec2-securitygroup-public-web-load-balancers-only", web(), web(attached=False),
         "public web ingress on a security group no load balancer in this stack uses: tcp port 443 from 0.0.0.0/0"),
    Case("ec2-securitygroup-public-web-load-balancers-only", web(inline=True, balancer="alb"),
         web(inline=True, attached=False, balancer="alb"), "no load balancer in this stack uses"),
    Case("ec2-securitygroup-public-web-load-balancers-only", web(literal=True), group(rule(80)),
         "tcp port 80 from 0.0.0.0/0"),
]
