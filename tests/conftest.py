"""Shared test helpers: the repository, fixture programs and packs, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest
import yaml
from hypothesis import settings

from preflight.analyzer import PolicyPack

# CI runs the fuzz tests derandomized, so a red build always reproduces; HYPOTHESIS_PROFILE=fuzz
# samples widely for hunting (e.g. before a release).
settings.register_profile("ci", derandomize=True, database=None, max_examples=75, deadline=None)
settings.register_profile("fuzz", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
COMPONENT_PROGRAM = FIXTURES / "component_program"
BASIC_PACK = FIXTURES / "packs" / "basic"
NODE_PACKS = FIXTURES / "node_packs"


def run_cli(*args: str, cwd: Path = REPO, timeout: int = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs `python -m preflight ...` as a user would."""
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


class Strays:
    """Marks the processes one test starts (through their environment), to find any that outlive it.

    Every process preflight starts inherits the marker, so a scan of /proc finds them however they
    were re-parented, and never confuses them with another test's or another run's processes.
    """

    VARIABLE = "PREFLIGHT_TEST_RUN"

    def __init__(self) -> None:
        self.mark = f"{self.VARIABLE}={uuid.uuid4().hex}".encode()

    def env(self, **extra: str) -> dict[str, str]:
        name, value = self.mark.decode().split("=", 1)
        return {**os.environ, name: value, **extra}

    def alive(self) -> list[str]:
        """Command lines of marked processes still running (zombies excepted)."""
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit() or self.mark not in (entry / "environ").read_bytes().split(b"\0"):
                    continue
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
        return found


@pytest.fixture
def strays():
    """`strays.env()` for a test's subprocesses; the test fails if any of them is still running after it."""
    tracker = Strays()
    yield tracker
    deadline = time.monotonic() + 10
    while (left := tracker.alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == [], f"processes outlived the test: {left}"


def source_line(path: Path, needle: str) -> int:
    """1-based line of the first line of `path` containing `needle`."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(scope="session")
def soc2_pack():
    """The real policy pack, started once for every test that analyzes resources with it."""
    with PolicyPack(REPO / "policies") as pack:
        pack.connect()
        yield pack


@pytest.fixture(scope="session")
def basic_pack():
    """The fixture pack, started once and shared (each check re-configures it)."""
    with PolicyPack(BASIC_PACK) as pack:
        yield pack


@pytest.fixture(scope="session")
def node_packs() -> Path:
    """The Node.js fixture packs with their dependencies, installed by .ci/install if they are not yet.

    The lock keeps two test workers from installing at once.
    """
    import fcntl

    with open(NODE_PACKS / "package.json") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (NODE_PACKS / "node_modules" / "@pulumi" / "pulumi" / "cmd" / "run-policy-pack").is_dir():
            subprocess.run([str(REPO / ".ci" / "install")], check=True, timeout=900)
    return NODE_PACKS


@pytest.fixture
def baseline_project(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the baseline program whose dev stack file and roster a test may change.

    `make(config_changes, roster=None, drop=())` merges `config_changes` into a copy of
    stacks/Pulumi.dev.yaml (None removes a key) and returns the project directory.
    """

    def make(config_changes: dict | None = None, roster: str | None = None, drop: tuple[str, ...] = ()) -> Path:
        project = tmp_path / "baseline"
        (project / "stacks").mkdir(parents=True)
        shutil.copy(REPO / "Pulumi.yaml", project / "Pulumi.yaml")
        shutil.copy(REPO / "__main__.py", project / "__main__.py")
        (project / "components").symlink_to(REPO / "components")
        stack = yaml.safe_load((REPO / "stacks" / "Pulumi.dev.yaml").read_text())
        for key, value in (config_changes or {}).items():
            stack["config"][key] = value
        for key in drop:
            stack["config"].pop(key, None)
        (project / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack, sort_keys=False))
        (project / "stacks" / "people.yaml").write_text(roster if roster is not None else
                                                         (REPO / "stacks" / "people.yaml").read_text())
        return project

    return make


# What `pip install .` needs: the build file, the files it names, and the three packages' sources.
PACKAGE_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "components", "preflight", "policies/soc2_policies")


@pytest.fixture(scope="session")
def toolkit_source(tmp_path_factory) -> Path:
    """A copy of what the package is built from; setuptools writes build/ into its source tree, not ours."""
    copy = tmp_path_factory.mktemp("toolkit")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "venv")
    for name in PACKAGE_SOURCES:
        source, target = REPO / name, copy / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return copy


@pytest.fixture(scope="session")
def installed_toolkit(toolkit_source, tmp_path_factory) -> Path:
    """The package installed (without dependencies, which this environment has) into its own directory.

    Run a program against it with PYTHONPATH=<this directory>, from a directory outside the checkout,
    so that `import preflight` finds the installed copy and not the repository's.
    """
    site = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(toolkit_source)], check=True, capture_output=True, text=True,
                   timeout=300)
    return site


def installed_env(site: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(site), **extra}
