"""Component tests register a component under the recording mock monitor and inspect its children."""

from __future__ import annotations

from typing import Callable

from components.roster import Roster
from preflight.capture import Capture, ResourceRecord, run_program
from tests.conftest import REPO

CONFIG = {"aws:region": "us-east-1", "github:owner": "acme"}
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def capture(build: Callable[[], None], mode: str = "preview") -> Capture:
    return run_program(REPO, build, "component-test", "test", CONFIG, frozenset(), mode)  # type: ignore[arg-type]


def of_type(result: Capture, type_: str) -> list[ResourceRecord]:
    return [r for r in result.records if r.type == type_]


def one(result: Capture, type_: str) -> ResourceRecord:
    found = of_type(result, type_)
    assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
    return found[0]


def named(result: Capture, name: str) -> ResourceRecord:
    return next(r for r in result.records if r.name == name)


def roster(*people: dict, teams: dict | None = None) -> Roster:
    return Roster.model_validate({"teams": teams or {"platform": {"description": "Platform"}}, "people": list(people)})


ADA = {"name": "Ada Lovelace", "email": "ada@example.com", "github": "ada-l", "awsGroups": ["admins"],
       "githubTeams": ["platform"], "githubRole": "admin"}
ALAN = {"name": "Alan Turing", "email": "alan@example.com", "github": "alan-t", "awsGroups": ["developers", "read-only"],
        "githubTeams": ["platform"]}
GRACE = {"name": "Grace Hopper", "email": "grace@example.com", "github": "grace-h", "awsGroups": [], "githubTeams": []}
