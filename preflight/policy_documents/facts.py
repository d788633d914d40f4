"""Reading the facts policy documents state, from the registered resources and the verdict."""

from __future__ import annotations

from typing import Any

from ..capture import Capture, ResourceRecord
from ..document import Document
from ..properties import UNKNOWN, is_secret
from ..results import Finding

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"


class Facts:
    def __init__(self, capture: Capture, findings: list[Finding], policy_names: set[str]):
        self.capture = capture
        self.findings = findings
        self.policy_names = policy_names
        self.records = capture.by_urn()
        self._by_type: dict[str, list[ResourceRecord]] = {}
        for record in capture.records:
            self._by_type.setdefault(record.type, []).append(record)

    def document(self, title: str, criteria: list[str], policy: list[str]) -> Document:
        """A policy document's opening: the stack, the criteria it serves, and its policy statements."""
        doc = Document(title)
        doc.paragraph(f"Stack `{self.capture.project}/{self.capture.stack}`. SOC 2 criteria: {', '.join(criteria)}.")
        doc.heading(2, "Policy")
        return doc.items(policy)

    def of(self, *types: str) -> list[ResourceRecord]:
        return sorted((r for t in types for r in self._by_type.get(t, [])), key=lambda r: r.name)

    def key_name(self, record: ResourceRecord, prop: str) -> str:
        """The alias of the stack's KMS key behind `prop` (through property dependencies), or its literal value."""
        for urn in record.property_dependencies.get(prop.split(".")[0], []):
            dependency = self.records.get(urn)
            if dependency is not None and dependency.type in (KEY, ALIAS):
                key_urn = urn if dependency.type == KEY else next(iter(dependency.property_dependencies.get(
                    "targetKeyId", [])), "")
                aliases = [value(a, "name") for a in self.of(ALIAS)
                           if key_urn in a.property_dependencies.get("targetKeyId", [])]
                return aliases[0] if aliases else self.records[key_urn].name if key_urn in self.records else urn
        literal = value(record, prop)
        return literal if literal not in ("", None) else "the AWS-managed key"

    def enforcement(self, *policies: str) -> str:
        """How the named policies fared in this check, as one sentence."""
        known = [p for p in policies if p in self.policy_names]
        if not known:
            return "No policy in the packs checks this."
        found = [f for f in self.findings if f.policy in known]
        violations = [f for f in found if f.kind == "violation"]
        summary = ("passing" if not found else
                   f"{len(violations)} violation(s), {sum(f.kind == 'waived' for f in found)} waived, "
                   f"{sum(f.kind == 'not-evaluated' for f in found)} not evaluated offline")
        return f"Checked by {', '.join(f'`{p}`' for p in known)}: {summary}."


def value(record: ResourceRecord, path: str, default: Any = "") -> Any:
    """A property at a dotted path; unknown values read as "(computed at deploy)", secrets as "(secret)"."""
    current: Any = record.inputs
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return default
    if current == UNKNOWN:
        return "(computed at deploy)"
    if is_secret(current):
        return "(secret)"
    return default if current is None else current


def yes(flag: Any) -> str:
    return "yes" if flag is True else "no"
