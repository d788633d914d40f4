"""`python -m preflight check` as a user runs it: output, exit codes and error messages."""

from __future__ import annotations

import json

from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, FIXTURES, run_cli, source_line

FIXTURE = ["--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack", str(BASIC_PACK)]


def test_advisory_findings_only_exit_0_with_grouped_text_and_a_summary():
    result = run_cli("check", *FIXTURE)
    assert result.returncode == 0, result.stderr
    assert "⚠️  [advisory]  topic-encrypted  (fixture-basic@v0.3.0, severity medium)" in result.stdout
    assert "urn:pulumi:test::fixture-app::aws:sns/topic:Topic::alerts" in result.stdout
    line = source_line(COMPONENT_PROGRAM / "__main__.py", 'topic = aws.sns.Topic(')
    assert f"at __main__.py:{line}" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == (
        "PASS: 0 mandatory, 1 advisory, 0 waived, 1 not evaluated offline; 8 resources checked; "
        "5 resources of 5 types not examined")


def test_a_mandatory_violation_exits_1(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"bucket-tagged": {"tag": "data"}}))
    result = run_cli("check", *FIXTURE, "--policy-pack-config", str(config))
    assert result.returncode == 1
    assert "❌ [mandatory]  bucket-tagged  (fixture-basic@v0.3.0, severity high)" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("FAIL: 1 mandatory")


def test_json_output_counts_the_resources_checked():
    result = run_cli("check", *FIXTURE, "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 0
    assert data["summary"]["resourcesChecked"] == 8
    assert data["verdict"] == "pass" and data["exitCode"] == 0
    assert {f["policy"] for f in data["findings"]} == {"topic-encrypted", "encryption-key-known"}
    assert set(data["timings"]) == {"programSeconds", "packStartSeconds", "evaluationSeconds"}
    assert data["stackOutputs"]["token"] == "[secret]"


def test_a_program_exception_exits_2_with_its_message_and_traceback_tail():
    result = run_cli("check", "--stack", "test", "--program", str(FIXTURES / "failing_program"),
                     "--policy-pack", str(BASIC_PACK))
    assert result.returncode == 2
    assert "the program failed: ValueError: cannot size bucket" in result.stderr
    assert 'helpers.py", line 2, in size_of' in result.stderr
    assert result.stdout == ""


def test_bad_stack_settings_exit_2_naming_the_file_key_value_and_what_is_allowed(baseline_project):
    project = baseline_project({"soc2-baseline:database": {"engine": "postgres", "backupRetentionDays": 3}})
    result = run_cli("check", "--stack", "dev", "--program", str(project))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "preflight: bad stack settings: stacks/Pulumi.dev.yaml: soc2-baseline:database.backupRetentionDays = 3: "
        "input should be greater than or equal to 7; allowed: an integer from 7 to 35 (days)")


def test_invalid_policy_config_exits_2_naming_the_policy_and_key(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"bucket-tagged": {"tag": "nope"}}))
    result = run_cli("check", *FIXTURE, "--policy-pack-config", str(config))
    assert result.returncode == 2
    assert "validating policy config: fixture-basic 0.3.0  bucket-tagged: tag: 'nope' is not one of" in result.stderr


def test_a_pack_that_does_not_start_exits_2_with_its_stderr():
    result = run_cli("check", "--stack", "test", "--program", str(COMPONENT_PROGRAM),
                     "--policy-pack", str(FIXTURES / "packs" / "broken"))
    assert result.returncode == 2
    assert "RuntimeError: broken pack: missing policy module soc2_extras" in result.stderr


def test_bad_paths_and_stacks_exit_2_with_what_exists(tmp_path):
    missing_stack = run_cli("check", "--stack", "qa", "--program", str(COMPONENT_PROGRAM))
    assert missing_stack.returncode == 2
    assert "stacks/Pulumi.qa.yaml: no such stack file; stacks here: test" in missing_stack.stderr
    no_project = run_cli("check", "--stack", "dev", "--program", str(tmp_path))
    assert no_project.returncode == 2 and "no Pulumi.yaml" in no_project.stderr
    not_a_pack = run_cli("check", *FIXTURE[:4], "--policy-pack", str(tmp_path))
    assert not_a_pack.returncode == 2 and "no PulumiPolicy.yaml" in not_a_pack.stderr
    assert list(tmp_path.iterdir()) == []
