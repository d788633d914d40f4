"""The mock-monitor capture records what the engine would receive."""

from __future__ import annotations

import pytest

from preflight import properties as props
from preflight.capture import ProgramError, run_program
from preflight.project import load_project, load_stack_config
from tests.conftest import COMPONENT_PROGRAM, FIXTURES, source_line

PREFIX = "urn:pulumi:test::fixture-app::"
STORE = PREFIX + "fixture:storage:Store::store"
BUCKET = PREFIX + "fixture:storage:Store$aws:s3/bucket:Bucket::store-bucket"
KEY = PREFIX + "fixture:storage:Store$aws:kms/key:Key::store-key"
ENCRYPTION = (PREFIX + "fixture:storage:Store$aws:s3/bucketServerSideEncryptionConfiguration:"
              "BucketServerSideEncryptionConfiguration::store-encryption")
TOPIC = PREFIX + "aws:sns/topic:Topic::alerts"
STACK = PREFIX + "pulumi:pulumi:Stack::fixture-app-test"


def capture(mode: str = "preview"):
    project = load_project(COMPONENT_PROGRAM)
    stack = load_stack_config(project, "test")
    return run_program(project.directory, project.main, project.name, "test", stack.values, stack.secret_keys, mode)


@pytest.fixture(scope="module")
def preview():
    return capture().by_urn()


def test_urns_follow_the_parent_type_chain_without_the_stack_prefix(preview):
    assert {STACK, STORE, BUCKET, KEY, ENCRYPTION, TOPIC} <= set(preview)
    assert not any("pulumi:pulumi:Stack$" in urn for urn in preview)


def test_parents_are_recorded(preview):
    assert preview[BUCKET].parent == STORE
    assert preview[STORE].parent == STACK
    assert preview[TOPIC].parent == STACK
    assert preview[STACK].parent == ""


def test_dependencies_and_property_dependencies_are_recorded(preview):
    encryption = preview[ENCRYPTION]
    assert set(encryption.dependencies) == {BUCKET, KEY}
    assert encryption.property_dependencies == {"rules": [KEY], "bucket": [BUCKET]}
    assert preview[TOPIC].dependencies == [KEY]


def test_options_are_recorded(preview):
    assert preview[BUCKET].protect is True
    assert preview[KEY].protect is False


def test_source_lines_point_at_the_line_where_the_constructor_call_starts(preview):
    main = COMPONENT_PROGRAM / "__main__.py"
    assert str(preview[BUCKET].source) == f"__main__.py:{source_line(main, 'self.bucket = aws.s3.Bucket(')}"
    assert str(preview[ENCRYPTION].source) == f"__main__.py:{source_line(main, 'BucketServerSideEncryptionConfiguration(')}"
    assert str(preview[STORE].source) == f"__main__.py:{source_line(main, 'store = Store(')}"
    assert preview[STACK].source is None


def test_preview_inputs_keep_unknowns_and_secrets_as_the_engine_encodes_them(preview):
    encryption = preview[ENCRYPTION].inputs
    assert encryption["bucket"] == props.UNKNOWN
    assert encryption["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == props.UNKNOWN
    token = preview[PREFIX + "aws:ssm/parameter:Parameter::token"]
    assert props.is_secret(token.inputs["value"])
    assert token.to_json()["inputs"]["value"] == props.REDACTED


def test_preview_computed_outputs_are_unknown_and_ids_empty(preview):
    assert preview[BUCKET].id == ""
    assert "arn" not in preview[KEY].outputs


def test_resources_without_a_provider_get_the_default_provider_with_stack_config(preview):
    provider = next(r for r in preview.values() if r.type == "pulumi:providers:aws")
    assert provider.name.startswith("default_7_")
    assert provider.inputs["region"] == "eu-west-1"
    assert preview[BUCKET].provider_urn == provider.urn
    assert preview[STORE].provider == ""


def test_stack_outputs_are_recorded_with_secrets(preview):
    result = capture()
    assert result.stack_outputs["bucket"] == props.UNKNOWN
    assert props.is_secret(result.stack_outputs["token"])


def test_resolved_mode_synthesizes_ids_and_arns():
    resolved = capture("resolved").by_urn()
    assert resolved[BUCKET].id.startswith("store-bucket-")
    key_arn = resolved[KEY].outputs["arn"]
    assert key_arn.startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    rule = resolved[ENCRYPTION].inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule["kmsMasterKeyId"] == key_arn
    assert resolved[ENCRYPTION].inputs["bucket"] == resolved[BUCKET].id


def test_a_program_exception_carries_the_tail_of_its_own_traceback():
    project = load_project(FIXTURES / "failing_program")
    with pytest.raises(ProgramError) as caught:
        run_program(project.directory, project.main, project.name, "test", {}, frozenset())
    error = caught.value
    assert "ValueError: cannot size bucket" in str(error)
    assert "helpers.py" in error.tail and "__main__.py" in error.tail
    assert "preflight/capture.py" not in error.tail
    assert any(u.endswith("::registered-before-the-error") for u in error.registered)


def test_each_resource_is_handed_over_as_it_registers_with_its_provider_already_recorded():
    project = load_project(COMPONENT_PROGRAM)
    stack = load_stack_config(project, "test")
    seen: list[str] = []

    def on_record(record, by_urn):
        assert record.urn in by_urn
        if record.custom and not record.type.startswith("pulumi:providers:"):
            assert record.provider_urn in by_urn, record.urn
        seen.append(record.urn)

    result = run_program(project.directory, project.main, project.name, "test", stack.values, stack.secret_keys,
                         on_record=on_record)
    assert len(seen) == len(set(seen))
    # Every resource but the default providers, which the monitor creates itself.
    assert set(seen) == {r.urn for r in result.records if not r.type.startswith("pulumi:providers:")}


DUPLICATE_PROGRAM = FIXTURES / "duplicate_program"
WEB_GROUP = "urn:pulumi:test::duplicate-app::aws:ec2/securityGroup:SecurityGroup::web"


def test_a_second_registration_of_a_urn_stops_the_program_naming_both_lines():
    project = load_project(DUPLICATE_PROGRAM)
    with pytest.raises(ProgramError) as caught:
        run_program(project.directory, project.main, project.name, "test", {"aws:region": "eu-west-1"})
    main = DUPLICATE_PROGRAM / "__main__.py"
    https, rdp = source_line(main, "HTTPS from the office"), source_line(main, "Remote desktop")
    assert str(caught.value) == (f"Duplicate resource URN '{WEB_GROUP}'; try giving it a unique name "
                                 f"(constructed at __main__.py:{https} and at __main__.py:{rdp})")
    assert WEB_GROUP in caught.value.registered and caught.value.tail == ""


def test_reading_a_resource_under_a_urn_already_registered_is_a_duplicate_too():
    import pulumi_aws as aws

    def program():
        aws.s3.Bucket("data")
        aws.s3.Bucket.get("data", "data-bucket-id")

    with pytest.raises(ProgramError) as caught:
        run_program(FIXTURES, program, "reader", "test", {"aws:region": "eu-west-1"})
    assert str(caught.value).startswith(
        "Duplicate resource URN 'urn:pulumi:test::reader::aws:s3/bucket:Bucket::data'; try giving it a unique name")


def test_a_failure_in_preflights_own_monitor_code_is_not_reported_as_the_programs(monkeypatch):
    from preflight.capture import RecordingMonitor

    def broken(self, record):
        raise KeyError("synthetic outputs")

    monkeypatch.setattr(RecordingMonitor, "_answer", broken)
    project = load_project(COMPONENT_PROGRAM)
    with pytest.raises(KeyError, match="synthetic outputs"):
        run_program(project.directory, project.main, project.name, "test", {}, frozenset())


def test_sys_exit_in_the_program_is_reported_as_such():
    import sys

    with pytest.raises(ProgramError) as caught:
        run_program(FIXTURES, lambda: sys.exit(4), "exiter", "test", {})
    assert str(caught.value) == "it called sys.exit(4) before it finished"
