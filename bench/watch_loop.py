"""How soon `preflight check --watch` gives a new verdict after a file of the program changes.

    .venv/bin/python bench/watch_loop.py [--stack dev] [--changes 5] [--program DIR --python PYTHON]

Copies this repository's program (Pulumi.yaml, __main__.py, components/, stacks/, policies/), or with
--program a whole program directory (a rendered service, say, run by --python: an interpreter with
the toolkit installed), to a temporary directory, starts `python -m preflight check --watch --stack STACK --program COPY`, waits
for its first verdict, then changes __main__.py (a comment appended) `--changes` times and prints,
for each, the seconds from the write to the verdict's line on stderr; then the median, and the load
average (the machine's 2 cores are shared, so figures move with it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT  # noqa: E402

PROGRAM_FILES = ("Pulumi.yaml", "__main__.py", "components", "stacks", "policies")


def program_copy(program: Path | None) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="watch-bench-"))
    if program is not None:
        shutil.copytree(program, directory, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "venv"))
        return directory
    for name in PROGRAM_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, directory / name, ignore=shutil.ignore_patterns("__pycache__", "venv"))
        else:
            shutil.copy(source, directory / name)
    return directory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--program", type=Path, help="a program directory to copy instead of this repository's")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs preflight")
    args = parser.parse_args()
    program = program_copy(args.program)
    process = subprocess.Popen([args.python, "-m", "preflight", "check", "--watch", "--stack", args.stack,
                                "--program", str(program)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    verdicts: list[float] = []
    lines: list[str] = []
    arrived = threading.Condition()

    def read() -> None:
        for line in process.stderr:
            with arrived:
                lines.append(line.rstrip())
                if "verdict" in line:
                    verdicts.append(time.perf_counter())
                arrived.notify_all()

    threading.Thread(target=read, daemon=True).start()
    try:
        started = time.perf_counter()
        first = wait_for(arrived, verdicts, 1, 600)
        print(f"first verdict (imports, pack start-up, program): {first - started:.2f} s")
        figures = []
        for number in range(args.changes):
            time.sleep(1.0)
            main_file = program / "__main__.py"
            written = time.perf_counter()
            main_file.write_text(main_file.read_text() + f"# change {number}\n")
            figures.append(wait_for(arrived, verdicts, number + 2, 120) - written)
            print(f"change {number + 1}: verdict {figures[-1]:.2f} s after the write")
        print(f"median {statistics.median(figures):.2f} s over {len(figures)} changes (poll interval included); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
    finally:
        process.terminate()
        process.wait(30)
        shutil.rmtree(program, ignore_errors=True)
        if process.returncode not in (130, 143, -15):
            print("\n".join(lines[-20:]))


def wait_for(arrived: threading.Condition, verdicts: list[float], count: int, seconds: float) -> float:
    with arrived:
        if not arrived.wait_for(lambda: len(verdicts) >= count, seconds):
            raise SystemExit(f"no verdict {count} within {seconds} s")
        return verdicts[count - 1]


if __name__ == "__main__":
    main()
