"""The service template: rendered as `pulumi new` renders it, then checked with the installed toolkit.

Every run here uses the package as pip installs it (not this checkout), from inside the rendered
service, as a newcomer would after following the template's README.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from soc2_policies import ACCOUNT_POLICIES, all_policies
from tests.conftest import REPO, installed_env
from tests.template.render import render_template

TEMPLATE = REPO / "templates" / "service"
PROJECT, DESCRIPTION = "payments-api", "Payments API for the checkout flow"
ANSWERS = {"domainName": "api.payments.example.com", "alertEmail": "oncall@example.com", "owner": "payments"}
PROD = {"environment": "prod", "owner": "payments", "domainName": "api.payments.example.com",
        "alertEmail": "oncall@example.com", "backupRetentionDays": 35,
        "database": {"multiAz": True, "backupRetentionDays": 14}}


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Path:
    return render_template(TEMPLATE, tmp_path_factory.mktemp("rendered") / PROJECT, PROJECT, DESCRIPTION, "dev",
                           ANSWERS)


def preflight(site: Path, service: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, run in the service directory."""
    return subprocess.run([str(site / "bin" / "preflight"), *args], cwd=service, capture_output=True, text=True,
                          env=installed_env(site, **env), timeout=300)


def resource_types(site: Path, service: Path, stack: str, out: Path) -> set[str]:
    """The types the stack registers, from its evidence bundle (which must say PASS)."""
    result = preflight(site, service, "evidence", "--stack", stack, "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return {r["type"] for r in json.loads((out / "results.json").read_text())["resources"]}


def add_stack(service: Path, stack: str, values: dict) -> None:
    config = {f"{PROJECT}:{key}": value for key, value in values.items()}
    (service / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))


def test_the_template_declares_its_prompts_and_uses_the_placeholders():
    manifest = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())
    assert (manifest["name"], manifest["description"]) == ("${PROJECT}", "${DESCRIPTION}")
    assert manifest["stackConfigDir"] == "stacks"
    assert manifest["template"]["description"]
    prompts = manifest["template"]["config"]
    assert {"aws:region", "environment", "owner", "domainName", "alertEmail"} <= set(prompts)
    assert all(prompt.get("description") for prompt in prompts.values())
    assert any("${PROJECT}" in path.name for path in TEMPLATE.rglob("*")), "no file name exercises the placeholder"


def test_rendering_replaces_the_placeholders_in_contents_and_file_names(service):
    runbook = service / "docs" / f"{PROJECT}-runbook.md"
    assert runbook.is_file() and runbook.read_text().startswith(f"# {PROJECT} runbook\n\n{DESCRIPTION}\n")
    for path in service.rglob("*"):
        assert "${" not in path.name, path
        if path.is_file():
            text = path.read_text()
            assert "${PROJECT}" not in text and "${DESCRIPTION}" not in text, path
    manifest = yaml.safe_load((service / "Pulumi.yaml").read_text())
    assert manifest["name"] == PROJECT and "template" not in manifest
    config = yaml.safe_load((service / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    assert config[f"{PROJECT}:domainName"] == ANSWERS["domainName"] and config["aws:region"] == "us-east-1"


def test_preflight_check_on_the_rendered_service_finds_no_mandatory_violation(installed_toolkit, service):
    result = preflight(installed_toolkit, service, "check", "--stack", "dev", "--format", "json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["summary"]["mandatory"] == 0 and report["summary"]["advisory"] == 0
    assert report["summary"]["disabled"] == 8  # the account-wide controls, which the baseline stack provides


def test_the_services_evidence_bundle_shows_the_building_blocks(installed_toolkit, service, tmp_path):
    types = resource_types(installed_toolkit, service, "dev", tmp_path / "evidence")
    assert {"aws:rds/instance:Instance", "aws:lb/listener:Listener", "aws:cloudwatch/metricAlarm:MetricAlarm",
            "aws:backup/plan:Plan", "aws:ec2/vpc:Vpc", "aws:wafv2/webAcl:WebAcl"} <= types


def test_the_rendered_services_own_tests_pass(installed_toolkit, service):
    result = subprocess.run([sys.executable, "-m", "pytest"], cwd=service, capture_output=True, text=True,
                            env=installed_env(installed_toolkit), timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "11 passed" in result.stdout


@pytest.mark.parametrize("compute", ["container", "function"])
def test_each_compute_kind_with_a_queue_a_table_and_a_cache_checks_clean(installed_toolkit, service, compute, tmp_path):
    add_stack(service, f"full-{compute}", {"environment": "dev", "owner": "payments", "compute": compute,
                                           "domainName": "api.payments.example.com", "alertEmail": "oncall@example.com",
                                           "queues": ["jobs"], "tables": ["orders"], "cache": {"enabled": True}})
    result = preflight(installed_toolkit, service, "check", "--stack", f"full-{compute}", "--format", "json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert (report["summary"]["mandatory"], report["summary"]["advisory"]) == (0, 0), report["findings"]
    types = resource_types(installed_toolkit, service, f"full-{compute}", tmp_path / "evidence")
    runs = {"container": "aws:ecs/service:Service", "function": "aws:lambda/function:Function"}[compute]
    assert {runs, "aws:sqs/queue:Queue", "aws:dynamodb/table:Table",
            "aws:elasticache/replicationGroup:ReplicationGroup"} <= types


def test_a_prod_stack_passes_with_the_stricter_prod_policy_config(installed_toolkit, service):
    add_stack(service, "prod", PROD)
    result = preflight(installed_toolkit, service, "check", "--stack", "prod", "--policy-pack-config",
                       "stacks/policy-config.prod.json")
    assert result.returncode == 0, result.stdout[-3000:]
    counted = f"{len(all_policies())} policies ({len(ACCOUNT_POLICIES)} disabled)"
    assert "PASS: 0 mandatory" in result.stdout and counted in result.stdout


def test_a_weak_prod_stack_stops_on_its_settings_and_writes_nothing(installed_toolkit, service):
    add_stack(service, "weak", {**PROD, "database": {"multiAz": False, "backupRetentionDays": 14}})
    report = service / "weak-report.json"
    result = preflight(installed_toolkit, service, "check", "--stack", "weak", "--output", str(report))
    assert result.returncode == 2
    assert (f"stacks/Pulumi.weak.yaml: {PROJECT}:database.multiAz = false: must be true in prod; "
            "allowed: true or false") in result.stderr
    assert not report.exists()


def test_the_baseline_network_mode_uses_the_baseline_stacks_vpc(installed_toolkit, service, tmp_path):
    add_stack(service, "shared", {**{k: v for k, v in PROD.items() if k != "environment"}, "environment": "staging",
                                  "network": {"mode": "baseline", "baselineStack": "acme/soc2-baseline/prod"}})
    types = resource_types(installed_toolkit, service, "shared", tmp_path / "evidence")
    assert "pulumi:pulumi:StackReference" in types and "aws:ec2/vpc:Vpc" not in types


def test_without_its_own_pack_a_service_gets_every_installed_policy(installed_toolkit, service, tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "service_settings.py", "stacks"):
        source = service / name
        (bare / name).symlink_to(source, target_is_directory=source.is_dir())
    result = preflight(installed_toolkit, bare, "check", "--stack", "dev", XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert result.returncode == 1
    assert "cloudtrail-trail-multi-region-exists" in result.stdout and "(local: policy-pack-0.1.0)" in result.stdout
    assert (tmp_path / "cache" / "pulumi-soc2-baseline" / "policy-pack-0.1.0" / "PulumiPolicy.yaml").is_file()
