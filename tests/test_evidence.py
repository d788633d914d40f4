"""The evidence bundle: every file in one run, access review across commits, honest SOC 2 matrix."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest

from preflight.access_review import grants, read_roster
from preflight.check import CheckOptions, check
from preflight.evidence import EvidenceOptions, evidence
from preflight.matrix import control_matrix
from preflight.project import PreflightInputError
from preflight.soc2 import CRITERIA, SCOPE, STATUSES
from tests.conftest import FIXTURES, REPO, run_cli

BUNDLE = {"README.md", "evidence.html", "results.md", "results.json", "results.sarif", "results.junit.xml", "soc2-matrix.md", "soc2-matrix.html",
          "access-review.md", "access-review.csv", "policies/encryption.md", "policies/logging-and-monitoring.md",
          "policies/backup-and-recovery.md", "policies/access-control.md", "policies/change-management.md",
          "policies/vulnerability-management.md"}


@pytest.fixture(scope="module")
def dev_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("evidence") / "dev"
    result = run_cli("evidence", "--stack", "dev", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_one_command_writes_the_whole_bundle(dev_bundle):
    written = {p.relative_to(dev_bundle).as_posix() for p in dev_bundle.rglob("*") if p.is_file()}
    assert written == BUNDLE | {".preflight-evidence"}
    readme = (dev_bundle / "README.md").read_text()
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    assert "`soc2-baseline/dev`" in readme and head in readme and "Generated" in readme and " UTC" in readme
    assert "pulumi-policy 1.21.0" in readme and "pulumi-aws 7.51.1" in readme and "pulumi-pagerduty 4.37.0" in readme
    assert json.loads((dev_bundle / "results.json").read_text())["summary"]["resourcesChecked"] == 248


def test_policy_documents_state_the_stacks_real_values_and_regenerate_byte_for_byte(dev_bundle, tmp_path):
    encryption = (dev_bundle / "policies" / "encryption.md").read_text()
    assert "ELBSecurityPolicy-TLS13-1-2-2021-06" in encryption and "alias/soc2-dev-data" in encryption
    backups = (dev_bundle / "policies" / "backup-and-recovery.md").read_text()
    assert "| soc2-dev-database-instance | 7 | 03:00-04:00 | no | yes | yes |" in backups
    assert "| soc2-dev-backup-plan | cron(0 5 * * ? *) | 14 | none |" in backups
    change = (dev_bundle / "policies" / "change-management.md").read_text()
    assert "| infrastructure | main | 1 | yes | yes | preflight, tests, ticket | yes | yes | yes |" in change
    again = tmp_path / "again"
    assert run_cli("evidence", "--stack", "dev", "--out", str(again)).returncode == 0
    for name in BUNDLE - {"README.md", "results.json"}:  # these two carry the date and timings
        assert (again / name).read_bytes() == (dev_bundle / name).read_bytes(), name


def test_the_matrix_covers_every_criterion_and_calls_a_criterion_enforced_only_if_a_policy_checks_it(dev_bundle):
    matrix = (dev_bundle / "soc2-matrix.md").read_text()
    for criterion in CRITERIA:
        assert f"**{criterion}**" in matrix
    assert len(CRITERIA) == 61 and set(SCOPE) == set(CRITERIA)
    rows = control_matrix(check(CheckOptions(REPO, "dev")))
    assert {r.status for r in rows} <= set(STATUSES)
    for row in rows:
        if row.status == "enforced and passing":
            assert row.policies and SCOPE[row.id].reach == "infrastructure" and row.resources + len(row.policies) > 0
        if SCOPE[row.id].reach == "organizational" and not row.policies:
            assert row.status == "not addressable by infrastructure code" and row.note
    assert next(r for r in rows if r.id == "CC1.1").note.startswith("Code of conduct")
    assert next(r for r in rows if r.id == "CC6.6").status == "enforced and passing"


def test_failing_and_waived_criteria(tmp_path):
    failing = {r.id: r for r in control_matrix(check(CheckOptions(FIXTURES / "noncompliant_program", "test")))}
    assert failing["C1.1"].status == "failing" and any(f.policy == "rds-instance-storage-encrypted"
                                                        for f in failing["C1.1"].violations)
    config = tmp_path / "waivers.json"
    waiver = {"resource": "*", "justification": "Demo stack for the report tests", "owner": "ada@example.com",
              "expires": "2099-01-01"}
    config.write_text(json.dumps({"kms-key-rotation-enabled": {"waivers": [waiver]}}))
    waived = {r.id: r for r in control_matrix(check(CheckOptions(FIXTURES / "noncompliant_program", "test",
                                                                 [REPO / "policies"], [config])))}
    rotation = [f for f in waived["CC6.1"].waived if f.policy == "kms-key-rotation-enabled"]
    assert rotation and rotation[0].detail.startswith("[waived] until 2099-01-01, owner ada@example.com")


def test_the_access_review_lists_grants_and_who_changed_since_a_commit(tmp_path):
    repo = tmp_path / "service"
    shutil.copytree(REPO / "tests" / "fixtures" / "component_program", repo)
    roster = repo / "stacks" / "people.yaml"
    before = "people:\n  - {name: Ada Lovelace, email: ada@example.com, github: ada-l, systems: {datadog: admin}}\n" \
             "  - {name: Alan Turing, email: alan@example.com, github: alan-t, awsGroups: [developers]}\n"
    after = "people:\n  - {name: Ada Lovelace, email: ada@example.com, github: ada-l, until: 2025-01-31}\n" \
            "  - {name: Grace Hopper, email: grace@example.com, github: grace-h, systems: {pagerduty: responder}}\n"
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    roster.write_text(before)
    git("add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "first review")
    roster.write_text(after)
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qam", "offboard Alan, onboard Grace")
    out = tmp_path / "bundle"
    _, files = evidence(EvidenceOptions(out, CheckOptions(repo, "test"), since="HEAD~1"))
    review = files["access-review.md"]
    assert "| added | Grace Hopper | grace@example.com |" in review
    assert "| removed | Alan Turing | alan@example.com |" in review
    assert "| AWS | - | alan@example.com |" in review
    assert "| GitHub | grace@example.com | ada@example.com, alan@example.com |" in review  # Ada is past her until date
    assert "| Datadog | - | ada@example.com |" in review and "| PagerDuty | grace@example.com | - |" in review
    assert "- Ada Lovelace <ada@example.com>: until 2025-01-31; this stack grants nothing" in review
    rows = list(csv.DictReader(io.StringIO(files["access-review.csv"])))
    assert {"name": "Alan Turing", "email": "alan@example.com", "github": "alan-t", "system": "roster",
            "grant": "removed since HEAD~1", "detail": ""} in rows
    assert {"name": "", "email": "alan@example.com", "github": "", "system": "aws", "grant": "left since HEAD~1",
            "detail": ""} in rows
    assert {"name": "Ada Lovelace", "email": "ada@example.com", "github": "ada-l", "system": "roster",
            "grant": "past until", "detail": "2025-01-31"} in rows
    with pytest.raises(PreflightInputError) as caught:
        evidence(EvidenceOptions(tmp_path / "other", CheckOptions(repo, "test"), since="no-such-ref"))
    assert f"--since no-such-ref: no such commit, branch or tag in {repo}" in str(caught.value)  # before the check


def test_the_access_review_from_the_baseline_names_administrators_and_grants(dev_bundle):
    review = (dev_bundle / "access-review.md").read_text()
    assert ("- Ada Lovelace <ada@acme-corp.example.com>: AWS Identity Center group soc2-dev-sso-admins (permission set "
            "soc2-dev-sso-admins, sessions PT1H); GitHub organization admin") in review
    assert ("| Edsger Dijkstra | edsger@acme-corp.example.com | edsger-d | Identity Center group soc2-dev-sso-read-only "
            "(permission set soc2-dev-sso-read-only, sessions PT8H) | organization member, team backend") in review
    assert "in AWS, GitHub; it manages no accounts in Datadog, PagerDuty." in review
    assert "- Dennis Ritchie <dennis@contractor.example.com>: until 2025-03-31; this stack grants nothing" in review
    assert "none: every account this stack manages is on the roster" in review


def test_the_access_review_of_prod_covers_every_system_and_finds_accounts_outside_the_roster():
    result = check(CheckOptions(REPO, "prod"))
    roster = read_roster((REPO / "stacks" / "people.yaml").read_text(), "stacks/people.yaml")
    people, strays, systems = grants(result.capture, roster)
    assert {name for name, found in systems.items() if found.managed} == {"aws", "github", "datadog", "pagerduty"}
    alan = next(p for p in people if p.name == "Alan Turing")
    assert alan.access["datadog"] == ["role standard (from the roster)"] and alan.admin == {}
    assert alan.access["pagerduty"][:2] == ["role Responder", "team soc2-prod-pagerduty (responder)"]
    assert "on call: soc2-prod-pagerduty on call" in alan.access["pagerduty"]
    ada = next(p for p in people if p.name == "Ada Lovelace")
    assert set(ada.admin) == {"aws", "github", "datadog", "pagerduty"} and ada.admin["pagerduty"] == ["role Admin"]
    assert strays == []
    # Someone granted outside the roster (here: Alan taken off it) is listed for every system.
    _, strays, _ = grants(result.capture, [p for p in roster if p["name"] != "Alan Turing"])
    assert strays == ["AWS account alan@acme-corp.example.com", "Datadog account alan@acme-corp.example.com",
                      "GitHub account alan-turing", "PagerDuty account alan@acme-corp.example.com"]


def test_a_foreign_directory_is_never_overwritten_and_nothing_is_written(tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "notes.md").write_text("mine\n")
    result = run_cli("evidence", "--stack", "dev", "--out", str(foreign))
    assert result.returncode == 2 and "refusing to overwrite" in result.stderr
    assert [p.name for p in foreign.iterdir()] == ["notes.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_the_access_review_reads_the_roster_the_stack_names(baseline_project, tmp_path):
    everyone = (REPO / "stacks" / "people.yaml").read_text()
    without_ada = everyone.replace("Ada Lovelace", "Ada Lovelace (left)").replace("ada@", "ada-left@")
    project = baseline_project({"soc2-baseline:access": {"rosterFile": "stacks/team.yaml"}}, roster=without_ada)
    (project / "stacks" / "team.yaml").write_text(everyone)
    _, files = evidence(EvidenceOptions(tmp_path / "bundle", CheckOptions(project, "dev")))
    review = files["access-review.md"]
    assert ("- Ada Lovelace <ada@acme-corp.example.com>: AWS Identity Center group soc2-dev-sso-admins "
            "(permission set soc2-dev-sso-admins, sessions PT1H); GitHub organization admin") in review
    assert "ada-left@" not in review
    assert f"| Roster | {project / 'stacks' / 'team.yaml'} |" in files["README.md"]


def test_a_missing_roster_exits_2_before_anything_runs(tmp_path, strays):
    out = tmp_path / "bundle"
    result = run_cli("evidence", "--stack", "test", "--program", str(FIXTURES / "component_program"),
                     "--out", str(out), "--roster", str(tmp_path / "nobody.yaml"), env=strays.env())
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (f"preflight: --roster {tmp_path / 'nobody.yaml'}: no such file; pass the people "
                                     "roster the stack uses (by default the stack's soc2-baseline:access.rosterFile, "
                                     "else stacks/people.yaml)")
    assert list(tmp_path.iterdir()) == []


def test_the_default_roster_is_the_baselines():
    from components.baseline_settings import NAMESPACE, AccessSettings
    from preflight.access_review import DEFAULT_ROSTER, ROSTER_SETTING

    assert AccessSettings.model_fields["roster_file"].default == DEFAULT_ROSTER
    assert ROSTER_SETTING == f"{NAMESPACE}:access"
