"""Every policy carries the metadata the pack promises, as the CLI receives it (GetAnalyzerInfo)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from soc2_policies import PACK_NAME, PACK_VERSION, services
from soc2_policies.criteria import CRITERIA
from soc2_policies.framework import NAME_PATTERN
from tests.policies.harness import REPO

SERVICES = {service.id for service in services()}
MANDATORY = {"high", "critical"}


def test_the_pack_declares_its_name_and_the_version_of_pulumipolicy_yaml(soc2_pack):
    info = soc2_pack.info()
    assert info.name == PACK_NAME and info.version == PACK_VERSION
    assert yaml.safe_load((REPO / "policies" / "PulumiPolicy.yaml").read_text())["version"] == PACK_VERSION


def test_at_least_80_resource_policies_and_10_stack_policies(pack_policies):
    kinds = [p.policy_type for p in pack_policies.values()]
    assert kinds.count("resource") >= 80 and kinds.count("stack") >= 10, (kinds.count("resource"), kinds.count("stack"))


@pytest.mark.parametrize("field", ["name", "description", "severity", "level", "framework", "tags", "remediation",
                                   "config"])
def test_every_policy_has_complete_metadata(pack_policies, field):
    problems = []
    for name, p in pack_policies.items():
        criteria = [t for t in p.tags if t in CRITERIA]
        checks = {
            "name": NAME_PATTERN.match(name) and name.split("-")[0] in SERVICES,
            "description": p.description.endswith(".") and len(p.description) > 20,
            "severity": p.severity in ("low", "medium", "high", "critical"),
            "level": p.enforcement_level == ("mandatory" if p.severity in MANDATORY else "advisory"),
            "framework": p.framework.get("name") == "SOC 2" and p.framework.get("reference") in criteria
                         and p.framework.get("specification") == CRITERIA.get(p.framework.get("reference")),
            "tags": bool(criteria) and f"service:{name.split('-')[0]}" in p.tags,
            "remediation": len(p.remediation_steps) > 20,
            "config": "waivers" in p.config_schema and all(
                "default" in schema for key, schema in p.config_schema.items()),
        }
        if not checks[field]:
            problems.append(name)
    assert problems == []


def test_the_account_wide_policies_are_stack_policies_of_this_pack(pack_policies):
    from soc2_policies import ACCOUNT_POLICIES

    assert len(ACCOUNT_POLICIES) == len(set(ACCOUNT_POLICIES)) == 8
    assert {pack_policies[name].policy_type for name in ACCOUNT_POLICIES} == {"stack"}


def test_a_pack_that_disables_an_unknown_policy_refuses_to_start(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("from soc2_policies import serve_pack\n\n"
                                          "serve_pack({'cloudtrail-trail-exists': 'disabled'})\n")
    result = subprocess.run([sys.executable, "-m", "preflight", "check", "--stack", "dev", "--policy-pack",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(REPO / "policies")})
    assert result.returncode == 2
    assert "initial config names unknown policies: cloudtrail-trail-exists" in result.stderr
