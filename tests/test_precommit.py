"""The pre-commit hook: a valid manifest, and a service's commit checked offline by the installed hook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.template.render import render_service

[HOOK] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "test",
                "GIT_COMMITTER_EMAIL": "test@example.com"}


def pre_commit(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=900)


def test_the_hook_manifest_and_the_templates_config_are_valid_for_pre_commit():
    manifest = pre_commit("validate-manifest", ".pre-commit-hooks.yaml")
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = pre_commit("validate-config", "templates/service/.pre-commit-config.yaml")
    assert config.returncode == 0, config.stdout + config.stderr
    [service_hook] = yaml.safe_load((REPO / "templates/service/.pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert service_hook["id"] == HOOK["id"] and service_hook["args"] == ["--stack", "dev"]


def test_the_hook_runs_the_packages_console_script_once_per_commit():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert HOOK["entry"].split()[0] in scripts and HOOK["language"] == "python"
    assert HOOK["pass_filenames"] is False and HOOK["require_serial"] is True


@pytest.mark.parametrize("path, runs", [
    ("__main__.py", True), ("service_settings.py", True), ("Pulumi.yaml", True), ("stacks/Pulumi.dev.yaml", True),
    ("stacks/policy-config.prod.json", True), ("requirements.txt", True), ("policies/requirements.txt", True),
    ("README.md", False), ("docs/runbook.md", False), ("package.json", False), (".github/workflows/tests.yml", False),
])
def test_the_hook_runs_on_changes_to_the_program_its_settings_and_its_pack(path, runs):
    assert bool(re.search(HOOK["files"], path)) is runs


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_IDENTITY}).stdout.strip()


def test_a_service_runs_the_hook_from_the_toolkit_repository(toolkit_source, tmp_path):
    toolkit = tmp_path / "toolkit"
    shutil.copytree(toolkit_source, toolkit)
    shutil.copy(REPO / ".pre-commit-hooks.yaml", toolkit)
    git("init", "-q", cwd=toolkit)
    git("add", ".", cwd=toolkit)
    git("commit", "-q", "-m", "toolkit", cwd=toolkit)
    revision = git("rev-parse", "HEAD", cwd=toolkit)

    service = render_service(tmp_path / "svc")
    config = yaml.safe_load((service / ".pre-commit-config.yaml").read_text())
    config["repos"][0].update(repo=str(toolkit), rev=revision)
    (service / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git("init", "-q", cwd=service)
    git("add", ".", cwd=service)
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    passing = pre_commit("run", "--all-files", cwd=service, env=env)
    assert passing.returncode == 0, passing.stdout[-3000:] + passing.stderr[-2000:]
    assert re.search(r"SOC 2 preflight \(offline policy check\)\.+Passed", passing.stdout)

    with (service / "__main__.py").open("a") as program:
        program.write('\naws.ec2.SecurityGroup("ssh-from-anywhere", vpc_id=vpc_id, description="debugging",\n'
                      '    ingress=[{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"],\n'
                      '              "description": "ssh"}])\n')
    git("add", "__main__.py", cwd=service)
    failing = pre_commit("run", cwd=service, env=env)
    assert failing.returncode == 1
    assert "ec2-securitygroup-no-public-admin-ports" in failing.stdout and "FAIL: " in failing.stdout
