"""Policy test cases: real pulumi-aws/github/datadog resources registered under the mock monitor,
then analyzed by the real pack over gRPC, exactly as `preflight check` does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from preflight.analyzer import PolicyPack
from preflight.capture import Capture, run_program
from preflight.check import evaluate
from preflight.policy_config import parse_config
from preflight.project import Project, StackConfig
from preflight.results import Finding, findings_from

REPO = Path(__file__).resolve().parents[2]
PROJECT = Project(REPO, "policy-test", REPO / "__main__.py", REPO / "stacks")
STACK = StackConfig("test", REPO / "stacks" / "Pulumi.test.yaml",
                    {"aws:region": "us-east-1", "github:owner": "acme"}, frozenset())

Build = Callable[[], None]


@dataclass(frozen=True)
class Case:
    """One policy's compliant and non-compliant programs; `expect` is part of the violation message."""

    policy: str
    compliant: Build
    noncompliant: Build
    expect: str
    config: dict[str, Any] = field(default_factory=dict)
    mode: str = "preview"

    @property
    def id(self) -> str:
        return f"{self.policy}[{self.noncompliant.__name__}]"


def capture(build: Build, mode: str = "preview") -> Capture:
    return run_program(REPO, build, PROJECT.name, STACK.stack, STACK.values, STACK.secret_keys, mode)  # type: ignore[arg-type]


def analyze(pack: PolicyPack, build: Build, config: dict[str, Any] | None = None, mode: str = "preview") -> list[Finding]:
    """Every finding the pack reports for the resources `build` registers."""
    result = capture(build, mode)
    run = evaluate(pack, result, parse_config(config or {}), STACK.values)
    return findings_from(result, [run])


def violations(findings: list[Finding], policy: str) -> list[Finding]:
    return [f for f in findings if f.policy == policy and f.kind == "violation"]
