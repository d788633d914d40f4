"""`check` drives a real policy pack over the Analyzer protocol and joins the verdict."""

from __future__ import annotations

import json

import pytest

from preflight.analyzer import PackStartError, PolicyPack
from preflight.capture import ProgramError
from preflight.check import CheckOptions, check, evaluate
from preflight.policy_config import PolicyConfig, PolicyConfigError, load_config_file
from preflight.project import load_project, load_stack_config
from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, FIXTURES, REPO, source_line

BUCKET_URN = "urn:pulumi:test::fixture-app::fixture:storage:Store$aws:s3/bucket:Bucket::store-bucket"


def run(config: dict | None = None, tmp_path=None):
    configs = []
    if config is not None:
        path = tmp_path / "policy-config.json"
        path.write_text(json.dumps(config))
        configs = [path]
    return check(CheckOptions(COMPONENT_PROGRAM, "test", [BASIC_PACK], configs))


def by_policy(result):
    return {f.policy: f for f in result.findings}


def test_defaults_pass_with_advisory_findings_only(tmp_path):
    result = run(tmp_path=tmp_path)
    findings = by_policy(result)
    assert result.exit_code == 0
    assert findings["topic-encrypted"].enforcement_level == "advisory"
    assert findings["topic-encrypted"].kind == "violation"
    assert "bucket-tagged" not in findings  # the schema default "audit" matches the program's tag
    assert result.counts()["resourcesChecked"] == 8
    assert result.packs[0].config["bucket-tagged"].properties == {"tag": "audit"}


def test_a_mandatory_violation_fails_with_its_resource_and_source_line(tmp_path):
    result = run({"bucket-tagged": {"tag": "data"}}, tmp_path)
    finding = by_policy(result)["bucket-tagged"]
    assert result.exit_code == 1
    assert finding.blocking and finding.severity == "high"
    assert finding.urn == BUCKET_URN
    assert finding.detail == "purpose tag is not 'data'"
    assert finding.source.line == source_line(COMPONENT_PROGRAM / "__main__.py", "self.bucket = aws.s3.Bucket(")


def test_all_sets_every_enforcement_level_and_a_policy_entry_overrides_it(tmp_path):
    result = run({"all": "mandatory", "topic-encrypted": "advisory"}, tmp_path)
    levels = {name: c.enforcement_level for name, c in result.packs[0].config.items()}
    assert levels["encryption-key-known"] == "mandatory" and levels["topic-encrypted"] == "advisory"
    assert result.exit_code == 0


def test_a_policy_that_reads_an_unknown_value_is_reported_as_not_evaluated(tmp_path):
    finding = by_policy(run(tmp_path=tmp_path))["encryption-key-known"]
    assert finding.kind == "not-evaluated" and finding.enforcement_level == "advisory"
    assert finding.detail.startswith("can't run policy 'encryption-key-known' from policy pack")
    assert "during preview" in finding.detail


def test_the_stack_policy_sees_parents_and_property_dependencies(tmp_path):
    assert "keys-have-dependents" not in by_policy(run(tmp_path=tmp_path))


@pytest.mark.parametrize("config, expected", [
    ({"bucket-tagged": {"tag": "nope"}}, "bucket-tagged: tag: 'nope' is not one of ['audit', 'data']"),
    ({"bucket-tagged": {"tag": 7}}, "bucket-tagged: tag: 7 is not of type 'string'"),
    ({"bucket-tagged": {"tga": "audit"}}, "bucket-tagged: tga: unknown config key; allowed: tag"),
    ({"bucket-taged": "mandatory"}, "bucket-taged: no such policy in this pack"),
])
def test_invalid_policy_config_names_the_policy_and_the_key(config, expected, tmp_path):
    with pytest.raises(PolicyConfigError) as caught:
        run(config, tmp_path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("validating policy config: fixture-basic 0.3.0")


@pytest.mark.parametrize("text, expected", [
    ('{"bucket-tagged": "strict"}', "'strict' is not a valid enforcement level"),
    ('{"bucket-tagged": 3}', "3 is not a valid value; must be a string or object"),
    ("[1, 2]", "must be a JSON object"),
    ("{not json", "not valid JSON"),
])
def test_malformed_config_files_are_refused_before_anything_runs(text, expected, tmp_path):
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(Exception) as caught:
        load_config_file(path)
    assert expected in str(caught.value)


def test_the_pack_process_is_shut_down_when_the_program_fails(monkeypatch):
    started: list[PolicyPack] = []
    original = PolicyPack.start

    def remember(self):
        started.append(self)
        original(self)

    monkeypatch.setattr(PolicyPack, "start", remember)
    with pytest.raises(ProgramError):
        check(CheckOptions(FIXTURES / "failing_program", "test", [BASIC_PACK]))
    assert len(started) == 1 and started[0].process.poll() is not None


def test_a_pack_that_does_not_start_reports_its_stderr():
    with pytest.raises(PackStartError) as caught:
        check(CheckOptions(COMPONENT_PROGRAM, "test", [FIXTURES / "packs" / "broken"]))
    assert "did not start" in str(caught.value)
    assert "broken pack: missing policy module soc2_extras" in str(caught.value)


def test_the_shared_pack_process_can_be_reconfigured_between_checks(basic_pack):
    from preflight.capture import run_program

    project = load_project(COMPONENT_PROGRAM)
    stack = load_stack_config(project, "test")
    capture = run_program(project.directory, project.main, project.name, "test", stack.values, stack.secret_keys)
    strict = evaluate(basic_pack, capture, {"bucket-tagged": PolicyConfig(None, {"tag": "data"})}, stack.values)
    relaxed = evaluate(basic_pack, capture, {}, stack.values)
    assert any(d.policy == "bucket-tagged" for d in strict.diagnostics)
    assert not any(d.policy == "bucket-tagged" for d in relaxed.diagnostics)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_analyzing_while_the_program_runs_gives_the_verdict_of_analyzing_afterwards(stack):
    streamed = check(CheckOptions(REPO, stack))
    project = load_project(REPO)
    config = load_stack_config(project, stack)
    with PolicyPack(REPO / "policies") as pack:
        batch = evaluate(pack, streamed.capture, {}, config.values, config.secret_keys)
    [run] = streamed.packs
    assert run.diagnostics == batch.diagnostics and run.not_applicable == batch.not_applicable
    assert run.config == batch.config and len(run.diagnostics) > 0
