"""Security Hub: enabled, subscribed to the required standards, with new controls turned on."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import flag_on, list_schema
from .declare import Service
from .framework import Stack

SERVICE = Service("securityhub", "Security Hub", "The Security Hub account and its standards.")

ACCOUNT = SERVICE.resource_type("aws:securityhub/account:Account", kind="Security Hub account")
STANDARDS_SUBSCRIPTION = SERVICE.resource_type("aws:securityhub/standardsSubscription:StandardsSubscription",
                                               kind="standards subscription")
# What Security Hub subscribes to by itself unless enable_default_standards is false.
DEFAULT_STANDARDS = ["standards/aws-foundational-security-best-practices/v/1.0.0",
                     "ruleset/cis-aws-foundations-benchmark/v/1.2.0"]


@SERVICE.stack_policy(
    name="securityhub-standards-subscribed", severity="high", criteria=["CC7.1", "CC4.1", "CC3.2"],
    description="Security Hub is enabled and subscribed to the required standards.",
    remediation="Add an aws.securityhub.Account and an aws.securityhub.StandardsSubscription per required standard "
                "(standards_arn arn:aws:securityhub:<region>::standards/<name>/v/<version>); the ThreatDetection "
                "component does.",
    config={"standards": list_schema(["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark"],
           "Standards that must be subscribed, each matched as part of standardsArn.")},
    examines=[ACCOUNT, STANDARDS_SUBSCRIPTION])
def _standards(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    accounts = stack.of_type(ACCOUNT)
    if not accounts:
        yield "Security Hub is not enabled: the stack has no aws.securityhub.Account", ""
        return
    arns = [arn for s in stack.of_type(STANDARDS_SUBSCRIPTION) if isinstance(arn := s.peek("standardsArn"), str)]
    if any(account.peek("enableDefaultStandards") in (None, True) for account in accounts):
        arns += DEFAULT_STANDARDS
    missing = [str(wanted) for wanted in config["standards"] if not any(str(wanted) in arn for arn in arns)]
    if missing:
        yield f"Security Hub is not subscribed to {', '.join(missing)}", accounts[0].urn


SERVICE.resource_policy(
    name="securityhub-account-auto-enable-controls", types=[ACCOUNT], severity="low", criteria=["CC7.1", "CC4.1"],
    description="Security Hub turns on new controls of enabled standards.",
    remediation="Remove auto_enable_controls=False from the aws.securityhub.Account (the default is true).",
)(flag_on("autoEnableControls", "new controls stay off until someone enables them", default=True))
