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
              "soc2:audit:AuditLogging", "soc2:backup:BackupPlan", "soc2:detection:ThreatDetection"}
EVERY_STACK = {
    "aws:ec2/vpc:Vpc", "aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener",
    "aws:wafv2/webAclAssociation:WebAclAssociation", "aws:acm/certificate:Certificate", "aws:sns/topic:Topic",
    "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/dashboard:Dashboard",
    "aws:iam/group:Group", "aws:iam/user:User", "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
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
    assert counts["aws:iam/user:User"] == 6 and counts["aws:iam/group:Group"] == 4


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
