"""EC2 and VPC: security groups and rules, subnets, flow logs, EBS and instances."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Iterable

from .aws_elb import BALANCERS
from .catalog import Arn
from .checks import flag_off, flag_on, list_schema, minimum_schema, shown
from .declare import Service
from .framework import Resource, Stack
from .network import (
    DEFAULT_GROUP,
    EGRESS_RULE,
    GROUP,
    GROUP_RULE,
    INGRESS_RULE,
    INGRESS_TYPES,
    Ingress,
    ingress,
    public_ingress,
)

SERVICE = Service("ec2", "EC2 and VPC", "VPCs, subnets, flow logs, security groups, instances and EBS.")

VPC = SERVICE.resource_type("aws:ec2/vpc:Vpc", kind="VPC")
SUBNET = SERVICE.resource_type("aws:ec2/subnet:Subnet", kind="subnet")
FLOW_LOG = SERVICE.resource_type("aws:ec2/flowLog:FlowLog", kind="flow log")
INSTANCE = SERVICE.resource_type("aws:ec2/instance:Instance", kind="instance", public=True)
LAUNCH_TEMPLATE = SERVICE.resource_type("aws:ec2/launchTemplate:LaunchTemplate", kind="launch template")
LAUNCH_CONFIGURATION = SERVICE.resource_type("aws:ec2/launchConfiguration:LaunchConfiguration",
                                             kind="launch configuration")
LAUNCHED = [INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION]
"""What instances are launched from: each says how its instances are networked, stored and configured."""
VOLUME = SERVICE.resource_type("aws:ebs/volume:Volume", kind="EBS volume", stateful=True, backup=True,
                               arn=Arn("ec2", "volume/", "id"), key="kmsKeyId")
EBS_DEFAULT = SERVICE.resource_type("aws:ebs/encryptionByDefault:EncryptionByDefault", kind="EBS default encryption")
EBS_DEFAULT_KEY = SERVICE.resource_type("aws:ebs/defaultKmsKey:DefaultKmsKey", kind="EBS default key", key="keyArn")
for token, kind in ((GROUP, "security group"), (GROUP_RULE, "security group rule"), (INGRESS_RULE, "ingress rule"),
                    (EGRESS_RULE, "egress rule"), (DEFAULT_GROUP, "default security group")):
    SERVICE.resource_type(token, kind=kind)
PUBLIC_INGRESS_TYPES = [*INGRESS_TYPES, DEFAULT_GROUP]
PORT_PROTOCOLS = ("tcp", "udp", "6", "17")

ADMIN_PORTS = [22, 3389]
DATABASE_PORTS = [1433, 1521, 3306, 5432, 5439, 6379, 9200, 11211, 27017]
WEB_PORTS = [80, 443]


def _ports_schema(default: list[int], description: str) -> dict[str, Any]:
    return list_schema(default, description, "integer")


INGRESS_REMEDIATION = ("Remove the 0.0.0.0/0 and ::/0 sources (cidr_blocks / ipv6_cidr_blocks, cidr_ipv4 / cidr_ipv6) "
                       "from the rule; reach {what} through {via}.")


def _reach(rule: Ingress) -> str:
    """What a rule opens, for messages (ICMP and other protocols have no ports)."""
    if rule.all_traffic:
        return "all traffic"
    if rule.protocol.lower() not in PORT_PROTOCOLS:
        return f"protocol {rule.protocol}"
    if rule.from_port == rule.to_port:
        return f"{rule.protocol} port {rule.from_port}"
    return f"{rule.protocol} ports {rule.from_port}-{rule.to_port}"


def _exposed(key: str, what: str) -> Any:
    """No public ingress may reach any port in config[key]."""
    def check(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        for rule in public_ingress(r):
            if rule.all_traffic or rule.protocol.lower() in PORT_PROTOCOLS:
                if hit := [shown(p) for p in config[key] if rule.covers(int(p))]:
                    yield f"{what} {', '.join(hit)} open to the internet: {rule.describe()}"
    return check


def _internet(cidr: str) -> bool:
    """A source outside private address space: the whole internet, or someone's public range."""
    try:
        return not ipaddress.ip_network(cidr, strict=False).is_private
    except ValueError:
        return False


def _within(cidr: str, allowed: Iterable[str]) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
        return any(network.version == a.version and network.subnet_of(a)
                   for a in (ipaddress.ip_network(c, strict=False) for c in allowed))
    except ValueError:
        return False


def _only_allowed_ports(rule: Ingress, allowed: list[Any]) -> bool:
    if rule.all_traffic or rule.protocol.lower() not in PORT_PROTOCOLS or rule.from_port is None \
            or rule.to_port is None or rule.span > len(allowed):
        return False
    return all(port in allowed for port in range(rule.from_port, rule.to_port + 1))


@SERVICE.resource_policy(
    name="ec2-securitygroup-public-ingress-web-only", types=INGRESS_TYPES, severity="high", criteria=["CC6.6"],
    description="Ingress from internet addresses reaches only web ports, unless from an approved range.",
    remediation="Limit internet-sourced rules to from_port/to_port in allowedPorts (80, 443); use a private CIDR or "
                "referenced_security_group_id for everything else, or list an approved office/VPN range in "
                "allowedCidrs.",
    config={"allowedPorts": _ports_schema(WEB_PORTS, "Ports internet sources may reach."),
           "allowedCidrs": list_schema([], "Public CIDRs (office, VPN, partner) allowed to reach any port.")})
def _web_only(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    for rule in ingress(r):
        outside = [s for s in rule.sources if _internet(s) and not _within(s, config["allowedCidrs"])]
        if outside and not _only_allowed_ports(rule, config["allowedPorts"]):
            yield (f"{_reach(rule)} is open to internet addresses {', '.join(outside)}; only ports "
                   f"{', '.join(map(shown, config['allowedPorts']))} may be")


@SERVICE.resource_policy(
    name="ec2-securitygroup-no-public-all-ports", types=PUBLIC_INGRESS_TYPES, severity="high", criteria=["CC6.6"],
    description="Public ingress rules open single ports, never all traffic or port ranges.",
    remediation="Replace protocol '-1' or a from_port..to_port range from 0.0.0.0/0 or ::/0 with one rule per port.",
    config={"maxPortRange": minimum_schema(1, "Most ports one public rule may open.", 1)})
def _all_ports(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    for rule in public_ingress(r):
        if rule.all_traffic:
            yield f"all traffic is open to the internet: {rule.describe()}"
        elif rule.protocol.lower() in PORT_PROTOCOLS and rule.span > config["maxPortRange"]:
            yield (f"a public rule opens {rule.span} ports, more than {shown(config['maxPortRange'])}: "
                   f"{rule.describe()}")


@SERVICE.resource_policy(
    name="ec2-securitygroup-rule-described",
    types=[GROUP, GROUP_RULE, INGRESS_RULE], severity="low", criteria=["CC6.6", "CC8.1"],
    description="Every security group ingress rule says why it exists.",
    remediation="Set description on each ingress rule (ingress[].description, SecurityGroupRule / "
                "SecurityGroupIngressRule description): what reaches what, and why.")
def _described(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    # Read descriptions directly: a CIDR computed at deploy time does not hide a missing description.
    if r.type == GROUP:
        missing = [str(i) for i, rule in enumerate(r.list("ingress"))
                   if isinstance(rule, Mapping) and not r.is_set(f"ingress.{i}.description")]
        if missing:
            yield f"ingress rules without a description: ingress[{', '.join(missing)}]"
    elif (r.type == INGRESS_RULE or r.str("type") == "ingress") and not r.is_set("description"):
        yield "the ingress rule has no description"


@SERVICE.resource_policy(
    name="ec2-defaultsecuritygroup-no-rules", types=[DEFAULT_GROUP], severity="medium", criteria=["CC6.6"],
    description="Default security groups allow no traffic.",
    remediation="Declare aws.ec2.DefaultSecurityGroup with ingress=[] and egress=[] (Network does) and give resources "
                "their own groups.")
def _default_group_empty(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    # The provider strips every rule of a default group it adopts and adds back only those listed.
    for direction in ("ingress", "egress"):
        if rules := r.list(direction):
            yield f"the default security group keeps {len(rules)} {direction} rule(s); list none"


@SERVICE.resource_policy(
    name="ec2-flowlog-all-traffic", types=[FLOW_LOG], severity="medium", criteria=["CC7.2"],
    description="Flow logs record all traffic, accepted and rejected.",
    remediation="Set traffic_type='ALL' on aws.ec2.FlowLog.")
def _all_traffic_logged(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("trafficType") != "ALL":
        yield f"trafficType is {shown(r.get('trafficType'))}, not ALL: some flows go unrecorded"


@SERVICE.resource_policy(
    name="ec2-instance-imdsv2", types=LAUNCHED, severity="medium", criteria=["CC6.1"],
    description="Instances, and those launched from launch templates and configurations, require IMDSv2 session "
                "tokens.",
    remediation="Set metadata_options={'http_tokens': 'required'} on aws.ec2.Instance, LaunchTemplate or "
                "LaunchConfiguration.",
    checkov=["CKV_AWS_79"])
def _imdsv2(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.get("metadataOptions.httpEndpoint") == "disabled":
        return  # no metadata service at all
    if r.get("metadataOptions.httpTokens") != "required":
        yield (f"IMDSv1 is allowed: metadataOptions.httpTokens is {shown(r.get('metadataOptions.httpTokens'))}, "
               f"not 'required'")


@SERVICE.resource_policy(
    name="ec2-instance-root-volume-encrypted", types=LAUNCHED, severity="high", criteria=["CC6.1", "C1.1"],
    description="Instance root and attached EBS volumes are encrypted, as are the volumes launch configurations and "
                "the block device mappings launch templates declare (unlisted volumes come from the AMI).",
    remediation="Set root_block_device={'encrypted': True} and encrypted=True on every ebs_block_devices entry of "
                "aws.ec2.Instance or LaunchConfiguration; on a LaunchTemplate set ebs={'encrypted': 'true'} (and "
                "kms_key_id) in each block_device_mappings entry.",
    checkov=["CKV_AWS_8"])
def _block_devices_encrypted(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.type == LAUNCH_TEMPLATE:
        yield from _mappings_encrypted(r)
        return
    if (root := r.get("rootBlockDevice.encrypted")) is not True:
        yield f"the root volume is unencrypted: rootBlockDevice.encrypted is {shown(root)}"
    for i, device in enumerate(r.list("ebsBlockDevices")):
        if isinstance(device, Mapping) and r.get(f"ebsBlockDevices.{i}.encrypted") is not True:
            name = r.str(f"ebsBlockDevices.{i}.deviceName") or f"ebsBlockDevices[{i}]"
            yield f"EBS volume {name} is unencrypted: encrypted is {shown(r.get(f'ebsBlockDevices.{i}.encrypted'))}"


def _mappings_encrypted(r: Resource) -> Iterable[str]:
    """A launch template's EBS mappings; its `encrypted` is a string ("true"), and a snapshot's encryption carries."""
    for i, mapping in enumerate(r.list("blockDeviceMappings")):
        at = f"blockDeviceMappings.{i}.ebs"
        if not isinstance(mapping, Mapping) or not r.is_set(at) or r.is_set(f"{at}.snapshotId"):
            continue
        if str(r.get(f"{at}.encrypted")).lower() != "true":
            name = r.str(f"blockDeviceMappings.{i}.deviceName") or f"blockDeviceMappings[{i}]"
            yield f"EBS volume {name} is unencrypted: ebs.encrypted is {shown(r.get(f'{at}.encrypted'))}"


# --- stack checks ----------------------------------------------------------------------------------

@SERVICE.stack_policy(
    name="ec2-vpc-flow-logs-enabled", severity="high", criteria=["CC7.2"],
    description="Every VPC has a flow log.",
    remediation="Add an aws.ec2.FlowLog with vpc_id=vpc.id and traffic_type='ALL' (Network does).",
    examines=[VPC])
def _vpc_flow_logs(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    logged = {id(v) for log in stack.of_type(FLOW_LOG) for v in log.depends_on("vpcId")}
    for vpc in stack.of_type(VPC):
        if id(vpc) not in logged:
            yield f"VPC {vpc.name!r} has no flow log (no aws.ec2.FlowLog with vpc_id from it)", vpc.urn


@SERVICE.stack_policy(
    name="ec2-securitygroup-public-web-load-balancers-only", severity="high", criteria=["CC6.6"],
    description="Public web ingress is allowed only on security groups of load balancers.",
    remediation="Remove the public 80/443 rule and put the service behind an aws.lb.LoadBalancer whose "
                "security_groups holds the group with public web ingress (TlsLoadBalancer does).",
    config={"webPorts": _ports_schema(WEB_PORTS, "Ports of public web traffic.")},
    examines=INGRESS_TYPES)
def _web_on_load_balancers(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    balancers = stack.of_type(*BALANCERS)
    used = {id(g) for lb in balancers for g in lb.depends_on("securityGroups")}
    used_ids = {lb.str(f"securityGroups.{i}") for lb in balancers if not lb.is_unknown("securityGroups")
                for i, _ in enumerate(lb.list("securityGroups")) if not lb.is_unknown(f"securityGroups.{i}")}
    for r in stack.of_type(*INGRESS_TYPES):
        web = [rule for rule in public_ingress(r) if any(rule.covers(int(p)) for p in config["webPorts"])]
        if not web:
            continue
        groups = [r] if r.type == GROUP else [g for g in r.depends_on("securityGroupId") if g.type == GROUP]
        literal = None if r.type == GROUP or r.is_unknown("securityGroupId") else r.str("securityGroupId")
        if any(id(g) in used for g in groups) or (literal is not None and literal in used_ids):
            continue
        for rule in web:
            yield (f"public web ingress on a security group no load balancer in this stack uses: {rule.describe()}; "
                   f"put instances behind a load balancer", r.urn)


@SERVICE.stack_policy(
    name="ec2-ebs-encryption-default-exists", severity="medium", criteria=["CC6.1"],
    description="Stacks with a VPC turn on EBS encryption by default.",
    remediation="Add aws.ebs.EncryptionByDefault(enabled=True) (ThreatDetection does).",
    examines=[VPC])
def _ebs_default_exists(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    vpcs = stack.of_type(VPC)
    if vpcs and not stack.of_type(EBS_DEFAULT):
        yield ("the stack defines a VPC but does not turn on EBS encryption by default "
               "(no aws.ebs.EncryptionByDefault)", vpcs[0].urn)


SERVICE.resource_policy(
    name="ec2-securitygroup-no-public-admin-ports", types=PUBLIC_INGRESS_TYPES, severity="critical", criteria=["CC6.6"],
    description="Administration ports are not open to the internet.",
    remediation=INGRESS_REMEDIATION.format(what="hosts", via="SSM Session Manager, or a VPN CIDR in the rule"),
    config={"adminPorts": _ports_schema(ADMIN_PORTS, "Ports of remote administration (SSH, RDP).")},
)(_exposed("adminPorts", "administration port(s)"))

SERVICE.resource_policy(
    name="ec2-securitygroup-no-public-database-ports",
    types=PUBLIC_INGRESS_TYPES, severity="critical", criteria=["CC6.6"],
    description="Database and cache ports are not open to the internet.",
    remediation=INGRESS_REMEDIATION.format(what="databases", via="referenced_security_group_id of the application group"),
    config={"databasePorts": _ports_schema(DATABASE_PORTS, "Ports of databases, caches and search engines.")},
)(_exposed("databasePorts", "database port(s)"))



SERVICE.resource_policy(
    name="ec2-subnet-no-auto-public-ip", types=[SUBNET], severity="medium", criteria=["CC6.6"],
    description="Subnets do not give instances public IPs automatically.",
    remediation="Set map_public_ip_on_launch=False on aws.ec2.Subnet; expose services through a load balancer.",
)(flag_off("mapPublicIpOnLaunch", "instances launched here get a public IP"))

SERVICE.resource_policy(
    name="ec2-ebs-encryption-by-default", types=[EBS_DEFAULT], severity="high", criteria=["CC6.1"],
    description="EBS encryption by default stays on.",
    remediation="Set enabled=True on aws.ebs.EncryptionByDefault (ThreatDetection does).",
)(flag_on("enabled", "new EBS volumes are not encrypted by default", default=True))

SERVICE.resource_policy(
    name="ec2-volume-encrypted", types=[VOLUME], severity="high", criteria=["CC6.1", "C1.1"],
    description="EBS volumes are encrypted at rest.",
    remediation="Set encrypted=True (and kms_key_id) on aws.ebs.Volume; migrate data from an encrypted snapshot copy.",
)(flag_on("encrypted", "the volume is unencrypted"))

@SERVICE.resource_policy(
    name="ec2-instance-no-public-ip", types=LAUNCHED, severity="medium", criteria=["CC6.6"],
    description="Instances, and those launched from launch templates and configurations, have no public IP address.",
    remediation="Set associate_public_ip_address=False on aws.ec2.Instance or LaunchConfiguration (on a "
                "LaunchTemplate, in each network_interfaces entry) and run instances in private subnets behind a "
                "load balancer.",
    checkov=["CKV_AWS_88", "CKV_AWS_389"])
def _no_public_ip(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.type != LAUNCH_TEMPLATE:
        if r.get("associatePublicIpAddress") is True:
            yield "the instance is reachable from the internet: associatePublicIpAddress is true"
        return
    for i, interface in enumerate(r.list("networkInterfaces")):
        # The launch template's flag is a string: "true", "false", or unset for the subnet's default.
        public = r.get(f"networkInterfaces.{i}.associatePublicIpAddress") if isinstance(interface, Mapping) else None
        if str(public).lower() == "true":
            yield f"instances get a public IP: networkInterfaces[{i}].associatePublicIpAddress is 'true'"


