"""Every report format, on both stacks and on a deliberately non-compliant program."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
from jsonschema import Draft4Validator
from junitparser import Failure, JUnitXml, Skipped

from preflight.check import CheckOptions, check
from preflight.junit import render_junit
from preflight.report_document import render_html, render_markdown
from preflight.report_json import report_data
from preflight.report_text import render_text
from preflight.sarif import render_sarif
from tests.conftest import FIXTURES, REPO, run_cli, source_line

SCHEMA = json.loads((REPO / "preflight" / "data" / "sarif-schema-2.1.0.json").read_text())
NONCOMPLIANT = FIXTURES / "noncompliant_program"
MAIN = NONCOMPLIANT / "__main__.py"


@pytest.fixture(scope="module")
def results():
    return {"dev": check(CheckOptions(REPO, "dev")), "prod": check(CheckOptions(REPO, "prod")),
            "shortcuts": check(CheckOptions(NONCOMPLIANT, "test"))}


def lines_of(policy: str, result) -> set[int]:
    return {f.source.line for f in result.findings if f.policy == policy and f.source}


def test_the_non_compliant_program_fails_with_findings_at_the_lines_that_built_them(results):
    shortcuts = results["shortcuts"]
    assert shortcuts.exit_code == 1
    assert lines_of("rds-instance-storage-encrypted", shortcuts) == {source_line(MAIN, 'database = aws.rds.Instance(')}
    assert lines_of("ec2-securitygroup-no-public-admin-ports", shortcuts) == {source_line(MAIN, "ssh = aws.ec2.SecurityGroup(")}
    assert lines_of("s3-bucketpolicy-no-public-access", shortcuts) == {source_line(MAIN, 'website = aws.s3.BucketPolicy(')}
    assert lines_of("kms-key-rotation-enabled", shortcuts) == {source_line(MAIN, "key = aws.kms.Key(")}


@pytest.mark.parametrize("name", ["dev", "prod", "shortcuts"])
def test_sarif_is_valid_and_points_at_the_constructing_line(results, name):
    result = results[name]
    document = json.loads(render_sarif(result))
    Draft4Validator(SCHEMA).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == sum(len(r.info.policies) for r in result.packs)
    assert all("soc2" in r["properties"]["tags"] and r["help"]["text"] for r in rules)
    assert len(run["results"]) == len(result.findings)
    if name == "shortcuts":
        encrypted = next(r for r in run["results"] if r["ruleId"] == "rds-instance-storage-encrypted")
        region = encrypted["locations"][0]["physicalLocation"]
        assert region["artifactLocation"]["uri"] == "tests/fixtures/noncompliant_program/__main__.py"
        assert region["region"]["startLine"] == source_line(MAIN, "database = aws.rds.Instance(")
        assert encrypted["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("::orders-db")
        assert encrypted["level"] == "error" and encrypted["kind"] == "fail"
    else:
        two_factor = run["results"][0]
        assert two_factor["kind"] == "open" and two_factor["level"] == "none"


@pytest.mark.parametrize("name", ["dev", "prod", "shortcuts"])
def test_junit_parses_with_a_real_parser_and_counts_add_up(results, name, tmp_path):
    result = results[name]
    path = tmp_path / "results.xml"
    path.write_text(render_junit(result))
    suites = list(JUnitXml.fromfile(str(path)))
    coverage = [case for suite in suites if suite.name.startswith("coverage") for case in suite]
    cases = [case for suite in suites if not suite.name.startswith("coverage") for case in suite]
    failures = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    skipped = [c for c in cases if any(isinstance(r, Skipped) for r in c.result)]
    violating = {(f.policy, f.urn) for f in result.findings if f.kind == "violation"}
    assert len(failures) == len(violating) and (name == "shortcuts") == bool(failures)
    assert len(skipped) == sum(1 for f in result.findings if f.kind != "violation")
    assert len(cases) > len(result.capture.records)  # one per policy and resource examined
    # One skipped case per type no policy examined.
    assert [c.classname for c in coverage] == [u.type for u in result.coverage.unexamined]
    assert all(isinstance(c.result[0], Skipped) for c in coverage)


def test_junit_failures_carry_the_message_and_source_line(results, tmp_path):
    root = ElementTree.fromstring(render_junit(results["shortcuts"]).split("\n", 1)[1])
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("rds-instance-storage-encrypted ["))
    assert case.get("file") == "__main__.py" and int(case.get("line")) == source_line(MAIN, "database = aws.rds.Instance(")
    assert case.find("failure").get("message").startswith("[mandatory] storage is unencrypted")


@pytest.mark.parametrize("name", ["dev", "shortcuts"])
def test_text_json_markdown_and_html_show_the_same_source_lines(results, name):
    result = results[name]
    sources = {str(f.source) for f in result.findings if f.source}
    text, markdown, html = render_text(result), render_markdown(result), render_html(result)
    data = report_data(result)
    json_sources = {f"{f['source']['file']}:{f['source']['line']}" for f in data["findings"] if f["source"]}
    assert json_sources == sources
    for source in sources:
        assert f"at {source}" in text and f"`{source}`" in markdown and f"<code>{source}</code>" in html
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "http" not in html.split("<body>")[0]


def test_output_is_written_whole_and_a_bad_path_exits_2_without_writing(tmp_path):
    target = tmp_path / "report.sarif"
    ok = run_cli("check", "--stack", "test", "--program", str(NONCOMPLIANT), "--format", "sarif", "--output", str(target))
    assert ok.returncode == 1 and json.loads(target.read_text())["version"] == "2.1.0"
    assert ok.stdout == "" and ok.stderr.startswith("FAIL: 17 mandatory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]  # no temporary file left behind
    for bad, reason in ((tmp_path / "missing" / "r.json", "does not exist"), (tmp_path, "is a directory")):
        failed = run_cli("check", "--stack", "test", "--program", str(NONCOMPLIANT), "--json", "--output", str(bad))
        assert failed.returncode == 2 and reason in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]


def test_a_failed_check_leaves_an_earlier_report_untouched(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("earlier report\n")
    failed = run_cli("check", "--stack", "test", "--program", str(FIXTURES / "failing_program"), "--json",
                     "--output", str(target))
    assert failed.returncode == 2 and target.read_text() == "earlier report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
