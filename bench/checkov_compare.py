"""The prod verdict, one-shot and cold, against checkov on the same resources, side by side in one run.

    .venv/bin/python bench/checkov_compare.py [--stack prod] [--repeat 5]

1. Captures the stack's resources (the program under preflight's mocks, in this process).
2. Converts the AWS resources to a Terraform plan (`terraform show -json` shape): each Pulumi type to
   its Terraform type (the bridge's naming, with the few exceptions it makes), inputs in snake_case,
   values unknown at preview under `after_unknown`.
3. Installs checkov into a virtualenv of its own (under the user's cache, once; never into the
   project's), then times, alternately, `python -m preflight check --stack STACK --json` (a fresh
   process: imports, the program's child, the pack's start-up, every policy) and
   `checkov -f plan.json --framework terraform_plan` (a fresh process too).
Prints each run, the medians and their ratio, and the load average: the machine's 2 cores are shared,
so both tools are timed in the same minutes, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from common import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))
import preflight  # noqa: E402,F401  turns gRPC's fork support off before anything imports it
from preflight import properties as props  # noqa: E402
from preflight.capture import run_program  # noqa: E402
from preflight.project import load_project, load_stack_config  # noqa: E402

CHECKOV = "checkov==3.3.30"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-soc2-baseline"
# Where the bridge's mechanical naming (aws_<module>_<resource>) is not the Terraform type.
TERRAFORM_TYPES = {
    "aws:s3/bucketV2:BucketV2": "aws_s3_bucket", "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail", "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/optionGroup:OptionGroup": "aws_db_option_group",
}
UNPREFIXED_MODULES = {"ec2"}  # aws_vpc, aws_subnet, aws_security_group...
MODULE_NAMES = {"cfg": "config", "lambda": "lambda"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def terraform_type(token: str) -> str:
    if token in TERRAFORM_TYPES:
        return TERRAFORM_TYPES[token]
    module, resource = token.split(":")[1].split("/")[0], snake(token.split(":")[2])
    module = MODULE_NAMES.get(module, module)
    if module in UNPREFIXED_MODULES or resource.startswith(module):
        return f"aws_{resource}"
    return f"aws_{module}_{resource}"


def terraform_values(value: Any) -> tuple[Any, Any]:
    """(the known value in Terraform's shape, its after_unknown mask)"""
    if props.is_secret(value):
        return terraform_values(value.get("value"))
    if props.is_unknown(value):
        return None, True
    if isinstance(value, dict):
        pairs = {snake(k): terraform_values(v) for k, v in value.items()}
        return ({k: v for k, (v, u) in pairs.items() if u is not True},
                {k: u for k, (_, u) in pairs.items() if u})
    if isinstance(value, list):
        pairs = [terraform_values(v) for v in value]
        return [v for v, _ in pairs], [u or False for _, u in pairs]
    return value, False


def plan(records: list[Any]) -> dict[str, Any]:
    changes = []
    for record in records:
        if not record.custom or not record.type.startswith("aws:"):
            continue
        after, unknown = terraform_values(record.inputs)
        kind = terraform_type(record.type)
        name = re.sub(r"[^A-Za-z0-9_]", "_", record.name)
        changes.append({"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": after,
                                   "after_unknown": unknown or {}}})
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "planned_values": {"root_module": {"resources": [
                {"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
                 "provider_name": c["provider_name"], "values": c["change"]["after"]} for c in changes]}},
            "resource_changes": changes, "configuration": {"root_module": {}}}


def checkov() -> Path:
    venv = CACHE / CHECKOV.replace("==", "-")
    binary = venv / "bin" / "checkov"
    if not binary.exists():
        print(f"installing {CHECKOV} into {venv} (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", CHECKOV], check=True)
    return binary


def timed(command: list[str], ok: tuple[int, ...]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{command[:4]} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    project = load_project(ROOT)
    config = load_stack_config(project, args.stack)
    capture = run_program(project.directory, project.main, project.name, args.stack, config.values,
                          config.secret_keys)
    document = plan(capture.records)
    folder = Path(tempfile.mkdtemp(prefix="checkov-bench-"))
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(document))
    binary = checkov()
    kinds = sorted({c["type"] for c in document["resource_changes"]})
    print(f"{args.stack}: {len(capture.records)} resources captured, {len(document['resource_changes'])} AWS "
          f"resources in the plan ({len(kinds)} Terraform types); cpus {os.cpu_count()}")
    ours, theirs = [], []
    for number in range(args.repeat):
        ours.append(timed([sys.executable, "-m", "preflight", "check", "--stack", args.stack, "--json"], (0, 1)))
        theirs.append(timed([str(binary), "-f", str(plan_file), "--framework", "terraform_plan", "--quiet",
                             "--compact", "-o", "json"], (0, 1)))
        print(f"run {number + 1}: preflight {ours[-1]:.2f} s, checkov {theirs[-1]:.2f} s, "
              f"load average {os.getloadavg()[0]:.1f}")
    checks = subprocess.run([str(binary), "-f", str(plan_file), "--framework", "terraform_plan", "-o", "json",
                             "--quiet"], capture_output=True, text=True)
    summary = json.loads(checks.stdout or "{}").get("summary", {}) if checks.stdout.startswith("{") else {}
    ratio = statistics.median(theirs) / statistics.median(ours)
    print(f"median: preflight {statistics.median(ours):.2f} s, checkov {statistics.median(theirs):.2f} s: preflight is "
          f"{ratio:.2f}x checkov's speed (target 2x); checkov ran {summary.get('passed', '?')} passed and "
          f"{summary.get('failed', '?')} failed checks")
    print_failed(checks.stdout)


def print_failed(report: str) -> None:
    """What checkov still flags on these resources, one line per check: where the pack and checkov disagree."""
    if not report.startswith("{"):
        return
    failed: dict[tuple[str, str], list[str]] = {}
    for check in json.loads(report).get("results", {}).get("failed_checks", []):
        failed.setdefault((check["check_id"], check["check_name"]), []).append(check["resource"])
    for (check_id, name), resources in sorted(failed.items()):
        print(f"  checkov fails {check_id} ({name}) on {len(resources)}: {', '.join(sorted(resources)[:3])}"
              + (" ..." if len(resources) > 3 else ""))


if __name__ == "__main__":
    main()
