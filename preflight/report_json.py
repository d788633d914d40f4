"""The machine-readable report (`--format json`)."""

from __future__ import annotations

import json
from typing import Any

from .results import CheckResult, Finding

SCHEMA_VERSION = 1


def report_data(result: CheckResult, include_resources: bool = False) -> dict[str, Any]:
    capture = result.capture
    data: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "project": capture.project,
        "stack": capture.stack,
        "mode": capture.mode,
        "verdict": "fail" if result.exit_code else "pass",
        "exitCode": result.exit_code,
        "summary": result.counts(),
        "timings": result.timings,
        "packs": [{"name": r.info.name, "version": r.info.version, "directory": str(r.info.directory),
                   "policies": len(r.info.policies), "notApplicable": len(r.not_applicable)} for r in result.packs],
        "findings": [_finding(f, result) for f in result.findings],
        "coverage": {"notExamined": [{"type": u.type, "count": u.count} for u in result.coverage.unexamined],
                     "opaquePacks": list(result.coverage.opaque_packs), "required": result.require_coverage},
        "diagnostics": [{"severity": d.severity, "message": d.message, "urn": d.urn} for d in capture.diagnostics],
        "stackOutputs": result.redactor.properties(capture.stack_outputs),
    }
    if result.delta is not None:
        data["delta"] = result.delta.to_json()
        data["failOn"] = "new" if result.fail_on_new else "any"
    data = result.redactor.strings(data)
    if include_resources:
        data["resources"] = [_resource(r.to_json(), result) for r in capture.records]
    return data


def _finding(finding: Finding, result: CheckResult) -> dict[str, Any]:
    data = finding.to_json()
    if result.delta is not None:
        data["baselineState"] = "new" if result.delta.is_new(finding) else "unchanged"
    return data


def _resource(record: dict[str, Any], result: CheckResult) -> dict[str, Any]:
    """A resource as reports show it: secrets, and plain values of credential-looking keys, redacted."""
    properties = ("inputs", "outputs")
    rest = result.redactor.strings({k: v for k, v in record.items() if k not in properties})
    return {k: result.redactor.properties(v) if k in properties else rest[k] for k, v in record.items()}


def render_json(result: CheckResult) -> str:
    return result.redactor.text(json.dumps(report_data(result), indent=2, sort_keys=False) + "\n")
