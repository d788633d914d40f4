"""`--format markdown|html`: the check's verdict as a readable report (pull request comments, CI pages)."""

from __future__ import annotations

from .document import Document
from .results import CheckResult, Finding
from .report_text import summary_line


def check_document(result: CheckResult) -> Document:
    capture = result.capture
    counts = result.counts()
    doc = Document(f"SOC 2 preflight: {capture.project}/{capture.stack}: {'FAIL' if result.exit_code else 'PASS'}")
    doc.paragraph(summary_line(result) + f" ({capture.mode} mode).")
    doc.table(["Mandatory", "Advisory", "Waived", "Not evaluated offline", "Resources", "Not examined", "Policies",
               "Packs"],
              [[str(counts[k]) for k in ("mandatory", "advisory", "waived", "notEvaluated", "resourcesChecked",
                                          "notExaminedResources", "policies", "packs")]])
    delta_section(doc, result)
    doc.heading(2, "Policy packs")
    doc.table(["Pack", "Version", "Policies", "Disabled by config", "Not applicable"],
              [[f"`{r.info.name}`", r.info.version, str(len(r.info.policies)),
                ", ".join(f"`{name}`" for name in r.disabled) or "none", str(len(r.not_applicable))]
               for r in result.packs])
    warnings = [d.message for d in capture.diagnostics if d.severity == "warning"]
    if warnings:
        doc.heading(2, f"Warnings ({len(warnings)})")
        doc.items(warnings)
    coverage_section(doc, result)
    for kind, title in (("violation", "Violations"), ("waived", "Waived findings"),
                        ("not-evaluated", "Not evaluated offline")):
        rows = [_row(f) for f in result.findings if f.kind == kind]
        if rows:
            doc.heading(2, f"{title} ({len(rows)})")
            doc.table(FINDING_COLUMNS, rows)
    return doc


FINDING_COLUMNS = ["Level", "Severity", "Policy", "Pack", "Resource", "Source", "Message"]


def _row(f: Finding) -> list[str]:
    return [f.enforcement_level if f.kind == "violation" else f.kind, f.severity, f"`{f.policy}`",
            f"`{f.pack}` v{f.pack_version}", f"`{f.resource_type}` {f.resource_name}" if f.urn else "(stack)",
            f"`{f.source}`" if f.source else "", f.detail]


def delta_section(doc: Document, result: CheckResult) -> None:
    """What the change introduces leads: its new findings, then the baseline's findings it fixed."""
    delta = result.delta
    if delta is None:
        return
    doc.heading(2, f"New since {delta.baseline} ({len(delta.new)})")
    if delta.new:
        doc.table(FINDING_COLUMNS, [_row(f) for f in delta.new])
    else:
        doc.paragraph("No finding that the baseline does not have.")
    if delta.fixed:
        doc.heading(2, f"Fixed since {delta.baseline} ({len(delta.fixed)})")
        doc.table(["Policy", "Pack", "Resource", "Message"],
                  [[f"`{f['policy']}`", f"`{f.get('pack', '')}` v{f.get('packVersion', '')}",
                    f"`{f.get('resourceType', '')}` {f.get('resourceName', '')}" if f["urn"] else "(stack)",
                    f["message"]] for f in delta.fixed])
    doc.paragraph(f"{delta.unchanged} findings unchanged since {delta.baseline}.")


def coverage_section(doc: Document, result: CheckResult) -> None:
    """The types no policy examined, with counts; a pass says nothing about them."""
    coverage = result.coverage
    if coverage.unexamined:
        doc.heading(2, f"Not examined by any policy ({coverage.summary()})")
        if result.uncovered:
            doc.paragraph("These fail the check: `--require-coverage` is on.")
        doc.table(["Type", "Resources"], [[f"`{u.type}`", str(u.count)] for u in coverage.unexamined])
    if coverage.opaque_packs:
        doc.paragraph(f"Packs that do not say which types their policies examine: "
                      f"{', '.join(f'`{p}`' for p in coverage.opaque_packs)}; the list counts only the policies "
                      "that do.")


def render_markdown(result: CheckResult) -> str:
    return result.redactor.text(check_document(result).markdown())


def render_html(result: CheckResult) -> str:
    return result.redactor.text(check_document(result).html())
