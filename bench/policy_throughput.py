"""Policy evaluation throughput over gRPC, and what the SDK servicer's per-policy deserialization costs.

    .venv/bin/python bench/policy_throughput.py [--sizes 1000,5000] [--repeat 3]

For each synthetic stack it captures the program once, then times Configure + Analyze for every
resource + AnalyzeStack against two packs serving the same policies:
  - policies/ (the pack's dispatching servicer: one deserialization per resource, only the
    policies for the resource's type);
  - tests/fixtures/packs/soc2_on_sdk_servicer (pulumi_policy.PolicyPack: every policy sees every
    resource and deserializes its properties again).
It also measures one MessageToDict + deserialize_properties + unknown-checking proxy, the work the
SDK servicer repeats per policy, to show how much of its time that accounts for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "policies"), str(Path(__file__).resolve().parent)]

from google.protobuf import json_format  # noqa: E402
from pulumi_policy.deserialize import deserialize_properties  # noqa: E402
from pulumi_policy.proxy import unknown_checking_proxy  # noqa: E402

from common import synthetic_project  # noqa: E402
from preflight import properties as props  # noqa: E402
from preflight.analyzer import PolicyPack  # noqa: E402
from preflight.capture import run_program  # noqa: E402
from preflight.check import evaluate  # noqa: E402
from preflight.project import load_project, load_stack_config  # noqa: E402

PACKS = {"dispatching (policies/)": ROOT / "policies",
         "SDK servicer": ROOT / "tests" / "fixtures" / "packs" / "soc2_on_sdk_servicer"}


def capture(size: int):
    directory = synthetic_project(size)
    try:
        project = load_project(directory)
        stack = load_stack_config(project, "bench")
        result = run_program(project.directory, project.main, project.name, "bench", stack.values, stack.secret_keys)
    finally:
        shutil.rmtree(directory)
    return project, stack, result


def deserialize_microseconds(records) -> float:
    structs = [props.to_struct(r.inputs) for r in records]
    started = time.perf_counter()
    for struct in structs:
        unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))
    return 1e6 * (time.perf_counter() - started) / len(structs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}  repeats: {args.repeat} (medians)")
    print(f"{'stack':>8} {'pack':<24}{'policies':>9}{'evaluate s':>12}{'resources/s':>13}{'ms/resource':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        project, stack, result = capture(size)
        per_resource = {}
        for label, directory in PACKS.items():
            with PolicyPack(directory) as pack:
                pack.connect()
                policies = len(pack.info().policies)
                runs = [evaluate(pack, result, {}, stack.values).seconds_evaluate for _ in range(args.repeat)]
            seconds = statistics.median(runs)
            per_resource[label] = seconds / len(result.records)
            print(f"{len(result.records):>8} {label:<24}{policies:>9}{seconds:>12.2f}"
                  f"{len(result.records) / seconds:>13.0f}{1000 * per_resource[label]:>13.3f}")
        once = deserialize_microseconds(result.records)
        sdk_ms = 1000 * per_resource["SDK servicer"]
        share = once * policies / 1000 / sdk_ms
        print(f"{'':>8} one deserialization: {once:.0f} µs; x {policies} policies = {once * policies / 1000:.2f} ms "
              f"per resource, {share:.0%} of the SDK servicer's {sdk_ms:.2f} ms")


if __name__ == "__main__":
    main()
