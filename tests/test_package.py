"""The installable package: what it contains, its dependency ranges, and `pip install .` in a fresh virtualenv."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement

from tests.conftest import REPO
from tests.template.render import render_service

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
VERSION = PYPROJECT["project"]["version"]


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            found[name.strip().lower()] = version.strip()
    return found


def test_one_version_everywhere_a_release_is_named():
    import soc2_policies

    assert soc2_policies.PACK_VERSION == VERSION
    manifest = yaml.safe_load((REPO / "policies" / "PulumiPolicy.yaml").read_text())
    assert manifest["version"] == VERSION
    # The installed rules' pack directory is written from this text; it says what policies/ says.
    assert yaml.safe_load(soc2_policies.PULUMI_POLICY_YAML) == manifest
    template = REPO / "templates" / "service"
    for requirements in (template / "requirements.txt", template / "policies" / "requirements.txt"):
        assert f"pulumi-soc2-baseline @ git+https://github.com/your-org/pulumi-soc2-baseline@v{VERSION}" \
            in requirements.read_text().splitlines(), requirements
    hook_repo = yaml.safe_load((template / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert hook_repo["rev"] == f"v{VERSION}" and hook_repo["repo"].endswith("/pulumi-soc2-baseline")


def test_dependency_ranges_admit_the_pinned_versions():
    pinned = pins(REPO / "requirements.txt")
    declared = PYPROJECT["project"]["dependencies"] + [
        d for extra in PYPROJECT["project"]["optional-dependencies"].values() for d in extra]
    for spec in map(Requirement, declared):
        assert any(s.operator in ("<", "<=", "~=") for s in spec.specifier), f"{spec} has no upper bound"
        if spec.name in pinned:
            assert spec.specifier.contains(pinned[spec.name]), f"{spec} excludes the pinned {pinned[spec.name]}"
    assert {"pulumi", "pulumi-aws", "pulumi-github", "pulumi-policy", "pydantic"} <= {Requirement(d).name
                                                                                     for d in declared}


def test_the_installed_package_holds_every_module_and_the_sarif_schema(installed_toolkit):
    for source, installed in (("components", "soc2_components"), ("preflight", "preflight"),
                              ("policies/soc2_policies", "soc2_policies"),
                              ("preflight/policy_documents", "preflight/policy_documents")):
        expected = {p.name for p in (REPO / source).glob("*.py")}
        assert expected <= {p.name for p in (installed_toolkit / installed).glob("*.py")}, installed
    assert (installed_toolkit / "preflight" / "data" / "sarif-schema-2.1.0.json").is_file()
    [dist] = installed_toolkit.glob("pulumi_soc2_baseline-*.dist-info")
    assert "preflight = preflight.cli:run" in (dist / "entry_points.txt").read_text()
    assert re.search(r"^License-Expression: MIT$", (dist / "METADATA").read_text(), re.M)


def test_every_module_the_package_imports_comes_from_a_declared_dependency():
    # What `pip install .` must bring besides the package itself; the fresh-virtualenv test below takes its
    # dependencies from this environment, so a missing declaration is caught here instead.
    normal = lambda name: name.lower().replace("_", "-")  # noqa: E731 distribution names, as pip compares them
    declared = {normal(Requirement(d).name) for d in PYPROJECT["project"]["dependencies"]} | {
        normal(Requirement(d).name) for extra in PYPROJECT["project"]["optional-dependencies"].values() for d in extra}
    providers = {module: {normal(d) for d in dists} for module, dists in metadata.packages_distributions().items()}
    own = {"components", "preflight", "policies", "soc2_policies", "soc2_components"}
    imported = set()
    for source in ("components", "preflight", "policies/soc2_policies"):
        for path in (REPO / source).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = {m for m in imported - own - set(sys.stdlib_module_names) if m in providers}
    assert third_party, "the scan found the package's imports"
    undeclared = sorted(f"{m} ({', '.join(sorted(providers[m]))})" for m in third_party if not providers[m] & declared)
    assert undeclared == []


def test_pip_install_in_a_fresh_virtualenv_gives_a_working_preflight_command(toolkit_source, tmp_path):
    # pip installs the package itself (its files, its console script); its dependencies, which the test above
    # holds against pyproject.toml, come from this environment instead of being downloaded and unpacked again.
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    site = next((environment / "lib").glob("python*/site-packages"))
    (site / "dependencies.pth").write_text(next(p for p in map(Path, sys.path) if p.name == "site-packages").as_posix())
    install = subprocess.run([str(environment / "bin" / "pip"), "install", "--quiet", "--no-deps",
                              str(toolkit_source)],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    command = environment / "bin" / "preflight"
    usage = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 0 and "{check,evidence,analyze-state,changes}" in usage.stdout

    service = render_service(tmp_path / "svc")
    verdict = subprocess.run([str(command), "check", "--stack", "dev"], cwd=service, capture_output=True, text=True,
                             timeout=300)
    assert verdict.returncode == 0, verdict.stdout[-3000:] + verdict.stderr[-2000:]
    assert "PASS: 0 mandatory" in verdict.stdout
