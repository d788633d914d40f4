"""Answers for the data sources (invokes) a program calls, without a cloud account.

A real preview runs data sources against the cloud. Offline, facts that follow from the stack
config are answered (region, zones, partition). The account id is a fixed placeholder, so names
and policies built from it keep their real shape. Facts that a compliance verdict could rest on
(a GitHub organization's 2FA requirement) are answered as unknown, so policies that read them
report that they cannot run offline instead of passing on invented data.
"""

from __future__ import annotations

from typing import Any, Callable

PLACEHOLDER_ACCOUNT = "123456789012"
WHOLLY_UNKNOWN = "unknown"
"""Answer for a data source whose whole result cannot be known offline (the engine's `unknown` reply)."""


def _region(config: dict[str, str]) -> str:
    return config.get("aws:region", "us-east-1")


def _caller_identity(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    account = PLACEHOLDER_ACCOUNT
    return {"accountId": account, "arn": f"arn:aws:iam::{account}:user/preflight", "id": account,
            "userId": "AIDAPREFLIGHT"}


def _region_info(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    region = args.get("region") or args.get("name") or _region(config)
    return {"id": region, "name": region, "region": region, "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region}


def _partition(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}


def _availability_zones(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    region = args.get("region") or _region(config)
    letters = "abcdef"
    return {"id": region, "names": [f"{region}{c}" for c in letters], "groupNames": [region],
            "zoneIds": [f"{region[:3]}{region.split('-')[-1]}-az{i + 1}" for i in range(len(letters))],
            "state": args.get("state")}


def _sso_instances(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    # An organization's one Identity Center instance, shaped as AWS names it (ssoins-..., d-...): ids
    # decide nothing; whether the instance requires MFA is not part of any answer.
    region = _region(config)
    return {"arns": ["arn:aws:sso:::instance/ssoins-72230d8c1fa4b0d1"], "identityStoreIds": ["d-9067c2a1b3"],
            "id": region, "region": region}


def _datadog_role(args: dict[str, Any], config: dict[str, str], mode: str) -> str:
    # A live Datadog organization's role ids cannot be known offline.
    return WHOLLY_UNKNOWN


def _github_organization(args: dict[str, Any], config: dict[str, str], mode: str) -> str:
    # Nothing about a live organization can be known offline, in either mode.
    return WHOLLY_UNKNOWN


DATA_SOURCES: dict[str, Callable[[dict[str, Any], dict[str, str], str], dict[str, Any] | str]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region_info,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "github:index/getOrganization:getOrganization": _github_organization,
    "aws:ssoadmin/getInstances:getInstances": _sso_instances,
    "datadog:index/getRole:getRole": _datadog_role,
}


def offline_invoke(token: str, args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any] | str | None:
    """The data source's answer, WHOLLY_UNKNOWN, or None when it is not simulated."""
    answer = DATA_SOURCES.get(token)
    return answer(args, config, mode) if answer else None
