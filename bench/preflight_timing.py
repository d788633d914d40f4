"""Where `preflight check` spends its time: program run, pack start-up, policy evaluation.

    .venv/bin/python bench/preflight_timing.py [--repeat 3] [--sizes 100,1000,5000]

Prints the median of each figure over the repeats, for the dev and prod stacks and for synthetic
programs of the given sizes, then the per-resource cost to show how it grows.

The pack analyzes each resource while the program is still registering the rest (as the engine
does), so "evaluate" is what evaluation adds after the program: the last Analyze calls and
AnalyzeStack. The pack's whole evaluation cost on a finished capture is in policy_throughput.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT, synthetic_project, timed_check  # noqa: E402


def measure(program, stack, repeat):
    runs = [timed_check(program, stack) for _ in range(repeat)]
    pick = lambda key: statistics.median(r["timings"][key] for r in runs)  # noqa: E731
    return {"resources": runs[0]["summary"]["resourcesChecked"], "wall": statistics.median(r["wallSeconds"] for r in runs),
            "program": pick("programSeconds"), "start": pick("packStartSeconds"), "evaluate": pick("evaluationSeconds"),
            "policies": runs[0]["summary"]["policies"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000,5000")
    args = parser.parse_args()
    rows = [(f"stack {s}", measure(ROOT, s, args.repeat)) for s in ("dev", "prod")]
    for size in (int(s) for s in args.sizes.split(",")):
        project = synthetic_project(size)
        try:
            rows.append((f"synthetic {size}", measure(project, "bench", args.repeat)))
        finally:
            shutil.rmtree(project)
    print(f"cpus: {os.cpu_count()}  repeats: {args.repeat} (medians)  policies: {rows[0][1]['policies']}")
    print(f"{'case':<16}{'resources':>10}{'wall s':>9}{'program s':>11}{'pack start s':>14}{'eval after s':>14}"
          f"{'eval/program':>14}{'ms/res prog':>13}{'ms/res eval':>13}")
    for name, r in rows:
        print(f"{name:<16}{r['resources']:>10}{r['wall']:>9.2f}{r['program']:>11.2f}{r['start']:>14.2f}"
              f"{r['evaluate']:>14.3f}{r['evaluate'] / r['program']:>13.1%}"
              f"{1000 * r['program'] / r['resources']:>13.2f}{1000 * r['evaluate'] / r['resources']:>13.3f}")


if __name__ == "__main__":
    main()
