"""A value the data-store policies judge that is computed at deploy time is reported as not evaluated at
preview, neither passed nor failed, and judged once it is known."""

from __future__ import annotations

import pulumi_aws as aws

from tests.policies.cases_dynamodb import SECURE_TABLE
from tests.policies.cases_efs import APP_ROLE, DENY_PLAIN, EVERYONE, policy_naming_the_file_system
from tests.policies.harness import analyze

EFS_DOCUMENT_POLICIES = {"efs-filesystempolicy-tls-only", "efs-filesystempolicy-no-public-access"}


def kinds(findings, policies):
    return sorted((f.policy, f.kind) for f in findings if f.policy in policies)


def test_a_file_system_policy_naming_its_file_system_is_not_evaluated_at_preview(soc2_pack):
    findings = analyze(soc2_pack, policy_naming_the_file_system(APP_ROLE, EVERYONE))
    assert kinds(findings, EFS_DOCUMENT_POLICIES) == [("efs-filesystempolicy-no-public-access", "not-evaluated"),
                                                      ("efs-filesystempolicy-tls-only", "not-evaluated")]


def test_the_same_policy_is_judged_once_deployed(soc2_pack):
    bad = analyze(soc2_pack, policy_naming_the_file_system(APP_ROLE, EVERYONE), mode="resolved")
    assert kinds(bad, EFS_DOCUMENT_POLICIES) == [("efs-filesystempolicy-no-public-access", "violation"),
                                                 ("efs-filesystempolicy-tls-only", "violation")]
    good = analyze(soc2_pack, policy_naming_the_file_system(DENY_PLAIN, APP_ROLE), mode="resolved")
    assert kinds(good, EFS_DOCUMENT_POLICIES) == []


def recovery_decided_at_deploy() -> None:
    flag = aws.ssm.Parameter("pitr-flag", type="String", value="true")
    aws.dynamodb.Table("orders", **{**SECURE_TABLE, "point_in_time_recovery": {
        "enabled": flag.version.apply(lambda _: True)}})


def test_a_recovery_flag_computed_at_deploy_is_not_evaluated_rather_than_passed(soc2_pack):
    findings = analyze(soc2_pack, recovery_decided_at_deploy)
    assert kinds(findings, {"dynamodb-table-point-in-time-recovery"}) == [
        ("dynamodb-table-point-in-time-recovery", "not-evaluated")]
