"""A policy that raises stops the check with exit 2, naming the pack, the policy, the resource and the
exception, in one line: never an anonymous RPC error, never a verdict, never a leftover pack process."""

from __future__ import annotations

import json

from tests.conftest import COMPONENT_PROGRAM, FIXTURES, run_cli

RAISING = FIXTURES / "packs" / "raising"
TOPIC = "urn:pulumi:test::fixture-app::aws:sns/topic:Topic::alerts"


def check(tmp_path, strays, pack, *extra):
    out = tmp_path / "report.json"
    result = run_cli("check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack", str(pack),
                     "--json", "--output", str(out), *extra, env=strays.env())
    assert result.returncode == 2 and result.stdout == "" and not out.exists()
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr.strip()


def test_a_resource_policy_that_raises_is_named_with_its_resource_and_exception(tmp_path, strays):
    assert check(tmp_path, strays, RAISING) == (
        f"preflight: policy pack raising failed: policy pack fixture-raising@v0.2.0: policy sns-topic-owner-tagged raised "
        f"on resource {TOPIC}: KeyError: 'tags' at __main__.py:13")


def test_a_stack_policy_that_raises_is_named(tmp_path, strays):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"sns-topic-owner-tagged": "disabled"}))
    assert check(tmp_path, strays, RAISING, "--policy-pack-config", str(config)) == (
        "preflight: policy pack raising failed during AnalyzeStack: policy pack fixture-raising@v0.2.0: policy sns-stack-topics-tagged raised "
        "on the stack: ZeroDivisionError: division by zero at __main__.py:18")


def test_a_pack_on_the_stock_sdk_that_raises_is_named_with_the_resource(tmp_path, strays):
    # The SDK's own servicer does not say which policy failed; preflight adds the resource it was analyzing.
    assert check(tmp_path, strays, FIXTURES / "packs" / "raising_sdk") == (
        f"preflight: policy pack raising_sdk failed during Analyze of {TOPIC}: Exception calling application: 'tags'")
