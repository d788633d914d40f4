"""Every report says what no policy examined: the types, with counts, and the summary line; the
evidence bundle and the control matrix count them; --require-coverage fails on them."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pytest
from junitparser import JUnitXml, Skipped

from preflight.check import evaluate
from preflight.junit import render_junit
from preflight.matrix import matrix_document
from preflight.policy_config import parse_config
from preflight.report_document import render_html, render_markdown
from preflight.report_json import report_data
from preflight.report_text import render_text, summary_line
from preflight.results import CheckResult, findings_from
from preflight.sarif import render_sarif
from tests.conftest import run_cli
from tests.policies.harness import STACK, capture

# Two types no policy of the SOC 2 pack looks at, next to one it does.
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
GATEWAY = "aws:ec2/internetGateway:InternetGateway"


def program() -> None:
    aws.cloudwatch.Dashboard("ops", dashboard_name="ops", dashboard_body="{}")
    aws.cloudwatch.Dashboard("billing", dashboard_name="billing", dashboard_body="{}")
    aws.ec2.InternetGateway("edge", vpc_id="vpc-123")
    key = aws.kms.Key("data", enable_key_rotation=True, policy="{}")
    aws.kms.Alias("data", name="alias/data", target_key_id=key.key_id)


@pytest.fixture(scope="module")
def checked(soc2_pack):
    result = capture(program)
    run = evaluate(soc2_pack, result, parse_config({"all": "advisory"}), STACK.values)  # only coverage can fail
    return lambda require=False: CheckResult(result, [run], findings_from(result, [run]), require_coverage=require)


def test_the_summary_line_counts_resources_and_types_not_examined(checked):
    result = checked()
    assert [(u.type, u.count) for u in result.coverage.unexamined] == [(DASHBOARD, 2), (GATEWAY, 1)]
    assert summary_line(result).endswith("; 3 resources of 2 types not examined")


def test_every_format_names_each_type_not_examined_with_its_count(checked):
    result = checked()
    text, markdown, html = render_text(result), render_markdown(result), render_html(result)
    assert f"    {DASHBOARD}  x2" in text and f"    {GATEWAY}  x1" in text
    assert f"| `{DASHBOARD}` | 2 |" in markdown
    assert DASHBOARD in html and "3 resources of 2 types not examined" in html
    data = report_data(result)
    assert data["coverage"]["notExamined"] == [{"type": DASHBOARD, "count": 2}, {"type": GATEWAY, "count": 1}]
    assert (data["summary"]["notExaminedResources"], data["summary"]["notExaminedTypes"]) == (3, 2)
    notes = json.loads(render_sarif(result))["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["properties"]["resourceType"], n["properties"]["count"]) for n in notes] == [
        ("note", DASHBOARD, 2), ("note", GATEWAY, 1)]
    [suite] = [s for s in JUnitXml.fromstring(render_junit(result)) if s.name.startswith("coverage")]
    cases = list(suite)
    assert [c.classname for c in cases] == [DASHBOARD, GATEWAY]
    assert all(isinstance(c.result[0], Skipped) for c in cases)


def test_the_control_matrix_counts_what_was_not_examined(checked):
    text = matrix_document(checked()).markdown()
    assert f"Not examined: 3 resources of 2 types not examined ({DASHBOARD} x2, {GATEWAY} x1)" in text


def test_require_coverage_fails_the_check_on_a_type_no_policy_examined(checked):
    relaxed, strict = checked(), checked(require=True)
    assert relaxed.exit_code == 0 and strict.exit_code == 1
    assert summary_line(strict).startswith("FAIL:") and summary_line(strict).endswith("(--require-coverage)")
    assert "fails the check: --require-coverage" in render_text(strict)
    notes = json.loads(render_sarif(strict))["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["level"] for n in notes} == {"error"}
    [suite] = [s for s in JUnitXml.fromstring(render_junit(strict)) if s.name.startswith("coverage")]
    assert suite.failures == 2


def test_a_pack_that_does_not_say_what_it_examines_is_named(basic_pack):
    result = capture(program)
    run = evaluate(basic_pack, result, parse_config({}), STACK.values)
    checked = CheckResult(result, [run], findings_from(result, [run]))
    assert checked.coverage.opaque_packs == ("fixture-basic@v0.3.0",)
    assert "Packs that do not say which types their policies examine: fixture-basic@v0.3.0" in render_text(checked)
    # Nothing it examines is known, so every cloud resource is listed.
    assert checked.coverage.resources == 5


def test_components_providers_and_the_stack_are_never_counted(checked):
    types = {u.type for u in checked().coverage.unexamined}
    assert not any(t.startswith(("pulumi:", "soc2:")) for t in types)


def test_a_type_only_a_stack_policy_examines_counts_as_examined(checked):
    # Only kms-key-has-alias reads aliases (examines: aws:kms/alias:Alias); no resource policy does.
    assert "aws:kms/alias:Alias" not in {u.type for u in checked().coverage.unexamined}


def test_the_command_line_fails_on_an_unexamined_type_only_with_require_coverage(strays):
    relaxed = run_cli("check", "--stack", "dev", env=strays.env())
    strict = run_cli("check", "--stack", "dev", "--require-coverage", "--json", env=strays.env())
    assert relaxed.returncode == 0 and "types not examined" in relaxed.stdout.splitlines()[-1]
    assert strict.returncode == 1
    data = json.loads(strict.stdout)
    assert data["verdict"] == "fail" and data["coverage"]["required"] is True
    assert data["summary"]["mandatory"] == 0 and data["summary"]["notExaminedTypes"] > 0
