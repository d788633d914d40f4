"""SARIF 2.1.0: one rule per policy, one result per finding, located at the line of the program
that constructed the resource, so GitHub code scanning annotates it."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from .analyzer import PolicyMetadata
from .delta import FINGERPRINT_KEY, Delta, fingerprint
from .results import CheckResult, Finding

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_VERSION = "0.1.0"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "": "5.0"}


def source_root(program_dir: Path) -> Path:
    """The repository root (paths in SARIF are relative to it), else the program directory."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=program_dir, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return program_dir
    return Path(top.stdout.strip()) if top.returncode == 0 and top.stdout.strip() else program_dir


def level(enforcement: str, severity: str) -> str:
    if enforcement == "mandatory":
        return "error"
    return "note" if severity == "low" else "warning"


def _rule(policy: PolicyMetadata, pack: str) -> dict[str, Any]:
    criteria = policy.criteria
    return {
        "id": policy.name,
        "name": "".join(part.title() for part in policy.name.split("-")),
        "shortDescription": {"text": policy.description},
        "fullDescription": {"text": f"{policy.description} SOC 2: {', '.join(criteria) or 'unmapped'}."},
        "help": {"text": policy.remediation_steps or policy.description,
                 "markdown": f"**Remediation.** {policy.remediation_steps or policy.description}\n\n"
                             f"**SOC 2 criteria:** {', '.join(criteria) or 'none'}"},
        "defaultConfiguration": {"level": level(policy.enforcement_level, policy.severity),
                                 "enabled": policy.enforcement_level != "disabled"},
        "properties": {"tags": ["soc2", *criteria], "precision": "very-high", "pack": pack,
                       "security-severity": SECURITY_SEVERITY.get(policy.severity, "5.0"),
                       "severity": policy.severity, "enforcementLevel": policy.enforcement_level},
    }


def _location(finding: Finding, program_dir: Path, root: Path, fallback: str) -> dict[str, Any]:
    file, line = (finding.source.file, finding.source.line) if finding.source else (fallback, 1)
    path = Path(file) if Path(file).is_absolute() else program_dir / file
    try:
        uri = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        uri = path.as_posix()
    physical = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": max(line, 1)}}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.urn:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.urn, "name": finding.resource_name,
                                         "kind": "resource"}]
    return location


def _result(finding: Finding, rule_index: int, program_dir: Path, root: Path, delta: Delta | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.policy, "ruleIndex": rule_index,
        "message": {"text": finding.detail or finding.description},
        "locations": [_location(finding, program_dir, root, "Pulumi.yaml")],
        "partialFingerprints": {"preflightPolicyResource/v1": hashlib.sha256(
            f"{finding.policy}\n{finding.urn}".encode()).hexdigest(), FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"urn": finding.urn, "resourceType": finding.resource_type, "pack": finding.pack,
                       "packVersion": finding.pack_version, "enforcementLevel": finding.enforcement_level,
                       "severity": finding.severity, "findingKind": finding.kind},
    }
    if delta is not None:
        result["baselineState"] = "new" if delta.is_new(finding) else "unchanged"
    if finding.kind == "not-evaluated":
        result.update(kind="open", level="none")
    else:
        result.update(kind="fail", level=level(finding.enforcement_level, finding.severity))
    if finding.kind == "waived":
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": finding.detail.splitlines()[0]}]
    return result


def _coverage_notes(result: CheckResult) -> list[dict[str, Any]]:
    """One notification per type no policy examined: an error under --require-coverage, a note otherwise."""
    level = "error" if result.uncovered else "note"
    notes = [{"level": level, "descriptor": {"id": "preflight/not-examined"},
              "message": {"text": f"{u.count} {u.type} resources were examined by no policy"},
              "properties": {"resourceType": u.type, "count": u.count}} for u in result.coverage.unexamined]
    notes += [{"level": "note", "descriptor": {"id": "preflight/opaque-pack"},
               "message": {"text": f"policy pack {pack} does not say which types its policies examine"}}
              for pack in result.coverage.opaque_packs]
    return notes


def _absent(result: CheckResult) -> list[dict[str, Any]]:
    """The baseline's findings this run no longer reports, as SARIF's `absent` results."""
    if result.delta is None:
        return []
    return [{"ruleId": f["policy"], "kind": "pass", "level": "none", "baselineState": "absent",
             "message": {"text": f["message"] or f["policy"]},
             "locations": [{"logicalLocations": [{"fullyQualifiedName": f["urn"], "kind": "resource"}]}] if f["urn"]
             else [],
             "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f["policy"], f["urn"], f["message"])},
             "properties": {"urn": f["urn"], "pack": f.get("pack", ""), "packVersion": f.get("packVersion", "")}}
            for f in result.delta.fixed]


def render_sarif(result: CheckResult) -> str:
    capture = result.capture
    root = source_root(capture.program_dir)
    rules, index = [], {}
    for run in result.packs:
        for policy in run.info.policies:
            if policy.name not in index:
                index[policy.name] = len(rules)
                rules.append(_rule(policy, run.info.name))
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "preflight", "version": TOOL_VERSION, "semanticVersion": TOOL_VERSION,
                                "informationUri": "https://www.pulumi.com/docs/using-pulumi/crossguard/",
                                "rules": rules}},
            "automationDetails": {"id": f"preflight/{capture.project}/{capture.stack}/"},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": _coverage_notes(result),
                             "properties": {"project": capture.project, "stack": capture.stack, "mode": capture.mode,
                                            "resourcesChecked": len(capture.records), "exitCode": result.exit_code,
                                            "notExaminedResources": result.coverage.resources,
                                            "notExaminedTypes": len(result.coverage.unexamined)}}],
            "results": [_result(f, index[f.policy], capture.program_dir, root, result.delta) for f in result.findings
                        if f.policy in index] + _absent(result),
        }],
    }
    return result.redactor.text(json.dumps(document, indent=2) + "\n")
