"""Waivers: a finding is waived (reported, advisory) until its waiver expires; bad waivers are refused."""

from __future__ import annotations

import pytest

from preflight.policy_config import PolicyConfigError
from tests.policies.cases_rds import instance
from tests.policies.harness import analyze

POLICY = "rds-instance-storage-encrypted"
UNENCRYPTED = instance(storage_encrypted=False)
URN = "urn:pulumi:test::policy-test::aws:rds/instance:Instance::db"


def waiver(resource: str, expires: str = "2099-12-31") -> dict:
    return {POLICY: {"waivers": [{"resource": resource, "justification": "Legacy import; encrypted copy in CHG-142",
                                  "owner": "ada@example.com", "expires": expires}]}}


def finding(soc2_pack, config):
    return next(f for f in analyze(soc2_pack, UNENCRYPTED, config) if f.policy == POLICY)


@pytest.mark.parametrize("resource", [URN, "db", "d*", "*::db"])
def test_a_current_waiver_reports_the_finding_as_waived_and_advisory(soc2_pack, resource):
    waived = finding(soc2_pack, waiver(resource))
    assert waived.kind == "waived" and waived.enforcement_level == "advisory" and not waived.blocking
    assert waived.detail.startswith("[waived] until 2099-12-31, owner ada@example.com: Legacy import")
    assert "storage is unencrypted" in waived.detail


def test_an_expired_waiver_reports_the_violation_at_its_own_level(soc2_pack):
    expired = finding(soc2_pack, waiver("db", expires="2020-01-31"))
    assert expired.kind == "violation" and expired.blocking
    assert "The waiver for this resource expired on 2020-01-31 (owner ada@example.com)." in expired.detail


def test_a_waiver_for_another_resource_changes_nothing(soc2_pack):
    assert finding(soc2_pack, waiver("other-db")).blocking


@pytest.mark.parametrize("entry, key", [
    ({"resource": "db", "owner": "ada@example.com", "expires": "2099-12-31"}, "'justification' is a required property"),
    ({"resource": "db", "justification": "Legacy import, tracked", "owner": "ada@example.com", "expires": "31/12/2099"},
     "waivers.0.expires: '31/12/2099' does not match"),
    ({"resource": "db", "justification": "Legacy import, tracked", "owner": "ada@example.com", "expires": "2099-12-31",
      "approved": True}, "Additional properties are not allowed ('approved' was unexpected)"),
])
def test_a_malformed_waiver_is_refused_naming_the_policy_and_key(soc2_pack, entry, key):
    with pytest.raises(PolicyConfigError) as caught:
        analyze(soc2_pack, UNENCRYPTED, {POLICY: {"waivers": [entry]}})
    assert f"{POLICY}: waivers" in str(caught.value) and key in str(caught.value)
