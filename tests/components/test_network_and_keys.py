"""Network and encryption keys register secure inputs."""

from __future__ import annotations

import json

from components.encryption_key import EncryptionKey
from components.network import Network
from preflight import properties as props
from tests.components.helpers import KEY_ARN, capture, of_type, one


def build_network() -> None:
    Network("net", {"cidr": "10.20.0.0/16", "az_count": 2, "flow_log_key_arn": KEY_ARN, "flow_log_retention_days": 365})


def test_network_has_private_data_subnets_in_two_zones_and_public_subnets_for_load_balancers():
    result = capture(build_network)
    subnets = of_type(result, "aws:ec2/subnet:Subnet")
    tiers = {r.inputs["tags"]["soc2:tier"] for r in subnets}
    assert tiers == {"public", "private"} and len(subnets) == 4
    private_zones = {r.inputs["availabilityZone"] for r in subnets if r.inputs["tags"]["soc2:tier"] == "private"}
    assert private_zones == {"us-east-1a", "us-east-1b"}
    assert all(r.inputs["mapPublicIpOnLaunch"] is False for r in subnets)
    cidrs = [r.inputs["cidrBlock"] for r in subnets]
    assert len(set(cidrs)) == 4 and all(c.startswith("10.20.") and c.endswith("/20") for c in cidrs)


def test_only_public_subnets_route_to_the_internet():
    result = capture(build_network)
    tables = {r.name: r for r in of_type(result, "aws:ec2/routeTable:RouteTable")}
    assert tables["net-private-rt"].inputs.get("routes", []) == []
    assert tables["net-public-rt"].inputs["routes"][0]["cidrBlock"] == "0.0.0.0/0"
    associations = of_type(result, "aws:ec2/routeTableAssociation:RouteTableAssociation")
    private = [a for a in associations if "-private-" in a.name]
    assert private and all(tables["net-private-rt"].urn in a.property_dependencies["routeTableId"] for a in private)


def test_flow_logs_capture_all_traffic_into_an_encrypted_retained_log_group():
    result = capture(build_network)
    flow_log = one(result, "aws:ec2/flowLog:FlowLog")
    assert flow_log.inputs["trafficType"] == "ALL" and flow_log.inputs["logDestinationType"] == "cloud-watch-logs"
    group = one(result, "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == KEY_ARN and group.inputs["retentionInDays"] == 365
    assert group.urn in flow_log.property_dependencies["logDestination"]


def test_the_default_security_group_has_no_rules():
    default = one(capture(build_network), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs["ingress"] == [] and default.inputs["egress"] == []


def build_key(**extra) -> None:
    EncryptionKey("logs", {"purpose": "logs", "account_id": "123456789012", "region": "us-east-1",
                           "services": ["cloudwatch-logs", "cloudtrail"], **extra})


def test_keys_rotate_have_an_explicit_policy_an_alias_a_deletion_window_and_protection():
    result = capture(build_key)
    key = one(result, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30 and key.protect
    policy = json.loads(key.inputs["policy"])
    sids = [s["Sid"] for s in policy["Statement"]]
    assert sids == ["AccountAdministers", "CloudWatchLogs", "CloudTrailEncrypt"]
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert not any(s.get("Principal") == "*" for s in policy["Statement"])
    alias = one(result, "aws:kms/alias:Alias")
    assert alias.inputs["name"] == "alias/logs" and key.urn in alias.property_dependencies["targetKeyId"]
    assert alias.inputs["targetKeyId"] == props.UNKNOWN


def test_turning_rotation_off_is_explicit_and_visible_in_the_inputs():
    key = one(capture(lambda: build_key(enable_rotation=False, deletion_window_days=7)), "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is False and key.inputs["deletionWindowInDays"] == 7
