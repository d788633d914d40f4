"""Helpers for the timing scripts: synthetic projects and timed preflight runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = Path(__file__).resolve().parent / "synthetic_program"


def synthetic_project(count: int) -> Path:
    """A temporary copy of the synthetic program whose `bench` stack registers about `count` resources."""
    directory = Path(tempfile.mkdtemp(prefix=f"synthetic-{count}-"))
    shutil.copytree(SYNTHETIC, directory, dirs_exist_ok=True)
    (directory / "Pulumi.bench.yaml").write_text(f"config:\n  aws:region: us-east-1\n  synthetic:count: {count}\n")
    return directory


def timed_check(program: Path, stack: str, *extra: str) -> dict:
    """Runs `python -m preflight check --json` as a user would; adds the wall time."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "preflight", "check", "--stack", stack, "--program", str(program),
                             "--policy-pack", str(ROOT / "policies"), "--json", *extra],
                            cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"preflight failed ({result.returncode}):\n{result.stderr}")
    data = json.loads(result.stdout)
    data["wallSeconds"] = wall
    return data
