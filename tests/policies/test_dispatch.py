"""The pack's dispatching servicer gives the same verdict as the pulumi-policy SDK's own servicer.

It only changes how work is scheduled (one deserialization per resource, only the policies for
its type), so both must report exactly the same diagnostics for the same resources.
"""

from __future__ import annotations

import pytest

from preflight.analyzer import PolicyPack
from preflight.capture import run_program
from preflight.check import evaluate
from preflight.project import load_project, load_stack_config
from soc2_policies import PACK_VERSION
from tests.conftest import FIXTURES, REPO

SECRET_AWARE = {"pulumi-input-secrets-encrypted"}  # the SDK servicer unwraps secrets before policies see them


def diagnostics(pack, stack: str, mode: str):
    project = load_project(REPO)
    config = load_stack_config(project, stack)
    capture = run_program(project.directory, project.main, project.name, stack, config.values, config.secret_keys, mode)
    run = evaluate(pack, capture, {}, config.values, config.secret_keys)
    # pulumi_policy.PolicyPack always labels itself v0.0.1; the pack's servicer uses PulumiPolicy.yaml's version.
    return {(d.policy, d.urn, d.message.replace("@v0.0.1", f"@v{PACK_VERSION}"), d.enforcement_level)
            for d in run.diagnostics if d.policy not in SECRET_AWARE}


@pytest.fixture(scope="module")
def sdk_pack():
    with PolicyPack(FIXTURES / "packs" / "soc2_on_sdk_servicer") as pack:
        yield pack


@pytest.mark.parametrize("mode", ["preview", "resolved"])
def test_same_diagnostics_as_the_sdk_servicer(soc2_pack, sdk_pack, mode):
    ours = diagnostics(soc2_pack, "prod", mode)
    theirs = diagnostics(sdk_pack, "prod", mode)
    assert ours == theirs
    if mode == "preview":
        assert any(policy == "github-organization-two-factor-required" for policy, *_ in ours)
