"""The verdict: policy diagnostics joined with the resources and source lines they are about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from soc2_policies.conventions import WAIVED_MARK

from .analyzer import PackRun, RawDiagnostic
from .capture import Capture, Diagnostic, ResourceRecord, SourceLocation
from .coverage import Coverage, coverage
from .delta import Delta, fingerprint
from .project import SECRET_PLACEHOLDER, StackConfig
from .redaction import Redactor, secret_plaintexts

PREVIEW_MARK = "can't run policy"
"""The pulumi-policy SDK's advisory when a policy reads a value unknown during preview."""

Kind = Literal["violation", "waived", "not-evaluated"]


@dataclass(frozen=True)
class Finding:
    policy: str
    pack: str
    pack_version: str
    enforcement_level: str
    severity: str
    description: str
    detail: str
    urn: str
    resource_type: str
    resource_name: str
    source: SourceLocation | None
    kind: Kind

    @property
    def blocking(self) -> bool:
        return self.kind == "violation" and self.enforcement_level == "mandatory"

    @property
    def fingerprint(self) -> str:
        """Stable across runs, stacks and source lines, and free of secret values (see delta.py)."""
        return fingerprint(self.policy, self.urn, self.detail)

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "policy": self.policy, "pack": self.pack, "packVersion": self.pack_version,
                "enforcementLevel": self.enforcement_level, "severity": self.severity, "kind": self.kind,
                "description": self.description, "message": self.detail, "urn": self.urn,
                "resourceType": self.resource_type, "resourceName": self.resource_name,
                "source": {"file": self.source.file, "line": self.source.line} if self.source else None}


@dataclass
class CheckResult:
    """The verdict. Its findings and diagnostics are redacted on construction: no secret plaintext in them."""

    capture: Capture
    packs: list[PackRun]
    findings: list[Finding]
    timings: dict[str, float] = field(default_factory=dict)
    require_coverage: bool = False
    """--require-coverage: a type no policy examined fails the check (exit 1) like a mandatory violation."""
    delta: Delta | None = None
    """The findings against a baseline (--baseline, --baseline-ref)."""
    fail_on_new: bool = False
    """--fail-on new: only mandatory violations the baseline does not have fail the check."""
    redactor: Redactor = field(init=False, repr=False)
    coverage: Coverage = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.redactor = Redactor(capture_secrets(self.capture))
        self.coverage = coverage(self.capture, self.packs)
        self._redact()

    def add_stack_config(self, config: StackConfig) -> None:
        """Warns about credentials the stack file holds in plain text, and redacts them and its secrets."""
        self.capture.diagnostics.extend(Diagnostic("warning", warning) for warning in config.warnings)
        self.redactor = self.redactor.with_plaintexts(stack_config_secrets(config))
        self._redact()

    def _redact(self) -> None:
        mask = self.redactor.text
        self.findings = [replace(f, description=mask(f.description), detail=mask(f.detail)) for f in self.findings]
        for diagnostic in self.capture.diagnostics:
            diagnostic.message = mask(diagnostic.message)

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def failing(self) -> list[Finding]:
        """The mandatory violations that fail the check: all of them, or with --fail-on new the new ones."""
        if self.fail_on_new and self.delta is not None:
            return [f for f in self.mandatory if self.delta.is_new(f)]
        return self.mandatory

    @property
    def uncovered(self) -> bool:
        """Whether what no policy examined fails the check (only with --require-coverage)."""
        return self.require_coverage and bool(self.coverage.unexamined)

    @property
    def exit_code(self) -> int:
        return 1 if self.failing or self.uncovered else 0

    def counts(self) -> dict[str, int]:
        violations = [f for f in self.findings if f.kind == "violation"]
        return {
            "mandatory": len(self.mandatory),
            "advisory": sum(1 for f in violations if f.enforcement_level == "advisory"),
            "waived": sum(1 for f in self.findings if f.kind == "waived"),
            "notEvaluated": sum(1 for f in self.findings if f.kind == "not-evaluated"),
            "resourcesChecked": len(self.capture.records),
            "policies": sum(len(p.info.policies) for p in self.packs),
            "disabled": sum(len(p.disabled) for p in self.packs),
            "packs": len(self.packs),
            "notExaminedResources": self.coverage.resources,
            "notExaminedTypes": len(self.coverage.unexamined),
        }


def capture_secrets(capture: Capture) -> set[str]:
    """Every secret plaintext in what the program registered and exported, provider inputs included."""
    return secret_plaintexts(capture.stack_outputs) | records_secrets(capture.records)


def records_secrets(records: Iterable[ResourceRecord]) -> set[str]:
    found: set[str] = set()
    for record in records:
        found |= secret_plaintexts(record.inputs) | secret_plaintexts(record.outputs)
    return found


def stack_config_secrets(config: StackConfig) -> set[str]:
    """The stack file's secret values and the credentials it holds in plain text."""
    secrets = {config.values[k] for k in config.secret_keys if config.values.get(k, SECRET_PLACEHOLDER)
               != SECRET_PLACEHOLDER}
    return secrets | config.plaintext_credentials


def redact_error(err: Exception, redactor: Redactor) -> None:
    """Masks secrets in what a failure prints: its message and, for the program's, its traceback's end."""
    err.args = tuple(redactor.text(a) if isinstance(a, str) else a for a in err.args)
    if isinstance(getattr(err, "tail", None), str):
        err.tail = redactor.text(err.tail)  # type: ignore[attr-defined]


def urn_type_and_name(urn: str) -> tuple[str, str]:
    if not urn:
        return "", ""
    parts = urn.split("::")
    return parts[2].split("$")[-1], parts[-1]


def findings_from(capture: Capture, runs: list[PackRun]) -> list[Finding]:
    records = capture.by_urn()
    found = [_finding(d, records, run.info.version) for run in runs for d in run.diagnostics]
    return sorted(found, key=lambda f: (f.urn, f.enforcement_level != "mandatory", f.policy, f.detail))


def _finding(d: RawDiagnostic, records: dict[str, Any], declared_version: str) -> Finding:
    detail = d.message[len(d.description):].lstrip("\n") if d.message.startswith(d.description) else d.message
    if d.message.startswith(PREVIEW_MARK):
        kind: Kind = "not-evaluated"
    elif detail.startswith(WAIVED_MARK):
        kind = "waived"
    else:
        kind = "violation"
    record = records.get(d.urn)
    resource_type, name = urn_type_and_name(d.urn)
    # The CLI labels packs with the version declared in PulumiPolicy.yaml, not the SDK's placeholder.
    return Finding(d.policy, d.pack, declared_version or d.pack_version, d.enforcement_level, d.severity, d.description, detail,
                   d.urn, resource_type, name, record.source if record else None, kind)
