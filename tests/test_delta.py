"""Only what a change introduces: findings matched with a baseline report or a git ref by policy, URN and a
stable fingerprint of the message, in every format, and `--fail-on new`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pytest

from preflight.baseline import apply
from preflight.check import CheckOptions
from preflight.delta import compare, fingerprint
from preflight.junit import render_junit
from preflight.redaction import Redactor
from preflight.report_document import render_markdown
from preflight.report_json import render_json
from preflight.report_text import render_text
from preflight.results import Finding
from preflight.sarif import render_sarif
from preflight.stacks import check_stacks
from tests.conftest import BASIC_PACK, COMPONENT_PROGRAM, run_cli

URN = "urn:pulumi:dev::app::aws:s3/bucket:Bucket::logs"


def finding(policy: str = "bucket-tagged", detail: str = "no tag", urn: str = URN, level: str = "mandatory") -> Finding:
    return Finding(policy, "pack", "1.0.0", level, "high", "Buckets are tagged.", detail, urn, "aws:s3/bucket:Bucket",
                   "logs", None, "violation")


def test_the_fingerprint_ignores_the_stack_whitespace_and_secret_values_but_not_the_policy_or_message():
    base = fingerprint("bucket-tagged", URN, "tag  is\nmissing on urn:pulumi:dev::app::x::y")
    assert base == fingerprint("bucket-tagged", URN.replace(":dev::", ":prod::"),
                               "tag is missing on urn:pulumi:prod::app::x::y")
    assert base != fingerprint("bucket-encrypted", URN, "tag is missing on urn:pulumi:dev::app::x::y")
    assert base != fingerprint("bucket-tagged", URN, "tag is wrong on urn:pulumi:dev::app::x::y")
    # Computed from the redacted message: the same whatever the secret, and not a hash anyone can test values on.
    first = fingerprint("p", URN, Redactor({"hunter2-old"}).text("password hunter2-old in user data"))
    assert first == fingerprint("p", URN, Redactor({"s3cr3t-new"}).text("password s3cr3t-new in user data"))
    assert first == fingerprint("p", URN, "password [secret] in user data")


def test_findings_are_compared_as_a_multiset():
    same, other = finding(), finding(detail="tag is wrong")
    now = [same, replace(same), other]
    baseline = [{"policy": "bucket-tagged", "urn": URN, "message": "no tag"},
                {"policy": "gone", "urn": "", "message": "stack policy"}]
    delta = compare(now, baseline, "before.json")
    assert (delta.unchanged, delta.fixed) == (1, [baseline[1]])
    assert delta.new == now[1:] and not delta.is_new(now[0]) and delta.is_new(other)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The component program checked once, with a baseline that lacks one finding and has one since fixed."""
    results = check_stacks(CheckOptions(COMPONENT_PROGRAM, "", [BASIC_PACK]), ["test"])
    [result] = results
    report = json.loads(render_json(result))
    kept = [f for f in report["findings"] if f["policy"] != "topic-encrypted"]
    fixed = {"policy": "bucket-versioned", "urn": report["findings"][0]["urn"], "message": "no versioning",
             "pack": "fixture-basic", "packVersion": "0.2.0", "resourceType": "aws:s3/bucket:Bucket",
             "resourceName": "store-bucket"}
    baseline = tmp_path_factory.mktemp("baseline") / "before.json"
    baseline.write_text(json.dumps({**report, "findings": kept + [fixed]}))
    apply(results, (str(baseline), {"test": kept + [fixed]}))
    return result, baseline


def test_every_format_leads_with_what_is_new_and_says_what_was_fixed(checked):
    result, baseline = checked
    assert [f.policy for f in result.delta.new] == ["topic-encrypted"] and result.delta.unchanged == 1
    data = json.loads(render_json(result))
    assert [f["policy"] for f in data["delta"]["new"]] == ["topic-encrypted"]
    assert [f["policy"] for f in data["delta"]["fixed"]] == ["bucket-versioned"] and data["delta"]["unchanged"] == 1
    assert {f["policy"]: f["baselineState"] for f in data["findings"]} == {"topic-encrypted": "new",
                                                                          "encryption-key-known": "unchanged"}
    text = render_text(result)
    assert text.index(f"New since {baseline} (1):") < text.index("topic-encrypted") < text.index("Policy violations:")
    assert f"Fixed since {baseline} (1):\n    bucket-versioned  aws:s3/bucket:Bucket  store-bucket" in text
    assert text.rstrip().endswith(f"1 new (0 mandatory), 1 fixed, 1 unchanged since {baseline}")
    markdown = render_markdown(result)
    assert markdown.index(f"## New since {baseline} (1)") < markdown.index("## Policy packs")
    assert "| advisory | medium | `topic-encrypted` | `fixture-basic` v0.3.0 |" in markdown
    sarif = json.loads(render_sarif(result))["runs"][0]["results"]
    assert {r["ruleId"]: r["baselineState"] for r in sarif} == {"topic-encrypted": "new", "encryption-key-known":
                                                                "unchanged", "bucket-versioned": "absent"}
    states = {case.get("name"): case.find("properties/property").get("value")
              for case in ElementTree.fromstring(render_junit(result).split("?>", 1)[1]).iter("testcase")
              if case.find("properties") is not None}
    assert states == {"topic-encrypted [alerts]": "new", "encryption-key-known [store-encryption]": "unchanged"}


def test_fail_on_new_fails_only_on_a_new_mandatory_violation(tmp_path, strays):
    config = tmp_path / "strict.json"
    config.write_text(json.dumps({"bucket-tagged": {"tag": "data"}}))
    args = ["check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack", str(BASIC_PACK),
            "--policy-pack-config", str(config)]
    before = run_cli(*args, "--json", env=strays.env())
    assert before.returncode == 1
    baseline = tmp_path / "before.json"
    baseline.write_text(before.stdout)
    again = run_cli(*args, "--baseline", str(baseline), "--fail-on", "new", "--json", env=strays.env())
    data = json.loads(again.stdout)
    assert (again.returncode, data["exitCode"], data["failOn"], data["delta"]["new"]) == (0, 0, "new", [])
    assert data["summary"]["mandatory"] == 1  # still reported, as backlog
    emptied = tmp_path / "empty.json"
    emptied.write_text(json.dumps({**json.loads(before.stdout), "findings": []}))
    fails = run_cli(*args, "--baseline", str(emptied), "--fail-on", "new", env=strays.env())
    assert fails.returncode == 1 and "❌ [mandatory]  bucket-tagged" in fails.stdout.split("Policy violations:")[0]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


def test_a_git_ref_is_checked_in_a_temporary_worktree_that_is_removed_afterwards(tmp_path, strays):
    repo = tmp_path / "repo"
    shutil.copytree(COMPONENT_PROGRAM, repo)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "before")
    main = repo / "__main__.py"
    main.write_text(main.read_text() + 'aws.sns.Topic("more-alerts")\n')  # a change: one more unencrypted topic
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = run_cli("check", "--stack", "test", "--program", str(repo), "--policy-pack", str(BASIC_PACK),
                     "--baseline-ref", "HEAD", "--json", env=strays.env(TMPDIR=str(temporary)))
    assert result.returncode == 0, result.stderr
    delta = json.loads(result.stdout)["delta"]
    assert [f["urn"].rsplit("::", 1)[1] for f in delta["new"]] == ["more-alerts"]
    assert delta["baseline"].startswith("HEAD (") and delta["unchanged"] == 2 and delta["fixed"] == []
    assert list(temporary.iterdir()) == []
    assert git(repo, "worktree", "list").count("\n") == 1


def written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda d: written(d / "b.json", '{"schemaVersion": 1}'),
     "{}/b.json: not a preflight JSON report: the top level has no `stack` and `findings`; pass the output of "
     "`preflight check --json`"),
    (lambda d: written(d / "b.json", "[1,"),
     "{}/b.json: not a preflight JSON report: invalid JSON (Expecting value: line 1 column 4 (char 3))"),
    (lambda d: d / "absent.json",
     "{}/absent.json: no such file; --baseline takes a previous `preflight check --json` report"),
])
def test_a_baseline_that_is_not_a_report_exits_2_before_anything_runs(tmp_path, strays, make, message):
    report = tmp_path / "out.json"
    result = run_cli("check", "--stack", "test", "--program", str(COMPONENT_PROGRAM), "--policy-pack",
                     str(BASIC_PACK), "--baseline", str(make(tmp_path)), "--output", str(report), env=strays.env())
    assert (result.returncode, result.stdout, result.stderr.strip()) == (2, "", "preflight: " + message.format(
        tmp_path))
    assert not report.exists()


@pytest.mark.parametrize("args, message", [
    (["--baseline-ref", "no-such-branch"], "preflight: --baseline-ref no-such-branch: not a commit, branch or tag of "
                                           "{repo}"),
    (["--fail-on", "new"], "preflight: --fail-on new needs a baseline: --baseline FILE or --baseline-ref GITREF"),
])
def test_a_bad_git_ref_or_fail_on_new_without_a_baseline_exits_2(tmp_path, strays, args, message):
    repo = tmp_path / "repo"
    shutil.copytree(COMPONENT_PROGRAM, repo)
    git(repo, "init", "-q")
    result = run_cli("check", "--stack", "test", "--program", str(repo), "--policy-pack", str(BASIC_PACK), *args,
                     env=strays.env())
    assert (result.returncode, result.stdout, result.stderr.strip()) == (2, "", message.format(repo=repo))
    assert os.listdir(repo / ".git" / "worktrees") == [] if (repo / ".git" / "worktrees").exists() else True
