"""Answers for the data sources (invokes) a program calls, without a cloud account.

A real preview runs data sources against the cloud. Offline, only facts that follow from the
stack config are answered; anything the program cannot know without credentials (an account's
real id, a GitHub organization's 2FA requirement) is answered as unknown, so policies that read
it report that they cannot run offline instead of passing on invented data.
"""

from __future__ import annotations

from typing import Any, Callable

from .properties import UNKNOWN

PLACEHOLDER_ACCOUNT = "123456789012"


def _region(config: dict[str, str]) -> str:
    return config.get("aws:region", "us-east-1")


def _caller_identity(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    account = UNKNOWN if mode == "preview" else PLACEHOLDER_ACCOUNT
    return {"accountId": account, "arn": UNKNOWN if mode == "preview" else f"arn:aws:iam::{account}:user/preflight",
            "id": account, "userId": UNKNOWN if mode == "preview" else "AIDAPREFLIGHT"}


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


def _github_organization(args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any]:
    # Nothing about a live organization can be known offline, in either mode.
    name = args.get("name", "")
    return {"id": UNKNOWN, "login": name, "name": name, "orgname": name, "twoFactorRequirementEnabled": UNKNOWN,
            "defaultRepositoryPermission": UNKNOWN, "membersCanCreatePublicRepositories": UNKNOWN,
            "webCommitSignoffRequired": UNKNOWN, "plan": UNKNOWN}


DATA_SOURCES: dict[str, Callable[[dict[str, Any], dict[str, str], str], dict[str, Any]]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region_info,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "github:index/getOrganization:getOrganization": _github_organization,
}


def offline_invoke(token: str, args: dict[str, Any], config: dict[str, str], mode: str) -> dict[str, Any] | None:
    """The data source's answer, or None when it is not simulated."""
    answer = DATA_SOURCES.get(token)
    return answer(args, config, mode) if answer else None
