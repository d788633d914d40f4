"""Inputs known only at deploy time leave the verdict open (not evaluated), never passing; and the options that
move a control outside the stack do what they say."""

from __future__ import annotations

import pytest

from tests.policies import cases_ecr, cases_ecs
from tests.policies.harness import analyze, violations

CONTAINER_POLICIES = ["ecs-taskdefinition-container-logging", "ecs-taskdefinition-no-privileged-containers",
                      "ecs-taskdefinition-no-plaintext-secrets", "ecs-taskdefinition-read-only-root-filesystem",
                      "ecs-taskdefinition-non-root-user"]


@pytest.fixture(scope="module")
def computed_task_findings(soc2_pack):
    """A privileged container without logs, whose definitions hold an image URL computed at deploy time."""
    return analyze(soc2_pack, cases_ecs.task(shape="computed", privileged=True, logConfiguration=None))


@pytest.mark.parametrize("policy", CONTAINER_POLICIES)
def test_container_definitions_computed_at_deploy_are_not_evaluated(computed_task_findings, policy):
    kinds = [f.kind for f in computed_task_findings if f.policy == policy]
    assert kinds == ["not-evaluated"]


def test_the_same_containers_known_at_preview_are_judged(soc2_pack):
    findings = analyze(soc2_pack, cases_ecs.task(privileged=True, logConfiguration=None))
    assert {f.policy for f in findings if f.kind == "violation"} >= {
        "ecs-taskdefinition-container-logging", "ecs-taskdefinition-no-privileged-containers"}


def test_registry_scanning_managed_elsewhere_is_trusted_when_configured(soc2_pack):
    build = cases_ecr.repository(image_scanning_configuration=None)
    assert violations(analyze(soc2_pack, build), "ecr-repository-scan-on-push")
    config = {"ecr-repository-scan-on-push": {"registryScansOnPush": True}}
    assert violations(analyze(soc2_pack, build, config), "ecr-repository-scan-on-push") == []
