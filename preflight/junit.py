"""JUnit XML: one testcase per policy and resource it examined. Violations fail; waived, not
applicable and not-evaluated results are skipped with the reason. A last suite has one testcase
per type no policy examined: skipped, or failed under --require-coverage."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from .results import CheckResult, Finding


def render_junit(result: CheckResult) -> str:
    capture = result.capture
    findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        findings[finding.policy, finding.urn].append(finding)
    records = capture.by_urn()
    by_type: dict[str, list] = defaultdict(list)
    for record in capture.records:
        by_type[record.type].append(record)
    suites = ElementTree.Element("testsuites", name=f"preflight {capture.project}/{capture.stack}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for run in result.packs:
        not_applicable = {(policy, urn): reason for policy, urn, reason in run.not_applicable}
        suite = ElementTree.SubElement(suites, "testsuite", name=f"{run.info.name}@v{run.info.version}")
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        disabled = set(run.disabled)
        for policy in run.info.policies:
            if policy.name in disabled:
                continue
            examined = [r for t in policy.resource_types for r in by_type.get(t, [])] if policy.resource_types \
                else capture.records
            subjects = [("stack", "", "")] if policy.policy_type == "stack" else \
                [(r.type, r.urn, r.name) for r in examined]
            # A stack policy may report against any resource: each such resource is its own testcase.
            if policy.policy_type == "stack":
                subjects += [(f.resource_type or "stack", f.urn, f.resource_name)
                             for (name, urn), group in findings.items() if name == policy.name and urn
                             for f in group[:1]]
            for classname, urn, resource_name in subjects:
                case = ElementTree.SubElement(suite, "testcase", classname=classname,
                                              name=f"{policy.name} [{resource_name or 'stack'}]")
                record = records.get(urn)
                if record is not None and record.source is not None:
                    case.set("file", record.source.file)
                    case.set("line", str(record.source.line))
                counts["tests"] += 1
                found = findings.get((policy.name, urn), [])
                outcome = _outcome(case, found, not_applicable.get((policy.name, urn)))
                if result.delta is not None and found:
                    _baseline_state(case, any(result.delta.is_new(f) for f in found))
                if outcome:
                    counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    coverage = _coverage_suite(suites, result)
    for key, value in totals.items():
        suites.set(key, str(value + coverage[key]))
    ElementTree.indent(suites)
    return result.redactor.text(ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")


def _baseline_state(case: ElementTree.Element, new: bool) -> None:
    """Whether the baseline (--baseline, --baseline-ref) had this testcase's findings, as a testcase property."""
    properties = ElementTree.Element("properties")
    ElementTree.SubElement(properties, "property", name="baselineState", value="new" if new else "unchanged")
    case.insert(0, properties)


def _coverage_suite(suites: ElementTree.Element, result: CheckResult) -> dict[str, int]:
    unexamined = result.coverage.unexamined
    counts = {"tests": len(unexamined), "failures": len(unexamined) if result.uncovered else 0,
              "skipped": 0 if result.uncovered else len(unexamined)}
    if not unexamined:
        return counts
    suite = ElementTree.SubElement(suites, "testsuite", name="coverage: types no policy examined",
                                   **{k: str(v) for k, v in counts.items()})
    for entry in unexamined:
        case = ElementTree.SubElement(suite, "testcase", classname=entry.type,
                                      name=f"examined by a policy [{entry.count} resources]")
        message = f"{entry.count} {entry.type} resources were examined by no policy"
        ElementTree.SubElement(case, "failure" if result.uncovered else "skipped", message=message)
    return counts


def _outcome(case: ElementTree.Element, found: list[Finding], not_applicable: str | None) -> str:
    """Adds the failure or skip element; returns its counter ("failures" or "skipped"), or "" if it passed."""
    violations = [f for f in found if f.kind == "violation"]
    if violations:
        first = violations[0]
        failure = ElementTree.SubElement(case, "failure", type=first.enforcement_level,
                                         message=f"[{first.enforcement_level}] {first.detail.splitlines()[0]}")
        failure.text = "\n\n".join(f"{v.description}\n{v.detail}\n{v.urn}" for v in violations)
        return "failures"
    reasons = [f"waived: {f.detail.splitlines()[0]}" for f in found if f.kind == "waived"] + \
              [f"not evaluated offline: {f.detail}" for f in found if f.kind == "not-evaluated"] + \
              ([f"not applicable: {not_applicable or 'declared by the policy'}"] if not_applicable is not None else [])
    if reasons:
        ElementTree.SubElement(case, "skipped", message=reasons[0])
        return "skipped"
    return ""
