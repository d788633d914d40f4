"""`analyze-state`: the same packs over a `pulumi stack export`, with secrets kept secret."""

from __future__ import annotations

import json

import pytest

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
