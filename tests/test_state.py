"""`analyze-state`: the same packs over a `pulumi stack export`, with secrets kept secret."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from preflight import properties as props
from preflight.project import PreflightInputError
from preflight.state import analyze_state, load_export
from tests.conftest import FIXTURES, run_cli

EXPORT = FIXTURES / "state" / "prod-export.json"


def test_the_export_loads_with_inputs_outputs_and_secrets_still_secret():
    capture = load_export(EXPORT)
    assert (capture.project, capture.stack, capture.mode) == ("soc2-baseline", "prod", "state")
    assert len(capture.records) == 270
    records = capture.by_urn()
    pager = next(r for r in capture.records if r.name == "soc2-prod-monitoring-pager")
    assert props.is_secret(pager.inputs["endpoint"]) and pager.inputs["endpoint"]["value"] == props.REDACTED
    waf = next(r for r in capture.records if r.type == "aws:wafv2/webAcl:WebAcl")
    assert "lockToken" in waf.outputs and "lockToken" not in waf.inputs
    database = next(r for r in capture.records if r.type == "aws:rds/instance:Instance")
    assert database.protect and database.parent in records and database.provider.startswith("urn:pulumi:prod::")


def test_deployed_state_is_checked_with_the_same_verdict_as_the_program():
    result = analyze_state(EXPORT, [], [])
    assert result.exit_code == 0 and result.counts()["resourcesChecked"] == 270
    assert [(f.policy, f.kind) for f in result.findings] == [("github-organization-two-factor-required", "not-evaluated")]


def test_the_cli_gives_the_same_outputs_and_never_writes_a_secret(tmp_path):
    out = tmp_path / "state.json"
    result = run_cli("analyze-state", str(EXPORT), "--format", "json", "--output", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["mode"] == "state" and data["summary"]["resourcesChecked"] == 270
    assert "ciphertext" not in out.read_text() and "v1:" not in out.read_text()


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a stack export: invalid JSON"),
    ('{"version": 2, "deployment": {"resources": []}}', "stack export version 2 is not supported; preflight reads version 3"),
    ('{"version": 3}', "not a stack export: no `deployment`"),
    ('{"version": 3, "deployment": {"resources": {}}}', "deployment.resources must be a list"),
    ('{"version": 3, "deployment": {"resources": [{"type": "aws:s3/bucket:Bucket"}]}}',
     "deployment.resources[0] is not a resource"),
    ('{"version": 3, "deployment": {"resources": []}}', "the export holds no resources"),
])
def test_a_malformed_or_unsupported_export_is_refused_clearly(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(PreflightInputError) as caught:
        load_export(path)
    assert message in str(caught.value)


def test_the_cli_exits_2_for_a_bad_export_and_writes_nothing(tmp_path):
    bad = tmp_path / "export.json"
    bad.write_text('{"version": 1, "deployment": {}}')
    result = run_cli("analyze-state", str(bad), "--output", str(tmp_path / "out.sarif"), "--format", "sarif")
    assert result.returncode == 2 and "version 1 is not supported" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


BUCKET = {"urn": "urn:pulumi:prod::app::aws:s3/bucket:Bucket::logs", "type": "aws:s3/bucket:Bucket", "custom": True}


def export_of(tmp_path: Path, *resources) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": list(resources)}}))
    return path


def test_a_urn_held_twice_is_refused_naming_both_indexes(tmp_path):
    other = {**BUCKET, "urn": BUCKET["urn"] + "-2"}
    with pytest.raises(PreflightInputError) as caught:
        load_export(export_of(tmp_path, BUCKET, other, {**BUCKET, "id": "logs-again"}))
    assert str(caught.value) == (f"{tmp_path / 'export.json'}: Duplicate resource URN '{BUCKET['urn']}' in "
                                 "deployment.resources[0] and [2]; an export holds each live resource once")


def test_a_resource_pending_deletion_may_share_its_urn_with_its_replacement(tmp_path):
    capture = load_export(export_of(tmp_path, {**BUCKET, "delete": True, "id": "old"}, {**BUCKET, "id": "new"}))
    assert [r.id for r in capture.records] == ["new"]


@pytest.mark.parametrize("change, message", [
    ({"inputs": [1, 2]}, "deployment.resources[0].inputs: input should be a valid dictionary (got a list)"),
    ({"outputs": "none"}, "deployment.resources[0].outputs: input should be a valid dictionary (got 'none')"),
    ({"dependencies": "urn:pulumi:a::b::c::d"},
     "deployment.resources[0].dependencies: input should be a valid list (got 'urn:pulumi:a::b::c::d')"),
    ({"dependencies": ["urn:pulumi:a::b::c::d", 7]},
     "deployment.resources[0].dependencies[1]: input should be a valid string (got 7)"),
    ({"propertyDependencies": {"bucket": "urn:pulumi:a::b::c::d"}},
     "deployment.resources[0].propertyDependencies.bucket: input should be a valid list"),
    ({"protect": "true"}, "deployment.resources[0].protect: input should be a valid boolean (got 'true')"),
    ({"customTimeouts": {"create": "5m"}},
     "deployment.resources[0].customTimeouts.create: input should be a valid number (got '5m')"),
    ({"urn": "arn:aws:s3:::logs"}, "deployment.resources[0].urn: not a URN"),
    ({"id": 12}, "deployment.resources[0].id: input should be a valid string (got 12)"),
    ({"inputs": {"size": 10 ** 400}}, "deployment.resources[0].inputs: cannot be sent to a policy pack"),
])
def test_a_resource_of_the_wrong_shape_is_refused_with_its_index_and_what_is_wrong(tmp_path, change, message):
    with pytest.raises(PreflightInputError) as caught:
        load_export(export_of(tmp_path, {**BUCKET, **change}))
    assert str(caught.value).startswith(f"{tmp_path / 'export.json'}: {message}")


def test_a_resource_that_is_not_an_object_is_refused(tmp_path):
    with pytest.raises(PreflightInputError) as caught:
        load_export(export_of(tmp_path, BUCKET, ["urn:pulumi:prod::app::x::y"]))
    assert str(caught.value).endswith("deployment.resources[1] is not a resource: a list, not an object with "
                                      "`urn` and `type`")


def test_state_custom_timeouts_in_seconds_reach_the_pack_as_seconds(tmp_path):
    from preflight.analyzer import _options

    capture = load_export(export_of(tmp_path, {**BUCKET, "customTimeouts": {"create": 300, "delete": 90.5}}))
    timeouts = _options(capture.records[0]).customTimeouts
    assert (timeouts.create, timeouts.update, timeouts.delete) == (300.0, 0.0, 90.5)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8)
FIELDS = ["urn", "type", "custom", "delete", "id", "parent", "provider", "inputs", "outputs", "dependencies",
          "propertyDependencies", "protect", "ignoreChanges", "additionalSecretOutputs", "aliases", "customTimeouts",
          "retainOnDelete", "deletedWith"]


@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON, min_size=1, max_size=3))
def test_any_shape_of_resource_loads_and_can_be_sent_to_a_pack_or_is_refused_clearly(changes):
    from preflight.analyzer import _analyze_request, _stack_resource

    with tempfile.TemporaryDirectory() as directory:
        path = export_of(Path(directory), {**BUCKET, **changes})
        try:
            capture = load_export(path)
        except PreflightInputError as err:
            assert str(err).startswith(f"{path}: ") and "\n" not in str(err)
            return
    by_urn = capture.by_urn()
    for record in capture.records:
        _analyze_request(record, by_urn)
        _stack_resource(record, by_urn)


def test_an_export_nested_too_deeply_to_parse_is_refused(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('{"version": 3, "deployment": {"resources": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    with pytest.raises(PreflightInputError) as caught:
        load_export(path)
    assert str(caught.value) == f"{path}: not a stack export: nested too deeply to be one"
