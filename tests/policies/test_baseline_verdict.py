"""Both stacks of the real baseline pass the pack with zero mandatory violations, in both modes."""

from __future__ import annotations

import pytest

from preflight.capture import run_program
from preflight.check import evaluate
from preflight.project import load_project, load_stack_config
from preflight.results import findings_from
from tests.conftest import REPO


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("mode", ["preview", "resolved"])
def test_the_baseline_is_compliant(soc2_pack, stack, mode):
    project = load_project(REPO)
    config = load_stack_config(project, stack)
    capture = run_program(project.directory, project.main, project.name, stack, config.values, config.secret_keys, mode)
    findings = findings_from(capture, [evaluate(soc2_pack, capture, {}, config.values, config.secret_keys)])
    assert [f for f in findings if f.blocking] == []
    assert [(f.policy, f.detail) for f in findings if f.kind == "violation"] == []
    # What an offline check cannot know: whether the GitHub organization requires 2FA, and whether
    # Identity Center requires MFA (which no API reads, online either).
    assert sorted((f.policy, f.kind) for f in findings) == [("github-organization-two-factor-required", "not-evaluated"),
                                                            ("sso-instance-mfa-required", "not-evaluated")]


def test_prod_meets_the_stricter_prod_policy_config_and_dev_does_not():
    from preflight.check import CheckOptions, check

    config = REPO / "stacks" / "policy-config.prod.json"
    prod = check(CheckOptions(REPO, "prod", [REPO / "policies"], [config]))
    assert prod.exit_code == 0
    dev = check(CheckOptions(REPO, "dev", [REPO / "policies"], [config]))
    assert dev.exit_code == 1
    # Dev's single-AZ database is exempt by its environment tag; its retention and reviews are not.
    assert {f.policy for f in dev.findings if f.blocking} == {
        "rds-instance-backup-retention", "github-branchprotection-required-reviews", "backup-plan-retention"}
