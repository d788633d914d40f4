"""Reports of several stacks: each stack's own report in a section of its own, and a combined summary.

JSON holds one entry per stack (each the single-stack report), SARIF one run per stack, JUnit one set
of suites per stack (named after it), and text, Markdown and HTML a section per stack. The exit
code is the worst of the stacks'.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from typing import Any, Callable

from .document import Document, Heading
from .junit import render_junit as single_junit
from .report_document import check_document
from .report_json import SCHEMA_VERSION, report_data
from .report_text import render_text as single_text
from .report_text import summary_line
from .results import CheckResult
from .sarif import render_sarif as single_sarif


def exit_code(results: list[CheckResult]) -> int:
    return max(r.exit_code for r in results)


def combined_line(results: list[CheckResult]) -> str:
    """"FAIL: 2 stacks (dev PASS, prod FAIL); 3 mandatory, ...", the whole run in one line."""
    totals = Counter()
    for result in results:
        totals.update(result.counts())
    verdicts = ", ".join(f"{r.capture.stack} {'FAIL' if r.exit_code else 'PASS'}" for r in results)
    return (f"{'FAIL' if exit_code(results) else 'PASS'}: {len(results)} stacks ({verdicts}); {totals['mandatory']} "
            f"mandatory, {totals['advisory']} advisory, {totals['waived']} waived, {totals['notEvaluated']} not "
            f"evaluated offline; {totals['resourcesChecked']} resources checked")


def render_text(results: list[CheckResult]) -> str:
    parts = [f"=== stack {r.capture.stack} ===\n{single_text(r)}" for r in results]
    lines = [f"    {r.capture.stack}: {summary_line(r)}" for r in results]
    return "\n".join(parts) + "\n=== all stacks ===\n" + "\n".join(lines) + "\n" + combined_line(results) + "\n"


def render_json(results: list[CheckResult]) -> str:
    data: dict[str, Any] = {"schemaVersion": SCHEMA_VERSION, "verdict": "fail" if exit_code(results) else "pass",
                            "exitCode": exit_code(results), "summary": _totals(results),
                            "stacks": [report_data(r) for r in results]}
    text = json.dumps(data, indent=2) + "\n"
    for result in results:
        text = result.redactor.text(text)
    return text


def _totals(results: list[CheckResult]) -> dict[str, int]:
    totals: Counter = Counter()
    for result in results:
        totals.update(result.counts())
    return {"stacks": len(results), "failedStacks": sum(1 for r in results if r.exit_code), **totals}


def render_sarif(results: list[CheckResult]) -> str:
    documents = [json.loads(single_sarif(r)) for r in results]
    combined = {**documents[0], "runs": [run for document in documents for run in document["runs"]]}
    return json.dumps(combined, indent=2) + "\n"


def render_junit(results: list[CheckResult]) -> str:
    top = ElementTree.Element("testsuites", name=f"preflight {results[0].capture.project}: {len(results)} stacks")
    totals: Counter = Counter()
    for result in results:
        suites = ElementTree.fromstring(single_junit(result).split("?>", 1)[1])
        for suite in suites:
            suite.set("name", f"{result.capture.stack}: {suite.get('name')}")
            top.append(suite)
        totals.update({k: int(suites.get(k, "0")) for k in ("tests", "failures", "skipped")})
    for key, value in totals.items():
        top.set(key, str(value))
    ElementTree.indent(top)
    return ElementTree.tostring(top, encoding="unicode", xml_declaration=True) + "\n"


def stacks_document(results: list[CheckResult]) -> Document:
    doc = Document(f"SOC 2 preflight: {results[0].capture.project}, {len(results)} stacks: "
                   f"{'FAIL' if exit_code(results) else 'PASS'}")
    doc.paragraph(combined_line(results) + ".")
    doc.table(["Stack", "Verdict", "Mandatory", "Advisory", "Waived", "Not evaluated offline", "Resources"],
              [[f"`{r.capture.stack}`", "FAIL" if r.exit_code else "PASS", *(str(r.counts()[k]) for k in (
                  "mandatory", "advisory", "waived", "notEvaluated", "resourcesChecked"))] for r in results])
    for result in results:
        single = check_document(result)
        doc.heading(2, single.title)
        doc.blocks += [Heading(b.level + 1, b.text) if isinstance(b, Heading) else b for b in single.blocks]
    return doc


def render_markdown(results: list[CheckResult]) -> str:
    return _masked(stacks_document(results).markdown(), results)


def render_html(results: list[CheckResult]) -> str:
    return _masked(stacks_document(results).html(), results)


def _masked(text: str, results: list[CheckResult]) -> str:
    for result in results:
        text = result.redactor.text(text)
    return text


RENDERERS: dict[str, Callable[[list[CheckResult]], str]] = {
    "text": render_text, "json": render_json, "sarif": render_sarif, "junit": render_junit, "markdown": render_markdown,
    "html": render_html}
