"""Both stacks build the whole baseline from their settings."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from preflight.capture import run_program
from preflight.project import load_project, load_stack_config
from tests.conftest import REPO

COMPONENTS = {"soc2:baseline:Baseline", "soc2:network:Network", "soc2:kms:EncryptionKey", "soc2:storage:SecureBucket",
              "soc2:database:EncryptedDatabase", "soc2:loadbalancer:TlsLoadBalancer", "soc2:monitoring:Monitoring",
              "soc2:access:AccessControl", "soc2:github:GitHubOrganization", "soc2:github:OrganizationTwoFactor",
              "soc2:audit:AuditLogging", "soc2:backup:BackupPlan", "soc2:detection:ThreatDetection",
              "soc2:access:IdentityCenter", "soc2:sso:MultiFactorAuthentication", "soc2:identity:Roster"}
EVERY_STACK = {
    "aws:ec2/vpc:Vpc", "aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener",
    "aws:wafv2/webAclAssociation:WebAclAssociation", "aws:acm/certificate:Certificate", "aws:sns/topic:Topic",
    "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/dashboard:Dashboard",
    "aws:identitystore/user:User", "aws:identitystore/group:Group", "aws:identitystore/groupMembership:GroupMembership",
    "aws:ssoadmin/permissionSet:PermissionSet", "aws:ssoadmin/accountAssignment:AccountAssignment",
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
    "aws:accessanalyzer/analyzer:Analyzer", "github:index/organizationSettings:OrganizationSettings",
    "github:index/repository:Repository", "github:index/branchProtection:BranchProtection",
    "github:index/repositoryFile:RepositoryFile", "github:index/issueLabel:IssueLabel", "github:index/membership:Membership",
    "github:index/teamMembership:TeamMembership", "aws:cloudtrail/trail:Trail",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter", "aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel",
    "aws:backup/vault:Vault", "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "aws:backup/plan:Plan",
    "aws:backup/selection:Selection", "aws:guardduty/detector:Detector", "aws:securityhub/account:Account",
    "aws:securityhub/standardsSubscription:StandardsSubscription", "aws:inspector2/enabler:Enabler",
    "aws:ebs/encryptionByDefault:EncryptionByDefault", "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
}


def build(stack: str):
    project = load_project(REPO)
    config = load_stack_config(project, stack)
    return run_program(project.directory, project.main, project.name, stack, config.values, config.secret_keys)


@pytest.fixture(scope="module")
def stacks():
    return {name: build(name) for name in ("dev", "prod")}


def inputs(result, type_: str) -> dict:
    return next(r for r in result.records if r.type == type_).inputs


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_component_and_control_is_registered(stacks, stack):
    types = {r.type for r in stacks[stack].records}
    assert COMPONENTS <= types and EVERY_STACK <= types, sorted((COMPONENTS | EVERY_STACK) - types)
    counts = Counter(r.type for r in stacks[stack].records)
    assert counts["aws:cloudwatch/logMetricFilter:LogMetricFilter"] == 15
    # Nobody is an IAM user: people sign in through Identity Center (the expired contractor gets nothing).
    assert counts["aws:iam/user:User"] == 0 and counts["aws:iam/group:Group"] == 0
    assert counts["aws:identitystore/user:User"] == 6 and counts["aws:identitystore/group:Group"] == 4


def test_prod_manages_datadog_users_and_pagerduty_on_call_paged_by_the_alert_topic_and_dev_neither(stacks):
    types = {name: Counter(r.type for r in result.records) for name, result in stacks.items()}
    assert types["prod"]["datadog:index/user:User"] == 5 and types["prod"]["pagerduty:index/user:User"] == 4
    assert types["prod"]["pagerduty:index/service:Service"] == 1
    assert not any(t.startswith(("pagerduty:", "datadog:index/user")) for t in types["dev"])
    pager = next(r for r in stacks["prod"].records if r.name == "soc2-prod-pagerduty-alerts")
    topic = next(r for r in stacks["prod"].records if r.type == "aws:sns/topic:Topic")
    assert topic.urn in pager.property_dependencies["topic"] and pager.inputs["protocol"] == "https"
    # The hand-typed webhook is gone from prod: PagerDuty is subscribed by construction.
    assert not any(r.name.endswith("-monitoring-pager") for r in stacks["prod"].records)


def test_iam_users_remain_for_accounts_outside_an_organization(baseline_project):
    project = load_project(baseline_project({"soc2-baseline:access": {"identity": "iam-users"}}))
    config = load_stack_config(project, "dev")
    counts = Counter(r.type for r in run_program(project.directory, project.main, project.name, "dev", config.values,
                                                 config.secret_keys).records)
    assert counts["aws:iam/user:User"] == 6 and counts["aws:iam/group:Group"] == 4
    assert counts["aws:identitystore/user:User"] == 0 and counts["soc2:access:IdentityCenter"] == 0


def test_prod_is_stricter_than_dev(stacks):
    dev, prod = stacks["dev"], stacks["prod"]
    assert (inputs(dev, "aws:rds/instance:Instance")["multiAz"], inputs(prod, "aws:rds/instance:Instance")["multiAz"]) == (False, True)
    assert inputs(dev, "aws:rds/instance:Instance")["backupRetentionPeriod"] == 7
    assert inputs(prod, "aws:rds/instance:Instance")["backupRetentionPeriod"] == 14
    reviews = lambda r: inputs(r, "github:index/branchProtection:BranchProtection")["requiredPullRequestReviews"][0]  # noqa: E731
    assert (reviews(dev)["requiredApprovingReviewCount"], reviews(prod)["requiredApprovingReviewCount"]) == (1, 2)
    plan = lambda r: inputs(r, "aws:backup/plan:Plan")["rules"][0]  # noqa: E731
    assert plan(dev)["lifecycle"]["deleteAfter"] == 14 and plan(prod)["lifecycle"]["deleteAfter"] == 35
    assert plan(dev)["copyActions"] == [] and len(plan(prod)["copyActions"]) == 1
    lock = lambda r: inputs(r, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")  # noqa: E731
    assert lock(dev)["rule"]["defaultRetention"]["mode"] == "GOVERNANCE"
    assert lock(prod)["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 2557}


def test_datadog_monitors_only_where_enabled(stacks):
    monitors = lambda r: [x for x in r.records if x.type == "datadog:index/monitor:Monitor"]  # noqa: E731
    assert monitors(stacks["dev"]) == [] and len(monitors(stacks["prod"])) == 8


def test_the_backup_selection_covers_the_database_and_stateful_buckets(stacks):
    for result in stacks.values():
        selection = next(r for r in result.records if r.type == "aws:backup/selection:Selection")
        covered = {urn.split("::")[-1] for urn in selection.property_dependencies["resources"]}
        env = "dev" if result is stacks["dev"] else "prod"
        assert covered == {f"soc2-{env}-database-instance", f"soc2-{env}-data-bucket", f"soc2-{env}-audit-logs-bucket"}


def test_every_stateful_resource_is_protected(stacks):
    for result in stacks.values():
        protected = {r.type for r in result.records if r.protect}
        assert {"aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:cloudtrail/trail:Trail",
                "aws:backup/vault:Vault", "github:index/repository:Repository"} <= protected


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_baseline_exports_every_output_a_service_reads_from_it(stacks, stack):
    service = (REPO / "templates" / "service" / "__main__.py").read_text()
    wanted = set(re.findall(r'require_output\("(\w+)"\)', service))
    assert {"vpcId", "vpcCidr", "publicSubnetIds", "privateSubnetIds"} <= wanted
    assert wanted <= set(stacks[stack].stack_outputs)
