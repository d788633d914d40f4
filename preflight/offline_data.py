"""Answers for the data sources (invokes) a program calls, without a cloud account.

A real preview runs data sources against the cloud. Offline there are three kinds:

- **Computed**: pure functions of their arguments and the stack config, answered as the provider
  would: IAM policy documents (see iam_policy_document), ARNs, partitions, regions, zones, service
  names, the caller's identity (the account id is a fixed placeholder, so names and policies
  built from it keep their real shape).
- **Lookups** of live data (AMIs, VPCs, certificates, secrets, roles, a GitHub organization's
  settings...): every other data source of a provider whose data lives in an account. They are
  answered wholly unknown, as a first preview sees data that does not exist yet, so a policy
  that reads them reports that it cannot run offline instead of passing on invented data.
- **Anything else** is also unknown, and reported once as a warning naming its token: preflight
  cannot tell whether it is pure, and an empty answer would crash the program far from the cause.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from .iam_policy_document import InvokeFailure, get_policy_document

__all__ = ["Answer", "InvokeFailure", "offline_invoke", "PLACEHOLDER_ACCOUNT"]

PLACEHOLDER_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
LIVE_PROVIDERS = ("aws", "github", "datadog", "pagerduty")
"""Providers whose data sources, unless computed here, read an account's live data."""
ZONE_LETTERS = "abcdef"
BILLING_ACCOUNT = "386209384616"
"""The account AWS bills from, which the provider returns for every commercial region."""
DEFAULT_REGIONS = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
                   "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
                   "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2")
"""Commercial regions enabled in every account (opt-in not required)."""
OPT_IN_REGIONS = ("af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
                  "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1",
                  "me-central-1", "me-south-1", "mx-central-1")


@dataclass(frozen=True)
class Answer:
    result: dict[str, Any] | None
    """The data source's result, or None for the engine's wholly unknown reply."""
    note: str = ""
    """What a report should say about this data source, once per token."""
    severity: str = "info"


Compute = Callable[[dict[str, Any], dict[str, str]], dict[str, Any] | None]


def _region(args: dict[str, Any], config: dict[str, str]) -> str:
    return args.get("region") or config.get("aws:region") or DEFAULT_REGION


def _partition_of(region: str) -> dict[str, str]:
    if region.startswith("cn-"):
        return {"partition": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "reverseDnsPrefix": "cn.com.amazonaws"}
    name = "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return {"partition": name, "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}


def _caller_identity(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    partition = _partition_of(_region({}, config))["partition"]
    return {"accountId": PLACEHOLDER_ACCOUNT, "arn": f"arn:{partition}:iam::{PLACEHOLDER_ACCOUNT}:user/preflight",
            "id": PLACEHOLDER_ACCOUNT, "userId": "AIDAPREFLIGHT"}


def _region_info(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    region = args.get("region") or args.get("name") or _region({}, config)
    suffix = _partition_of(region)["dnsSuffix"]
    return {"id": region, "name": region, "region": region, "endpoint": f"ec2.{region}.{suffix}",
            "description": region}


def _regions(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any] | None:
    if args.get("filters"):
        return None  # filters select on the account's opt-in state: live data
    names = sorted(DEFAULT_REGIONS + (OPT_IN_REGIONS if args.get("allRegions") else ()))
    return {**args, "id": "aws", "names": names}


def _partition(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    partition = _partition_of(_region(args, config))
    return {**args, "id": partition["partition"], **partition}


def _sso_instances(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    # An organization's one Identity Center instance, shaped as AWS names it (ssoins-..., d-...): ids
    # decide nothing; whether the instance requires MFA is not part of any answer.
    region = _region(args, config)
    return {"arns": ["arn:aws:sso:::instance/ssoins-72230d8c1fa4b0d1"], "identityStoreIds": ["d-9067c2a1b3"],
            "id": region, "region": region}


DIRECTIONS = {"east": "e", "west": "w", "north": "n", "south": "s", "central": "c", "northeast": "ne",
              "northwest": "nw", "southeast": "se", "southwest": "sw"}


def _zone_names(region: str) -> list[tuple[str, str]]:
    """(name, zone id) of the zones a region is given offline; ids in AWS's shape, eu-west-1 -> euw1-az1."""
    parts = region.split("-")
    if len(parts) < 3:
        return [(f"{region}{c}", f"{region}-az{i + 1}") for i, c in enumerate(ZONE_LETTERS)]
    prefix = parts[0] + "".join(p[:1] for p in parts[1:-2]) + DIRECTIONS.get(parts[-2], parts[-2][:1]) + parts[-1]
    return [(f"{region}{c}", f"{prefix}-az{i + 1}") for i, c in enumerate(ZONE_LETTERS)]


def _availability_zones(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any] | None:
    if args.get("filters"):
        return None
    region = _region(args, config)
    excluded = set(args.get("excludeNames") or []) | set(args.get("excludeZoneIds") or [])
    zones = [(name, zone) for name, zone in _zone_names(region) if name not in excluded and zone not in excluded]
    return {**args, "id": region, "region": region, "names": [n for n, _ in zones], "zoneIds": [z for _, z in zones],
            "groupNames": [region], "state": args.get("state")}


def _availability_zone(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any] | None:
    region = _region(args, config)
    zone = next(((n, z) for n, z in _zone_names(region) if args.get("name") == n or args.get("zoneId") == z), None)
    if zone is None or args.get("filters"):
        return None
    name, zone_id = zone
    return {**args, "id": name, "name": name, "zoneId": zone_id, "region": region, "nameSuffix": name[len(region):],
            "groupName": region, "groupLongName": region, "networkBorderGroup": region,
            "optInStatus": "opt-in-not-required", "state": "available", "zoneType": "availability-zone",
            "parentZoneId": "", "parentZoneName": ""}


def _arn_parts(arn: Any) -> dict[str, str]:
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    if len(parts) != 6 or parts[0] != "arn" or not all(parts[i] for i in (1, 2, 5)):
        raise InvokeFailure("arn", f"invalid ARN: {arn!r}; an ARN is arn:partition:service:region:account:resource")
    return dict(zip(("partition", "service", "region", "account", "resource"), parts[1:]))


def _arn(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    return {**_arn_parts(args.get("arn")), "arn": args["arn"], "id": args["arn"]}


def _arn_parse(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    parts = _arn_parts(args.get("arn"))
    return {"result": {"partition": parts["partition"], "service": parts["service"], "region": parts["region"],
                       "accountId": parts["account"], "resource": parts["resource"]}}


def _billing_account(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    partition = _partition_of(_region({}, config))["partition"]
    return {"id": BILLING_ACCOUNT, "arn": f"arn:{partition}:iam::{BILLING_ACCOUNT}:root"}


def _service_principal(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    region, service = _region(args, config), args.get("serviceName", "")
    suffix = _partition_of(region)["dnsSuffix"]
    return {**args, "id": f"{service}.{region}", "name": f"{service}.{suffix}", "suffix": suffix, "region": region,
            "serviceName": service}


def _service(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any] | None:
    partition = _partition_of(_region(args, config))
    if args.get("dnsName") or args.get("reverseDnsName"):
        return None  # parsing names back into services needs the provider's tables
    region, service = _region(args, config), args.get("serviceId", "")
    prefix = args.get("reverseDnsPrefix") or partition["reverseDnsPrefix"]
    return {**args, "id": f"{service}.{region}", "dnsName": f"{service}.{region}.{partition['dnsSuffix']}",
            "partition": partition["partition"], "region": region, "reverseDnsName": f"{prefix}.{region}.{service}",
            "reverseDnsPrefix": prefix, "serviceId": service, "supported": True}


def _default_tags(args: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    try:
        tags = json.loads(config.get("aws:defaultTags", "{}")).get("tags") or {}
    except (ValueError, AttributeError):
        tags = {}
    return {"id": "aws", "tags": tags}


COMPUTED: dict[str, Compute] = {
    "aws:iam/getPolicyDocument:getPolicyDocument": lambda args, config: get_policy_document(args),
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region_info,
    "aws:index/getRegions:getRegions": _regions,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:index/getAvailabilityZone:getAvailabilityZone": _availability_zone,
    "aws:index/getArn:getArn": _arn,
    "aws:index/arnParse:arnParse": _arn_parse,
    "aws:index/getBillingServiceAccount:getBillingServiceAccount": _billing_account,
    "aws:index/getServicePrincipal:getServicePrincipal": _service_principal,
    "aws:index/getService:getService": _service,
    "aws:index/getDefaultTags:getDefaultTags": _default_tags,
    "aws:ssoadmin/getInstances:getInstances": _sso_instances,
}


def offline_invoke(token: str, args: dict[str, Any], config: dict[str, str]) -> Answer:
    """The data source's answer offline; raises InvokeFailure for arguments the provider would refuse."""
    compute = COMPUTED.get(token)
    if compute is not None:
        result = compute(args, config)
        return Answer(result) if result is not None else \
            Answer(None, f"data source {token} was called with arguments that need live data; its result is unknown "
                         f"offline{_plain_form(token)}")
    if token.split(":", 1)[0] in LIVE_PROVIDERS:
        return Answer(None, f"data source {token} reads live data; its result is unknown offline, as in a first "
                            f"preview before the data exists{_plain_form(token)}")
    return Answer(None, f"data source {token} is not simulated offline; its result is unknown{_plain_form(token)}",
                  "warning")


def _plain_form(token: str) -> str:
    """The Python SDK cannot give a plain call an unknown result: say which call form works."""
    parts = token.split(":")
    if len(parts) != 3:
        return ""
    module = parts[1].split("/")[0]
    function = re.sub(r"(?<!^)(?=[A-Z])", "_", parts[2]).lower()
    call = ".".join(p for p in (parts[0].replace("-", "_"), "" if module == "index" else module, function) if p)
    return f" (a plain call, {call}(...), cannot hold an unknown result and stops the program; call {call}_output(...))"
