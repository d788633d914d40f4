"""The terminal report: violations grouped by resource, as `pulumi preview` shows policies."""

from __future__ import annotations

from itertools import groupby

from .results import CheckResult, Finding

ICONS = {"mandatory": "❌", "advisory": "⚠️ ", "waived": "⏸ ", "not-evaluated": "❔"}


def render_text(result: CheckResult) -> str:
    capture = result.capture
    counts = result.counts()
    verb = "Analyzing the deployed state of" if capture.mode == "state" else "Previewing"
    lines = [f"{verb} {capture.project}/{capture.stack} offline ({capture.mode} mode): "
             f"{counts['resourcesChecked']} resources checked by {counts['packs']} policy pack(s), "
             f"{counts['policies']} policies" + (f" ({counts['disabled']} disabled)" if counts["disabled"] else ""), ""]
    lines.append("Policy Packs run:")
    for run in result.packs:
        mine = [f for f in result.findings if f.pack == run.info.name]
        icon = "❌" if any(f.blocking for f in mine) else ("⚠️ " if mine else "✅")
        lines.append(f"    {icon} {run.info.name}@v{run.info.version} (local: {run.info.directory.name})")
        if run.disabled:
            lines.append(f"       disabled by config: {', '.join(run.disabled)}")
    lines.append("")
    lines.extend(delta_lines(result))
    if result.findings:
        lines.append("Policy violations:")
        for urn, group in groupby(result.findings, key=lambda f: f.urn):
            lines.extend(_resource_block(urn, list(group)))
    lines.extend(coverage_lines(result))
    warnings = [d for d in capture.diagnostics if d.severity == "warning"]
    if warnings:
        lines.append(f"Warnings ({len(warnings)}):")
        lines.extend(f"    {d.message}" for d in warnings)
        lines.append("")
    lines.append(summary_line(result))
    return result.redactor.text("\n".join(lines) + "\n")


def summary_line(result: CheckResult) -> str:
    c = result.counts()
    verdict = "FAIL" if result.exit_code else "PASS"
    required = " (--require-coverage)" if result.uncovered else ""
    delta = result.delta
    since = "" if delta is None else (f"; {len(delta.new)} new ({sum(1 for f in delta.new if f.blocking)} mandatory), "
                                      f"{len(delta.fixed)} fixed, {delta.unchanged} unchanged since {delta.baseline}"
                                      + (" (--fail-on new)" if result.fail_on_new else ""))
    return (f"{verdict}: {c['mandatory']} mandatory, {c['advisory']} advisory, {c['waived']} waived, "
            f"{c['notEvaluated']} not evaluated offline; {c['resourcesChecked']} resources checked; "
            f"{result.coverage.summary()}{required}{since}")


def delta_lines(result: CheckResult) -> list[str]:
    """What the change introduces, first: the new findings in full, then what it fixed."""
    delta = result.delta
    if delta is None:
        return []
    lines = [f"New since {delta.baseline} ({len(delta.new)}):" + ("" if delta.new else " none"), ""]
    for urn, group in groupby(sorted(delta.new, key=lambda f: f.urn), key=lambda f: f.urn):
        lines.extend(_resource_block(urn, list(group)))
    if delta.fixed:
        lines.append(f"Fixed since {delta.baseline} ({len(delta.fixed)}):")
        lines.extend(f"    {f['policy']}  {f.get('resourceType') or '(stack)'}  {f.get('resourceName', '')}".rstrip()
                     for f in delta.fixed)
        lines.append("")
    return lines


def coverage_lines(result: CheckResult) -> list[str]:
    """What no policy examined, so a pass is never read as covering it."""
    coverage = result.coverage
    lines = []
    if coverage.unexamined:
        label = "fails the check: --require-coverage" if result.uncovered else "no policy looked at these"
        lines.append(f"Not examined by any policy ({coverage.summary()}; {label}):")
        lines.extend(f"    {u.type}  x{u.count}" for u in coverage.unexamined)
        lines.append("")
    if coverage.opaque_packs:
        lines.append(f"Packs that do not say which types their policies examine: {', '.join(coverage.opaque_packs)}; "
                     "the list above counts only the policies that do.")
        lines.append("")
    return lines


def _resource_block(urn: str, findings: list[Finding]) -> list[str]:
    first = findings[0]
    if urn:
        lines = [f"  {first.resource_type}  {first.resource_name}", f"    {urn}"]
        if first.source:
            lines.append(f"    at {first.source}")
    else:
        lines = ["  (stack)"]
    for f in findings:
        label = f.kind if f.kind != "violation" else f.enforcement_level
        icon = ICONS.get(label, "")
        severity = f", severity {f.severity}" if f.severity else ""
        lines.append(f"    {icon} [{label}]  {f.policy}  ({f.pack}@v{f.pack_version}{severity})")
        lines.append(f"          {f.description}")
        for text in f.detail.splitlines():
            lines.append(f"          {text}")
    lines.append("")
    return lines
