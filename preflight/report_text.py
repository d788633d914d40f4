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
    if result.findings:
        lines.append("Policy violations:")
        for urn, group in groupby(result.findings, key=lambda f: f.urn):
            lines.extend(_resource_block(urn, list(group)))
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
    return (f"{verdict}: {c['mandatory']} mandatory, {c['advisory']} advisory, {c['waived']} waived, "
            f"{c['notEvaluated']} not evaluated offline; {c['resourcesChecked']} resources checked")


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
