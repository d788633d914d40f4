"""What redacting secrets costs the reports: collecting every secret plaintext, masking findings, and
writing the JSON report with every resource (results.json), with and without secrets in the stack.

    .venv/bin/python bench/redaction_cost.py [--sizes 1000,5000] [--secrets 100]

The synthetic program is run once per size under the mocks; a fake finding per resource quotes its
inputs, as a careless pack would, so the masking has text to search. Prints seconds per step.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT, synthetic_project  # noqa: E402

sys.path[:0] = [str(ROOT), str(ROOT / "policies")]
from preflight import properties as props  # noqa: E402
from preflight.capture import run_program  # noqa: E402
from preflight.project import load_project, load_stack_config  # noqa: E402
from preflight.report_json import report_data  # noqa: E402
from preflight.results import CheckResult, Finding  # noqa: E402


def capture_of(count: int):
    project = load_project(synthetic_project(count))
    config = load_stack_config(project, "bench")
    return run_program(project.directory, project.main, project.name, "bench", config.values, config.secret_keys)


def quoting_findings(capture) -> list[Finding]:
    return [Finding("quote", "bench", "0", "advisory", "low", "quotes inputs", json.dumps(r.inputs), r.urn, r.type,
                    r.name, None, "violation") for r in capture.records]


def timed(step):
    started = time.perf_counter()
    value = step()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--secrets", type=int, default=100, help="resources given a secret input")
    args = parser.parse_args()
    print(f"{'resources':>9} {'secrets':>7} {'collect+mask':>12} {'results.json':>12}")
    for size in (int(s) for s in args.sizes.split(",")):
        capture = capture_of(size)
        for secrets in (0, args.secrets):
            for index, record in enumerate(capture.records[:secrets]):
                record.inputs["password"] = props.secret(f"bench-secret-{index:05d}")
            findings = quoting_findings(capture)
            result, collect = timed(lambda: CheckResult(capture, [], findings))
            _, write = timed(lambda: json.dumps(report_data(result, include_resources=True)))
            print(f"{len(capture.records):>9} {secrets:>7} {collect:>11.2f}s {write:>11.2f}s")


if __name__ == "__main__":
    main()
