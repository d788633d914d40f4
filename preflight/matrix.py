"""The SOC 2 control matrix: every Trust Services Criterion with one honest status.

A criterion is "enforced and passing" only if a policy checks it, every such policy ran and
passed, and code can prove it fully. Otherwise it is failing, waived, partly covered (with the
organizational control that must complete it), or not addressable by infrastructure code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .capture import ResourceRecord
from .document import Document
from .results import CheckResult, Finding
from .soc2 import CRITERIA, SCOPE, STATUSES

ENFORCED, FAILING, WAIVED, PARTLY, NOT_ADDRESSABLE = STATUSES


@dataclass
class CriterionRow:
    id: str
    title: str
    status: str
    note: str
    policies: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    resources: int = 0
    violations: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    not_evaluated: list[Finding] = field(default_factory=list)


def _components(records: dict[str, ResourceRecord], examined: set[str]) -> list[str]:
    """Component types that contain the examined resources (their parent chains)."""
    found: set[str] = set()
    for urn in examined:
        parent = records[urn].parent if urn in records else ""
        while parent and parent in records:
            record = records[parent]
            if not record.custom and record.type != "pulumi:pulumi:Stack":
                found.add(record.type.rsplit(":", 1)[-1])
            parent = record.parent
    return sorted(found)


def control_matrix(result: CheckResult) -> list[CriterionRow]:
    records = result.capture.by_urn()
    policies = [(run, p) for run in result.packs for p in run.info.policies if p.name not in run.disabled]
    rows = []
    for criterion, title in CRITERIA.items():
        scope = SCOPE[criterion]
        mapped = [p for _, p in policies if criterion in p.criteria]
        names = {p.name for p in mapped}
        examined = {r.urn for p in mapped if p.policy_type != "stack" for r in result.capture.records
                    if p.applies_to(r.type)}
        found = [f for f in result.findings if f.policy in names]
        row = CriterionRow(criterion, title, "", scope.organizational_control, sorted(names),
                           _components(records, examined), len(examined),
                           [f for f in found if f.kind == "violation"], [f for f in found if f.kind == "waived"],
                           [f for f in found if f.kind == "not-evaluated"])
        if not mapped:
            row.status = NOT_ADDRESSABLE if scope.reach == "organizational" else PARTLY
            if scope.reach != "organizational":
                row.note = "No policy in the packs checks this criterion. " + scope.organizational_control
        elif row.violations:
            row.status = FAILING
        elif row.waived:
            row.status = WAIVED
        elif row.not_evaluated or scope.reach != "infrastructure":
            row.status = PARTLY
            if row.not_evaluated:
                row.note = "Not evaluated offline: " + ", ".join(sorted({f.policy for f in row.not_evaluated})) + \
                           (". " + scope.organizational_control if scope.organizational_control else "")
        else:
            row.status = ENFORCED
        rows.append(row)
    return rows


def matrix_document(result: CheckResult) -> Document:
    capture = result.capture
    rows = control_matrix(result)
    doc = Document(f"SOC 2 control matrix: {capture.project}/{capture.stack}")
    doc.paragraph(f"Every 2017 Trust Services Criterion, from a {capture.mode}-mode check of "
                  f"{len(capture.records)} resources against {sum(len(r.info.policies) for r in result.packs)} policies. "
                  "A criterion is enforced only where a policy checks it; what code cannot prove is named as an "
                  "organizational control, never assumed.")
    doc.table(["Status", "Criteria"], [[status, str(sum(r.status == status for r in rows))] for status in STATUSES])
    if result.coverage.unexamined:
        doc.paragraph(f"Not examined: {result.coverage.summary()} "
                      f"({', '.join(f'{u.type} x{u.count}' for u in result.coverage.unexamined)}). No criterion's "
                      "status covers them: no policy looked at them.")
    doc.heading(2, "Criteria")
    doc.table(["Criterion", "Status", "Policies", "Components", "Resources", "Violations", "Notes"], [
        [f"**{r.id}** {r.title}", r.status, ", ".join(f"`{p}`" for p in r.policies) or "none",
         ", ".join(r.components) or "", str(r.resources), str(len(r.violations)), _note(r)] for r in rows])
    failing = [r for r in rows if r.violations]
    if failing:
        doc.heading(2, "Failing criteria")
        for r in failing:
            doc.heading(3, f"{r.id} {r.title}")
            doc.items([f"`{f.policy}` [{f.enforcement_level}] on `{f.resource_name or 'stack'}`"
                       f"{f' at `{f.source}`' if f.source else ''}: {f.detail}" for f in r.violations])
    waived = [r for r in rows if r.waived]
    if waived:
        doc.heading(2, "Waivers")
        doc.table(["Criterion", "Policy", "Resource", "Waiver"], [
            [r.id, f"`{f.policy}`", f.resource_name or "stack", f.detail.splitlines()[0]] for r in waived for f in r.waived])
    return doc


def _note(row: CriterionRow) -> str:
    if row.status == WAIVED:
        return f"{len(row.waived)} waived finding(s); see Waivers"
    return row.note
