"""Auto Scaling: groups and how load balancers are attached to them."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("autoscaling", "Auto Scaling", "Auto Scaling groups and their load balancer attachments.")

GROUP = SERVICE.resource_type("aws:autoscaling/group:Group", kind="Auto Scaling group")
ATTACHMENT = SERVICE.resource_type("aws:autoscaling/attachment:Attachment", kind="Auto Scaling attachment")
TRAFFIC_SOURCE = SERVICE.resource_type("aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment",
                                       kind="Auto Scaling traffic source attachment")
LOAD_BALANCED_CHECKS = ("ELB", "VPC_LATTICE")
INLINE_BALANCERS = ("loadBalancers", "targetGroupArns", "trafficSources")


def _inline_balancers(group: Resource) -> bool:
    return any(group.is_set(path) for path in INLINE_BALANCERS)


@SERVICE.stack_policy(
    name="autoscaling-group-elb-health-check", severity="medium", criteria=["A1.1", "A1.2"],
    description="Auto Scaling groups behind a load balancer replace instances the load balancer finds unhealthy.",
    remediation="Set health_check_type='ELB' (and a health_check_grace_period) on aws.autoscaling.Group when it has "
                "target_group_arns, load_balancers or traffic_sources, or an aws.autoscaling.Attachment / "
                "TrafficSourceAttachment; with the default EC2 check, an instance that serves errors stays in service.",
    checkov=["CKV2_AWS_15"], examines=[GROUP])
def _elb_health_check(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    attached = stack.referrers([ATTACHMENT, TRAFFIC_SOURCE], "autoscalingGroupName", [GROUP], "name")
    for group in stack.of_type(GROUP):
        if not (_inline_balancers(group) or group.urn in attached):
            continue
        check = group.get("healthCheckType") or "EC2"
        if check not in LOAD_BALANCED_CHECKS:
            yield (f"Auto Scaling group {group.name} is behind a load balancer but healthCheckType is {check!r}, not "
                   f"ELB, so instances failing the load balancer's health check are not replaced", group.urn)
