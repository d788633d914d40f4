"""WAF v2 web ACLs and their associations."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .aws_elb import BALANCERS
from .checks import list_schema, shown
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("wafv2", "WAF", "Web ACLs and their associations with load balancers.")

WEB_ACL = SERVICE.resource_type("aws:wafv2/webAcl:WebAcl", kind="web ACL")
ASSOCIATION = SERVICE.resource_type("aws:wafv2/webAclAssociation:WebAclAssociation", kind="web ACL association")
RULE_GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]


def _managed_groups(r: Resource) -> dict[str, bool]:
    """AWS managed rule groups the ACL uses, each mapped to whether it only counts (overrideAction count)."""
    groups: dict[str, bool] = {}
    for index in range(len(r.list("rules"))):
        rule = f"rules.{index}"
        if r.get(f"{rule}.statement.managedRuleGroupStatement.vendorName") == "AWS":
            name = r.get(f"{rule}.statement.managedRuleGroupStatement.name")
            counting = r.get(f"{rule}.overrideAction.count") is not None
            if isinstance(name, str):
                groups[name] = groups.get(name, True) and counting
    # rule_json: the API's own shape, for ACLs too deeply nested for `rules`
    rules = r.document("ruleJson")
    for rule in rules if isinstance(rules, list) else []:
        statement = rule.get("Statement") if isinstance(rule, Mapping) else None
        managed = statement.get("ManagedRuleGroupStatement") if isinstance(statement, Mapping) else None
        if isinstance(managed, Mapping) and managed.get("VendorName") == "AWS" and isinstance(managed.get("Name"), str):
            override = rule.get("OverrideAction")
            counting = isinstance(override, Mapping) and override.get("Count") is not None
            groups[managed["Name"]] = groups.get(managed["Name"], True) and counting
    return groups


@SERVICE.resource_policy(
    name="wafv2-webacl-managed-rules", types=[WEB_ACL], severity="high", criteria=["CC6.6", "CC6.8"],
    description="WAF web ACLs block with the required AWS managed rule groups.",
    remediation="Add a rule per group in requiredRuleGroups with statement.managed_rule_group_statement "
                "(vendor_name='AWS', name=...) and override_action={'none': {}} (TlsLoadBalancer does).",
    config={"requiredRuleGroups": list_schema(RULE_GROUPS, "AWS managed rule groups every web ACL must use.")})
def _managed_rules(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    groups = _managed_groups(r)
    wanted = [g for g in config.get("requiredRuleGroups") or [] if isinstance(g, str)]
    if missing := [g for g in wanted if g not in groups]:
        yield f"AWS managed rule groups missing from rules: {', '.join(missing)}"
    if counting := [g for g in wanted if groups.get(g)]:
        yield f"managed rule groups only count matches instead of blocking (overrideAction is count): {', '.join(counting)}"


@SERVICE.resource_policy(
    name="wafv2-webacl-metrics", types=[WEB_ACL], severity="low", criteria=["CC7.2"],
    description="WAF web ACLs and their rules publish metrics and sample requests.",
    remediation="Set visibility_config cloudwatch_metrics_enabled=True and sampled_requests_enabled=True on the web "
                "ACL and on every rule.")
def _metrics(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    configs = [("the web ACL", "visibilityConfig")]
    for index, rule in enumerate(r.list("rules")):
        name = rule.get("name") if isinstance(rule, Mapping) else None
        configs.append((f"rule {name if isinstance(name, str) else index}", f"rules.{index}.visibilityConfig"))
    for label, path in configs:
        if off := [key for key in ("cloudwatchMetricsEnabled", "sampledRequestsEnabled")
                   if r.get(f"{path}.{key}") is not True]:
            settings = ", ".join(f"{path}.{key} is {shown(r.get(path + '.' + key))}" for key in off)
            yield f"{label} is not observable: {settings}"


@SERVICE.stack_policy(
    name="wafv2-webacl-protects-public-albs", severity="high", criteria=["CC6.6"],
    description="Every internet-facing application load balancer is protected by a WAF web ACL.",
    remediation="Add aws.wafv2.WebAclAssociation(resource_arn=load_balancer.arn, web_acl_arn=web_acl.arn) "
                "(TlsLoadBalancer does), or make the load balancer internal.",
    examines=[*BALANCERS, ASSOCIATION])
def _protects_public_albs(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    associations = stack.of_type(ASSOCIATION)
    for lb in stack.of_type(*BALANCERS):
        if lb.get("internal") is True or lb.get("loadBalancerType") not in (None, "application"):
            continue
        if not any(lb in a.depends_on("resourceArn") for a in associations):
            yield (f"internet-facing load balancer {lb.name} has no web ACL: no WebAclAssociation's resourceArn "
                   "refers to it", lb.urn)
