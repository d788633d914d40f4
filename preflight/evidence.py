"""`preflight evidence --stack prod --out DIR`: the auditor's bundle from one check.

Everything is produced from the same run, in memory, then written as a whole (an earlier bundle
in DIR is replaced; a failure leaves it as it was). Only README.md carries the date and commit:
the other files regenerate byte for byte from the same inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .access_review import grants, read_roster, review_csv, review_document, roster_change, roster_path
from .changes import ChangeLog
from .change_evidence import DESCRIBED as CHANGE_FILES, ChangeRequest, change_files, change_log
from .check import CheckOptions, check
from .document import Document
from .evidence_page import render_page
from .junit import render_junit
from .matrix import control_matrix, matrix_document
from .report_document import render_markdown
from .policy_documents import policy_documents
from .pdf import find_chromium, print_pdf
from .project import load_project, load_stack_config
from .report_json import report_data
from .results import CheckResult
from .sarif import TOOL_VERSION, render_sarif
from .soc2 import STATUSES
from .source_links import source_links
from .strict_yaml import decode
from .writing import check_output_directory, write_directory

PACKAGES = ("pulumi", "pulumi-policy", "pulumi-aws", "pulumi-github", "pulumi-datadog", "pulumi-pagerduty",
            "pulumi-random", "grpcio")


@dataclass
class EvidenceOptions:
    out: Path
    check: CheckOptions = field(default_factory=CheckOptions)
    roster: Path | None = None
    since: str | None = None
    page_format: str = "html"
    """html: evidence.html; pdf: evidence.pdf besides."""


@dataclass(frozen=True)
class StackInputs:
    """What one stack's bundle needs besides its check, read before anything runs."""
    roster_file: Path
    people: list[dict]
    changes: ChangeLog | None
    """The change log (--since), else None."""
    chromium: str
    """The browser that prints evidence.pdf (--format pdf), else empty."""


def evidence(options: EvidenceOptions) -> tuple[CheckResult, dict[str, str | bytes]]:
    """Runs the check and writes the bundle; returns the verdict and what was written."""
    inputs = prepare(options, [options.check.stack])
    result = check(options.check)
    files = stack_files(result, options, inputs[options.check.stack])
    write_directory(options.out, files)  # type: ignore[arg-type]
    return result, files


def prepare(options: EvidenceOptions, stacks: list[str]) -> dict[str, StackInputs]:
    """Refuses a bad output directory, roster, ref or a missing Chromium before anything runs; returns what each
    stack's bundle needs besides its check."""
    check_output_directory(options.out)
    project = load_project(options.check.program)
    chromium = find_chromium() if options.page_format == "pdf" else ""
    inputs = {}
    for stack in stacks:
        config = load_stack_config(project, stack)
        roster_file = roster_path(project, config, options.roster)
        people = read_roster(decode(roster_file.read_bytes(), str(roster_file)), str(roster_file)) \
            if roster_file.is_file() else []
        changes = change_log(ChangeRequest(options.check.program, options.since), config) if options.since else None
        inputs[stack] = StackInputs(roster_file, people, changes, chromium)
    return inputs


def stack_files(result: CheckResult, options: EvidenceOptions, inputs: StackInputs) -> dict[str, str | bytes]:
    """One stack's bundle, redacted."""
    people = inputs.people
    change = roster_change(people, inputs.roster_file, options.since) if options.since and people else None
    files: dict[str, str | bytes] = dict(bundle(result, people, change))
    links = source_links(options.check.program)
    files["evidence.html"] = render_page(result, links, inputs.changes)
    files.update(change_files(inputs.changes) if inputs.changes else {})
    if inputs.chromium:
        page = result.redactor.text(render_page(result, links, inputs.changes, printing=True))
        files["evidence.pdf"] = print_pdf(page, inputs.chromium)
    files["README.md"] = index(result, files, options.check.program, inputs.roster_file if people else None)
    return {name: result.redactor.text(text) if isinstance(text, str) else text  # whatever a document quoted
            for name, text in files.items()}


def stacks_files(results: list[CheckResult], options: EvidenceOptions,
                 inputs: dict[str, StackInputs]) -> dict[str, str | bytes]:
    """One bundle per stack, in a directory named after it, and an index of them."""
    files: dict[str, str | bytes] = {}
    for result in results:
        stack = result.capture.stack
        files.update({f"{stack}/{name}": text for name, text in stack_files(result, options, inputs[stack]).items()})
    files["README.md"] = stacks_index(results, options.check.program)
    return files


def stacks_index(results: list[CheckResult], program: Path) -> str:
    worst = max(r.exit_code for r in results)
    doc = Document(f"SOC 2 evidence: {results[0].capture.project}, {len(results)} stacks: "
                   f"{'FAIL' if worst else 'PASS'}")
    doc.paragraph(f"Commit {_commit(program)}, generated "
                  f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')}. Each stack's bundle is in "
                  "its own directory; its README.md lists what the bundle holds.")
    doc.table(["Stack", "Verdict", "Mandatory", "Advisory", "Waived", "Not evaluated offline", "Resources", "Bundle"],
              [[f"`{r.capture.stack}`", "FAIL" if r.exit_code else "PASS", *(str(r.counts()[k]) for k in (
                  "mandatory", "advisory", "waived", "notEvaluated", "resourcesChecked")),
                f"[{r.capture.stack}/README.md]({r.capture.stack}/README.md)"] for r in results])
    return doc.markdown()


def bundle(result: CheckResult, roster: list[dict], change: object) -> dict[str, str]:
    people, strays, systems = grants(result.capture, roster)
    review = review_document(result.capture, people, strays, change, systems)  # type: ignore[arg-type]
    matrix = matrix_document(result)
    files = {
        "results.md": render_markdown(result),
        "results.json": json.dumps(report_data(result, include_resources=True), indent=2) + "\n",
        "results.sarif": render_sarif(result),
        "results.junit.xml": render_junit(result),
        "soc2-matrix.md": matrix.markdown(),
        "soc2-matrix.html": matrix.html(),
        "access-review.md": review.markdown(),
        "access-review.csv": review_csv(people, change),  # type: ignore[arg-type]
    }
    files.update({f"policies/{name}": text for name, text in policy_documents(result).items()})
    return files


def index(result: CheckResult, files: dict, program: Path, roster: Path | None) -> str:
    capture = result.capture
    counts = result.counts()
    statuses = [row.status for row in control_matrix(result)]
    doc = Document(f"SOC 2 evidence: {capture.project}/{capture.stack}")
    doc.table(["Item", "Value"], [
        ["Stack", f"`{capture.project}/{capture.stack}`"],
        ["Commit", _commit(program)],
        ["Generated", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")],
        ["Verdict", f"{'FAIL' if result.exit_code else 'PASS'}: {counts['mandatory']} mandatory, {counts['advisory']} "
                    f"advisory, {counts['waived']} waived, {counts['notEvaluated']} not evaluated offline"],
        ["Resources checked", f"{counts['resourcesChecked']} ({capture.mode} mode)"],
        ["Not examined", result.coverage.summary() + (": " + ", ".join(
            f"`{u.type}` x{u.count}" for u in result.coverage.unexamined) if result.coverage.unexamined else "")],
        ["Policy packs", ", ".join(f"`{r.info.name}` v{r.info.version} ({len(r.info.policies)} policies"
                                   + (f", {len(r.disabled)} disabled by config" if r.disabled else "") + ")"
                                   for r in result.packs)],
        ["SOC 2 criteria", "; ".join(f"{statuses.count(s)} {s}" for s in STATUSES)],
        ["Roster", str(roster) if roster else "none found (pass --roster)"],
        ["Tools", f"preflight {TOOL_VERSION}, Python {platform.python_version()}, " +
         ", ".join(f"{p} {_version(p)}" for p in PACKAGES)],
    ])
    doc.heading(2, "Contents")
    described = {
        "results.md": "the verdict and every finding, as the pull request's check summary shows it",
        "results.json": "every finding and every resource checked (secrets redacted)",
        "results.sarif": "SARIF 2.1.0 for code scanning: one rule per policy, results at the line that built the resource",
        "results.junit.xml": "one test per policy and resource examined",
        "soc2-matrix.md": "every Trust Services Criterion with its status, policies, components and findings",
        "soc2-matrix.html": "the same matrix as a self-contained page",
        "access-review.md": "everyone's access in AWS, GitHub, Datadog and PagerDuty, administrators, people past "
                            "their until date, accounts outside the roster, and with --since who joined and left "
                            "each system",
        "access-review.csv": "the access review, one row per grant",
        "evidence.html": "the evidence page: verdict, criteria chart, criteria by category, findings to filter, "
                         "waivers, types not examined" + (", change exceptions" if "changes.md" in files else ""),
        "evidence.pdf": "the evidence page printed by headless Chromium, every criterion's details open",
        **CHANGE_FILES,
    }
    doc.items([f"`{name}`: {described.get(name, 'policy document generated from this stack')}" for name in files
               if name != "README.md"])
    doc.paragraph("What infrastructure code cannot prove (background checks, devices, review meetings) is listed in "
                  "the matrix as organizational controls; it is never reported as passing.")
    return doc.markdown()


def _commit(program: Path) -> str:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=program, capture_output=True, text=True)
    if head.returncode != 0:
        return "not a git checkout"
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=program, capture_output=True, text=True).stdout.strip()
    return f"`{head.stdout.strip()}`" + (" (with uncommitted changes)" if dirty else "")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"

