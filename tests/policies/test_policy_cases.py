"""Every policy, both ways, through the real Analyzer protocol: the compliant program raises no
violation of it, the non-compliant one does, at the policy's enforcement level."""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest

import tests.policies as case_package
from tests.policies.harness import Case, analyze, violations

CASES: list[Case] = [case for info in pkgutil.iter_modules(case_package.__path__) if info.name.startswith("cases_")
                     for case in importlib.import_module(f"tests.policies.{info.name}").CASES]


_analyzed: dict[tuple, list] = {}


def findings(pack, build, config, mode):
    key = (build, json.dumps(config, sort_keys=True), mode)
    if key not in _analyzed:
        _analyzed[key] = analyze(pack, build, config, mode)
    return _analyzed[key]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_policy_case(soc2_pack, pack_policies, case):
    good = violations(findings(soc2_pack, case.compliant, case.config, case.mode), case.policy)
    assert good == [], f"compliant program violates {case.policy}: {[f.detail for f in good]}"
    bad = violations(findings(soc2_pack, case.noncompliant, case.config, case.mode), case.policy)
    assert bad, f"{case.policy} did not fire on {case.noncompliant.__name__}"
    assert any(case.expect in f.detail for f in bad), [f.detail for f in bad]
    assert {f.enforcement_level for f in bad} == {pack_policies[case.policy].enforcement_level}


def test_every_policy_has_a_compliant_and_a_non_compliant_case(pack_policies):
    assert set(pack_policies) == {case.policy for case in CASES}
