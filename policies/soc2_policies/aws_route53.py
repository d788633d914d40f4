"""Route 53: hosted zones and their DNS query logs."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .declare import Service
from .framework import Stack

SERVICE = Service("route53", "Route 53", "Hosted zones and DNS query logging.")

ZONE = SERVICE.resource_type("aws:route53/zone:Zone", kind="hosted zone")
QUERY_LOG = SERVICE.resource_type("aws:route53/queryLog:QueryLog", kind="DNS query log")


@SERVICE.stack_policy(
    name="route53-zone-query-logging", severity="medium", criteria=["CC7.2"],
    description="Public hosted zones log the DNS queries Route 53 answers for them.",
    remediation="Add an aws.route53.QueryLog with zone_id=zone.zone_id and cloudwatch_log_group_arn of a log group "
                "in us-east-1 whose resource policy (aws.cloudwatch.LogResourcePolicy) lets route53.amazonaws.com "
                "write to it. Private zones (with vpcs) log through Route 53 Resolver query logging instead.",
    checkov=["CKV2_AWS_39"], examines=[ZONE])
def _query_logging(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    logged = stack.referrers([QUERY_LOG], "zoneId", [ZONE], "zoneId")
    for zone in stack.of_type(ZONE):
        if zone.is_set("vpcs") or zone.urn in logged:
            continue
        yield f"public hosted zone {zone.name} has no DNS query log (no aws.route53.QueryLog with its zone_id)", zone.urn
