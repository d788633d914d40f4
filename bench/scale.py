"""Wall time and peak memory of `preflight check` on one large synthetic stack.

    .venv/bin/python bench/scale.py [--resources 20000] [--extra "--timeout 3600"]

Runs `python -m preflight check --json` as a user would, on the synthetic program registering
about `--resources` resources, and samples the memory of preflight and every process under it
(the program's child, the policy packs) five times a second. It prints:
  - wall seconds, and the program / pack start / evaluation figures preflight reports;
  - the peak of the processes' summed RSS and of their summed PSS (PSS shares pages that a forked
    child still has in common with its parent, so it does not count them twice);
  - the largest single process's peak RSS, from getrusage(RUSAGE_CHILDREN);
  - the CPU seconds of preflight and its children (less sensitive than wall time to a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT, synthetic_project  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(root: int) -> list[int]:
    """`root` and every process whose parent chain leads to it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes; (0, 0) once the process is gone."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        pss = next((int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:")), 0)
        return rss, pss
    except (OSError, ValueError):
        return 0, 0


class TreeSampler(threading.Thread):
    """Keeps the peak of the summed RSS and PSS of a process tree."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.peak_rss, self.peak_pss, self.processes = root, 0, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            pids = descendants(self.root)
            figures = [memory(pid) for pid in pids]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in figures))
            self.peak_pss = max(self.peak_pss, sum(p for _, p in figures))
            self.processes = max(self.processes, len([r for r, _ in figures if r]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=20000)
    parser.add_argument("--extra", default="", help="more preflight options, e.g. \"--timeout 3600\"")
    args = parser.parse_args()
    program = synthetic_project(args.resources)
    try:
        command = [sys.executable, "-m", "preflight", "check", "--stack", "bench", "--program", str(program),
                   "--policy-pack", str(ROOT / "policies"), "--json", *shlex.split(args.extra)]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sampler = TreeSampler(process.pid)
        sampler.start()
        stdout, stderr = process.communicate()
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    finally:
        shutil.rmtree(program)
    if process.returncode not in (0, 1):
        raise SystemExit(f"preflight failed ({process.returncode}):\n{stderr}")
    data = json.loads(stdout)
    timings = data["timings"]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    largest = usage.ru_maxrss * 1024
    gib = 1024 ** 3
    print(f"resources checked: {data['summary']['resourcesChecked']}  cpus: {os.cpu_count()}  "
          f"processes seen: {sampler.processes}")
    print(f"wall {wall:.1f} s  (program {timings['programSeconds']:.1f} s, pack start "
          f"{timings['packStartSeconds']:.1f} s, evaluation after the program {timings['evaluationSeconds']:.1f} s)")
    print(f"cpu {usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f}, system {usage.ru_stime:.1f}); "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    print(f"peak memory: summed RSS {sampler.peak_rss / gib:.2f} GiB, summed PSS {sampler.peak_pss / gib:.2f} GiB, "
          f"largest process {largest / gib:.2f} GiB")


if __name__ == "__main__":
    main()
