"""WAF v2 policy cases: a web ACL with blocking AWS managed rules in front of a public ALB, and gaps."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]


def rule(group: str, priority: int, override: str = "none", metrics: bool = True) -> dict[str, Any]:
    return {"name": group, "priority": priority, "override_action": {override: {}},
            "statement": {"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
            "visibility_config": {"cloudwatch_metrics_enabled": metrics, "metric_name": group,
                                  "sampled_requests_enabled": True}}


def web_acl(label: str = "secure", rules: list[dict[str, Any]] | None = None, metrics: bool = True) -> Build:
    def build() -> None:
        aws.wafv2.WebAcl("waf", scope="REGIONAL", default_action={"allow": {}},
                         rules=[rule(g, i) for i, g in enumerate(GROUPS)] if rules is None else rules,
                         visibility_config={"cloudwatch_metrics_enabled": metrics, "metric_name": "waf",
                                            "sampled_requests_enabled": True})
    build.__name__ = f"web_acl({label})"
    return build


def load_balancer(label: str, associated: bool = True, **changes: Any) -> Build:
    """A load balancer, and a web ACL associated with it through its ARN (a real dependency)."""
    def build() -> None:
        lb = aws.lb.LoadBalancer("alb", **{"load_balancer_type": "application", "internal": False,
                                           "subnets": ["subnet-1", "subnet-2"], **changes})
        acl = aws.wafv2.WebAcl("waf", scope="REGIONAL", default_action={"allow": {}},
                               rules=[rule(g, i) for i, g in enumerate(GROUPS)],
                               visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": "waf",
                                                  "sampled_requests_enabled": True})
        if associated:
            aws.wafv2.WebAclAssociation("waf-alb", resource_arn=lb.arn, web_acl_arn=acl.arn)
    build.__name__ = f"load_balancer({label})"
    return build


SECURE = web_acl()
PROTECTED = load_balancer("public, associated")

CASES = [
    Case("wafv2-webacl-managed-rules", SECURE, web_acl("common only", [rule(GROUPS[0], 0)]),
         "AWS managed rule groups missing from rules: AWSManagedRulesKnownBadInputsRuleSet"),
    Case("wafv2-webacl-managed-rules", SECURE,
         web_acl("common counts", [rule(GROUPS[0], 0, "count"), rule(GROUPS[1], 1)]),
         "only count matches instead of blocking (overrideAction is count): AWSManagedRulesCommonRuleSet"),
    Case("wafv2-webacl-metrics", SECURE, web_acl("metrics off", metrics=False),
         "visibilityConfig.cloudwatchMetricsEnabled is False"),
    Case("wafv2-webacl-metrics", SECURE,
         web_acl("rule metrics off", [rule(GROUPS[0], 0), rule(GROUPS[1], 1, metrics=False)]),
         "rule AWSManagedRulesKnownBadInputsRuleSet is not observable"),
    Case("wafv2-webacl-protects-public-albs", PROTECTED, load_balancer("public, no association", associated=False),
         "internet-facing load balancer alb has no web ACL"),
    Case("wafv2-webacl-protects-public-albs", load_balancer("internal", associated=False, internal=True),
         load_balancer("type unset, no association", associated=False, load_balancer_type=None, internal=None),
         "no WebAclAssociation's resourceArn refers to it"),
    Case("wafv2-webacl-protects-public-albs", load_balancer("network", associated=False, load_balancer_type="network"),
         load_balancer("public, no association", associated=False), "has no web ACL"),
]
