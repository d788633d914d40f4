"""What a change introduces: findings matched against a baseline report by policy, URN and message.

A finding's fingerprint is a SHA-256 of its policy, its URN and its message, each made stable:
  - the stack is dropped from URNs (in the finding's and in any the message quotes), so a report of
    one stack compares with a renamed copy of it;
  - runs of whitespace become one space;
  - it is computed from the redacted message, so it is the same whatever a secret's value, and no
    secret, however short, can be recovered from it by trying values.
The source line is not part of it: moving code does not make a finding new.

Findings are counted as a multiset: two identical findings in the baseline and three now are one new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PreflightInputError

FINGERPRINT_KEY = "preflightFinding/v1"
URN_STACK = re.compile(r"urn:pulumi:[^:\s]*::")
SPACE = re.compile(r"\s+")


def stable_urn(urn: str) -> str:
    return URN_STACK.sub("urn:pulumi::", urn)


def fingerprint(policy: str, urn: str, message: str) -> str:
    text = "\n".join((policy, stable_urn(urn), SPACE.sub(" ", stable_urn(message)).strip()))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Delta:
    """One stack's findings against its baseline."""

    baseline: str
    """What was compared against: the baseline file, or the git ref and its commit."""
    new: list[Any] = field(default_factory=list)
    """The findings (results.Finding) the baseline does not have."""
    fixed: list[dict[str, Any]] = field(default_factory=list)
    """The baseline's findings (as its JSON report has them) no longer reported."""
    unchanged: int = 0
    _new_ids: set[int] = field(default_factory=set, repr=False)

    def is_new(self, finding: Any) -> bool:
        return id(finding) in self._new_ids

    def to_json(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "new": [f.to_json() for f in self.new], "fixed": self.fixed,
                "unchanged": self.unchanged}


def compare(findings: list[Any], baseline: list[dict[str, Any]], label: str) -> Delta:
    """`findings` (this run's) against `baseline` (a report's JSON findings)."""
    remaining = Counter(_baseline_fingerprint(b) for b in baseline)
    delta = Delta(label)
    for finding in findings:
        key = finding.fingerprint
        if remaining[key] > 0:
            remaining[key] -= 1
            delta.unchanged += 1
        else:
            delta.new.append(finding)
            delta._new_ids.add(id(finding))
    for entry in baseline:
        key = _baseline_fingerprint(entry)
        if remaining[key] > 0:
            remaining[key] -= 1
            delta.fixed.append(entry)
    return delta


def _baseline_fingerprint(entry: dict[str, Any]) -> str:
    return fingerprint(entry["policy"], entry["urn"], entry["message"])


def load_baseline(path: Path) -> dict[str, list[dict[str, Any]]]:
    """A previous `preflight check --json` report (one stack or several), as stack name -> its findings."""
    if not path.is_file():
        raise PreflightInputError(f"{path}: no such file; --baseline takes a previous `preflight check --json` report")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise PreflightInputError(f"{path}: not a preflight JSON report: invalid JSON ({err})") from None
    except RecursionError:
        raise PreflightInputError(f"{path}: not a preflight JSON report: nested too deeply") from None
    entries = data.get("stacks") if isinstance(data, dict) and "stacks" in data else [data]
    if not isinstance(entries, list):
        raise PreflightInputError(f"{path}: not a preflight JSON report: `stacks` is not a list")
    return {_stack(entry, path, index): _findings(entry, path, index) for index, entry in enumerate(entries)}


def _stack(entry: Any, path: Path, index: int) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("stack"), str) or "findings" not in entry:
        where = f"stacks[{index}]" if index else "the top level"
        raise PreflightInputError(f"{path}: not a preflight JSON report: {where} has no `stack` and `findings`; "
                                  "pass the output of `preflight check --json`")
    return entry["stack"]


def _findings(entry: dict[str, Any], path: Path, index: int) -> list[dict[str, Any]]:
    findings = entry["findings"]
    if not isinstance(findings, list):
        raise PreflightInputError(f"{path}: not a preflight JSON report: `findings` of stack {entry['stack']!r} is "
                                  "not a list")
    for number, finding in enumerate(findings):
        if not isinstance(finding, dict) or not all(isinstance(finding.get(k), str) for k in ("policy", "urn",
                                                                                              "message")):
            raise PreflightInputError(f"{path}: not a preflight JSON report: finding {number} of stack "
                                      f"{entry['stack']!r} lacks a string `policy`, `urn` or `message`")
    return findings
