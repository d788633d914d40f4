"""The evidence page: one self-contained HTML page per stack that people, auditors included, can read.

The verdict, a chart of the criteria's statuses, the criteria by category with details on demand,
the findings filterable by severity, service and status (each linked to its source line), the types
no policy examined, the waivers with their expiry, and with --since the change exceptions. The page
loads nothing: its CSS, SVG and script are inline, and its Content-Security-Policy forbids any
request. It regenerates byte for byte from the same inputs; how soon a waiver expires is worked out
by the page when it is opened or printed.
"""

from __future__ import annotations

import re
from html import escape
from importlib import resources

from soc2_policies.conventions import WAIVED_MARK

from .changes import ChangeLog
from .matrix import CriterionRow, control_matrix
from .results import CheckResult, Finding
from .source_links import SourceLinks
from .soc2 import STATUSES

CATEGORIES = {
    "CC1": "Control environment", "CC2": "Communication and information", "CC3": "Risk assessment",
    "CC4": "Monitoring activities", "CC5": "Control activities", "CC6": "Logical and physical access controls",
    "CC7": "System operations", "CC8": "Change management", "CC9": "Risk mitigation", "A": "Availability",
    "C": "Confidentiality", "PI": "Processing integrity", "P": "Privacy"}
STATUS_CLASS = dict(zip(STATUSES, ("enforced", "failing", "waived", "partly", "organizational")))
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
WAIVER = re.compile(re.escape(WAIVED_MARK) + r" until (\S+), owner ([^:]*): ([^\n]*)")
SOON_DAYS = 30
"""A waiver that expires within this many days stands out."""


def _asset(name: str) -> str:
    return resources.files("preflight").joinpath("data", name).read_text(encoding="utf-8")


def category(criterion: str) -> str:
    return criterion.split(".", 1)[0] if criterion.startswith("CC") else re.match(r"[A-Z]+", criterion).group(0)  # type: ignore[union-attr]


def service(finding: Finding) -> str:
    """The service a finding is about: an AWS type's module (rds), another provider's name (github), and for a
    stack policy the service its name starts with (the pack's `<service>-<resource>-<rule>`)."""
    if not finding.resource_type:
        return finding.policy.split("-", 1)[0]
    provider, _, rest = finding.resource_type.partition(":")
    module = rest.split("/", 1)[0] if "/" in rest else ""
    if provider == "aws" and module:
        return module
    return provider if module in ("", "index") else f"{provider}:{module}"


def status_of(finding: Finding) -> str:
    if finding.kind == "violation":
        return finding.enforcement_level
    return "not evaluated" if finding.kind == "not-evaluated" else finding.kind


def render_page(result: CheckResult, links: SourceLinks, changes: ChangeLog | None = None, printing: bool = False) -> str:
    rows = control_matrix(result)
    capture = result.capture
    verdict = "FAIL" if result.exit_code else "PASS"
    body = [_header(result, verdict), _chart(rows), _criteria(rows, links, printing), _findings(result, links),
            _not_examined(result), _waivers(result, links)]
    if changes is not None:
        body.append(_changes(changes))
    title = escape(f"SOC 2 evidence: {capture.project}/{capture.stack}: {verdict}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{title}</title><style>{_asset('evidence-page.css')}</style></head>\n"
            f"<body data-soon-days=\"{SOON_DAYS}\">\n" + "\n".join(body) +
            f"\n<script>{_asset('evidence-page.js')}</script>\n</body></html>\n")


def _header(result: CheckResult, verdict: str) -> str:
    capture, counts = result.capture, result.counts()
    facts = [("Mandatory", counts["mandatory"]), ("Advisory", counts["advisory"]), ("Waived", counts["waived"]),
             ("Not evaluated offline", counts["notEvaluated"]), ("Resources", counts["resourcesChecked"]),
             ("Not examined", counts["notExaminedResources"])]
    packs = ", ".join(f"{r.info.name} v{r.info.version}" for r in result.packs)
    return (f"<header><h1>SOC 2 evidence: {escape(capture.project)}/{escape(capture.stack)}</h1>"
            f"<p class=\"verdict verdict-{verdict.lower()}\" id=\"verdict\">{verdict}</p>"
            f"<p>A {escape(capture.mode)}-mode check of {len(capture.records)} resources by {escape(packs)}. "
            "A criterion is enforced only where a policy checks it and passed; what code cannot prove is named as "
            "an organizational control.</p><dl class=\"facts\">" +
            "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in facts) + "</dl></header>")


def _chart(rows: list[CriterionRow]) -> str:
    counts = [(status, sum(r.status == status for r in rows)) for status in STATUSES]
    total, width, x = max(len(rows), 1), 1000, 0.0
    bars, legend = [], []
    for status, count in counts:
        share = width * count / total
        css = STATUS_CLASS[status]
        bars.append(f"<rect class=\"segment fill-{css}\" data-status=\"{css}\" x=\"{x:.1f}\" y=\"0\" width=\"{share:.1f}\" "
                    f"height=\"48\" tabindex=\"0\" role=\"button\"><title>{escape(status)}: {count}</title></rect>")
        legend.append(f"<button type=\"button\" class=\"legend\" data-status=\"{css}\"><span class=\"swatch fill-{css}\">"
                      f"</span>{escape(status)} <b class=\"count\">{count}</b></button>")
        x += share
    return ("<section id=\"chart\"><h2>Criteria by status</h2>"
            f"<svg viewBox=\"0 0 {width} 48\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"criteria by status\">"
            + "".join(bars) + "</svg><div class=\"legends\">" + "".join(legend) +
            "</div><p class=\"hint\">Select a status to show only its criteria; select it again to show all.</p></section>")


def _criteria(rows: list[CriterionRow], links: SourceLinks, printing: bool) -> str:
    out = ["<section id=\"criteria\"><h2>Trust Services Criteria</h2>"]
    for key, name in CATEGORIES.items():
        group = [r for r in rows if category(r.id) == key]
        if not group:
            continue
        out.append(f"<div class=\"category\" data-category=\"{key}\"><h3>{key} {escape(name)}</h3>")
        out += [_criterion(r, links, printing) for r in group]
        out.append("</div>")
    return "".join(out) + "</section>"


def _criterion(row: CriterionRow, links: SourceLinks, printing: bool) -> str:
    css = STATUS_CLASS[row.status]
    details = [f"<p>{escape(row.note)}</p>" if row.note else "",
               f"<p><b>Policies:</b> {', '.join(f'<code>{escape(p)}</code>' for p in row.policies) or 'none'}</p>",
               f"<p><b>Components:</b> {escape(', '.join(row.components)) or 'none'}; <b>resources examined:</b> "
               f"{row.resources}</p>"]
    found = row.violations + row.waived + row.not_evaluated
    if found:
        details.append("<ul>" + "".join(f"<li>{escape(status_of(f))}: <code>{escape(f.policy)}</code> on "
                                        f"{escape(f.resource_name or 'the stack')} {_source(f, links)}</li>"
                                        for f in found) + "</ul>")
    return (f"<details class=\"criterion\" data-status=\"{css}\"{' open' if printing else ''}><summary>"
            f"<span class=\"id\">{escape(row.id)}</span> {escape(row.title)} "
            f"<span class=\"badge status-{css}\">{escape(row.status)}</span></summary>{''.join(details)}</details>")


def _source(finding: Finding, links: SourceLinks) -> str:
    if finding.source is None:
        return ""
    url = links.url(finding.source)
    text = escape(str(finding.source))
    return f"<a class=\"source\" href=\"{escape(url)}\">{text}</a>" if url else f"<code>{text}</code>"


def _options(name: str, label: str, values: list[str]) -> str:
    return (f"<label>{label} <select id=\"filter-{name}\" data-filter=\"{name}\"><option value=\"\">all</option>" +
            "".join(f"<option>{escape(v)}</option>" for v in values) + "</select></label>")


def _findings(result: CheckResult, links: SourceLinks) -> str:
    findings = result.findings
    if not findings:
        return "<section id=\"findings\"><h2>Findings</h2><p>No policy reported anything.</p></section>"
    rows = "".join(
        f"<tr data-severity=\"{escape(f.severity)}\" data-service=\"{escape(service(f))}\" data-status=\"{escape(status_of(f))}\">"
        f"<td>{escape(status_of(f))}</td><td>{escape(f.severity)}</td><td>{escape(service(f))}</td>"
        f"<td><code>{escape(f.policy)}</code></td><td>{escape(f.resource_name or '(stack)')}"
        f"<br><small>{escape(f.resource_type)}</small></td><td>{_source(f, links)}</td>"
        f"<td>{escape(f.detail)}</td></tr>" for f in findings)
    filters = (_options("severity", "Severity", sorted({f.severity for f in findings})) +
               _options("service", "Service", sorted({service(f) for f in findings})) +
               _options("status", "Status", sorted({status_of(f) for f in findings})))
    return (f"<section id=\"findings\"><h2>Findings</h2><div class=\"filters\">{filters}"
            f"<span class=\"shown\"><b id=\"findings-shown\">{len(findings)}</b> of {len(findings)} shown</span></div>"
            "<table><thead><tr><th>Status</th><th>Severity</th><th>Service</th><th>Policy</th><th>Resource</th>"
            f"<th>Source</th><th>Message</th></tr></thead><tbody id=\"findings-rows\">{rows}</tbody></table></section>")


def _not_examined(result: CheckResult) -> str:
    coverage = result.coverage
    if not coverage.unexamined:
        return "<section id=\"not-examined\"><h2>Not examined</h2><p>Every resource type in the stack is examined by a policy.</p></section>"
    rows = "".join(f"<tr><td><code>{escape(u.type)}</code></td><td>{u.count}</td></tr>" for u in coverage.unexamined)
    return (f"<section id=\"not-examined\"><h2>Not examined ({escape(coverage.summary())})</h2>"
            "<p>No policy looked at these resources: the verdict says nothing about them.</p>"
            f"<table><thead><tr><th>Type</th><th>Resources</th></tr></thead><tbody>{rows}</tbody></table></section>")


def _waivers(result: CheckResult, links: SourceLinks) -> str:
    waived = [(f, WAIVER.match(f.detail)) for f in result.findings if f.kind == "waived"]
    if not waived:
        return "<section id=\"waivers\"><h2>Waivers</h2><p>No finding is waived.</p></section>"
    rows = "".join(
        f"<tr class=\"waiver\" data-expires=\"{escape(m.group(1) if m else '')}\"><td><code>{escape(f.policy)}</code></td>"
        f"<td>{escape(f.resource_name or '(stack)')} {_source(f, links)}</td><td>{escape(m.group(1) if m else '-')}</td>"
        f"<td class=\"left\"></td><td>{escape(m.group(2) if m else '-')}</td><td>{escape(m.group(3) if m else f.detail)}</td></tr>"
        for f, m in waived)
    return (f"<section id=\"waivers\"><h2>Waivers ({len(waived)})</h2><p>Waivers expiring within {SOON_DAYS} days "
            "are marked; an expired waiver no longer applies.</p><table><thead><tr><th>Policy</th><th>Resource</th>"
            f"<th>Expires</th><th>Left</th><th>Owner</th><th>Justification</th></tr></thead><tbody>{rows}</tbody></table></section>")


def _changes(log: ChangeLog) -> str:
    exceptions = log.exceptions
    rows = "".join(f"<tr><td><code>{escape(c.commit[:12])}</code></td><td>{escape(c.date)}</td><td>{escape(c.author)}</td>"
                   f"<td>{escape(c.subject)}</td><td>{escape(', '.join(c.exceptions))}</td></tr>" for c in exceptions)
    table = ("<table><thead><tr><th>Commit</th><th>Date</th><th>Author</th><th>Subject</th><th>Exception</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if exceptions else "<p>None: every change went through a pull request that names a ticket.</p>"
    return (f"<section id=\"changes\"><h2>Change exceptions since {escape(log.since)} ({len(exceptions)} of "
            f"{len(log.changes)} changes)</h2><p>From {escape(log.source())}. Every change is in changes.md and "
            f"changes.csv.</p>{table}</section>")
