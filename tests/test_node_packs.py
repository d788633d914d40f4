"""Policy packs in Node.js, started as the CLI starts them (`node .../run-policy-pack <engine> <pack>`), beside ours."""

from __future__ import annotations

import json
import shutil

import pytest

from preflight.analyzer import PolicyPack
from preflight.capture import run_program
from preflight.check import evaluate, pack_environment
from preflight.coverage import coverage
from preflight.policy_config import PolicyConfig
from preflight.project import load_project, load_stack_config
from preflight.results import findings_from
from tests.conftest import COMPONENT_PROGRAM, NODE_PACKS, run_cli

BUCKET_URN = "urn:pulumi:test::fixture-app::fixture:storage:Store$aws:s3/bucket:Bucket::store-bucket"


@pytest.fixture(scope="session")
def component_capture():
    project = load_project(COMPONENT_PROGRAM)
    stack = load_stack_config(project, "test")
    return run_program(project.directory, project.main, project.name, "test", stack.values, stack.secret_keys), stack


@pytest.fixture(scope="session")
def js_pack(node_packs):
    with PolicyPack(NODE_PACKS / "basic_js", pack_environment("fixture-app", "test", {}, "preview")) as pack:
        yield pack


def test_a_javascript_pack_is_driven_over_the_analyzer_protocol_and_names_its_version(js_pack, component_capture):
    capture, stack = component_capture
    run = evaluate(js_pack, capture, {}, stack.values)
    assert (run.info.name, run.info.version) == ("fixture-basic-js", "0.2.0")  # package.json's version, as the CLI
    policy = run.info.policy("js-bucket-tagged")
    assert (policy.enforcement_level, policy.severity, policy.resource_types) == ("mandatory", "high",
                                                                                 ["aws:s3/bucket:Bucket"])
    findings = {f.policy: f for f in findings_from(capture, [run])}
    bucket = findings["js-bucket-tagged"]
    assert (bucket.urn, bucket.blocking, bucket.pack, bucket.pack_version) == (BUCKET_URN, True, "fixture-basic-js",
                                                                               "0.2.0")
    assert bucket.detail == "bucket store-bucket has no owner tag" and bucket.source.file == "__main__.py"
    assert "js-stack-has-buckets" not in findings  # the stack policy saw the bucket in AnalyzeStack
    assert coverage(capture, [run]).opaque_packs == ("fixture-basic-js@v0.2.0",)  # js-topic-named names no type


def test_the_javascript_pack_reads_the_policy_config_it_is_given(js_pack, component_capture):
    capture, stack = component_capture
    run = evaluate(js_pack, capture, {"js-bucket-tagged": PolicyConfig("disabled", None)}, stack.values)
    assert run.disabled == ["js-bucket-tagged"]
    assert not any(d.policy == "js-bucket-tagged" for d in run.diagnostics)


def test_a_node_pack_without_its_dependencies_exits_2_with_the_command_that_installs_them(tmp_path, strays):
    pack = tmp_path / "pack"
    shutil.copytree(NODE_PACKS / "basic_js", pack)
    report = tmp_path / "report.json"
    result = run_cli("check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack", str(pack),
                     "--json", "--output", str(report), env=strays.env())
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"preflight: policy pack {pack}: its dependencies are not installed (Node finds no @pulumi/pulumi from it); "
        f"run `npm install --prefix {pack}`"]
    assert not report.exists()


def test_a_pack_runtime_preflight_cannot_start_exits_2_naming_it(tmp_path, strays):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: go\n")
    result = run_cli("check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack", str(tmp_path),
                     env=strays.env())
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (f"preflight: {tmp_path / 'PulumiPolicy.yaml'}: runtime 'go' is not one "
                                     "preflight starts; allowed: python, nodejs")


def test_awsguard_from_npm_and_ours_run_side_by_side_offline_on_both_stacks(node_packs, strays):
    result = run_cli("check", "--all-stacks", "--policy-pack", "policies", "--policy-pack",
                     str(node_packs / "awsguard"), "--json", env=strays.env(), timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout)
    assert [s["stack"] for s in data["stacks"]] == ["dev", "prod"]
    for stack in data["stacks"]:
        assert {p["name"]: (p["version"], p["policies"]) for p in stack["packs"]}["pulumi-awsguard"] == ("0.3.1", 26)
        theirs = {(f["policy"], f["resourceName"]) for f in stack["findings"] if f["pack"] == "pulumi-awsguard"}
        assert all(f["packVersion"] == "0.3.1" for f in stack["findings"] if f["pack"] == "pulumi-awsguard")
        # AWSGuard reads logging from the bucket's own inputs; the baseline configures it as its own resource.
        assert ("s3-bucket-logging-enabled", f"soc2-{stack['stack']}-data-bucket") in theirs
        assert stack["coverage"]["opaquePacks"] == ["pulumi-awsguard@v0.3.1"]  # it names no types it examines
    dev, prod = ({f["policy"] for f in s["findings"] if f["pack"] == "pulumi-awsguard"} for s in data["stacks"])
    assert "rds-instance-multi-az-enabled" in dev - prod  # prod's database is Multi-AZ
