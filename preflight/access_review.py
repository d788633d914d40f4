"""Access review: who holds which AWS groups, GitHub role, teams and repository permissions.

Grants are read from the resources the program registers (what `pulumi up` will enforce), and
joined to the roster by e-mail and GitHub login. `--since GITREF` compares the roster with its
committed version at GITREF, for quarterly reviews and de-provisioning evidence.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .capture import Capture, ResourceRecord
from .document import Document
from .errors import PreflightInputError
from .project import Project, StackConfig
from .strict_yaml import parse

ROSTER_SETTING = "soc2-baseline:access"
ROSTER_KEY = "rosterFile"
DEFAULT_ROSTER = "stacks/people.yaml"
"""The baseline's default roster (AccessSettings.roster_file in components/baseline_settings.py; a test
keeps the two equal), relative to the project."""

IAM_USER = "aws:iam/user:User"
IAM_MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
GITHUB_MEMBER = "github:index/membership:Membership"
GITHUB_TEAM = "github:index/team:Team"
GITHUB_TEAM_MEMBER = "github:index/teamMembership:TeamMembership"
GITHUB_TEAM_REPO = "github:index/teamRepository:TeamRepository"


@dataclass
class Grants:
    name: str
    email: str
    github: str
    aws_groups: list[str] = field(default_factory=list)
    github_role: str = ""
    github_teams: list[str] = field(default_factory=list)
    repositories: list[str] = field(default_factory=list)


@dataclass
class RosterChange:
    ref: str
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[tuple[dict[str, Any], dict[str, Any]]]


def roster_path(project: Project, stack: StackConfig, given: Path | None) -> Path:
    """The roster to review: `--roster`, else the one the stack's settings name, else the baseline's default."""
    if given is not None:
        if not given.is_file():
            raise PreflightInputError(f"--roster {given}: no such file; pass the people roster the stack uses "
                                      f"(by default the stack's {ROSTER_SETTING}.{ROSTER_KEY}, else {DEFAULT_ROSTER})")
        return given
    try:
        access = json.loads(stack.values.get(ROSTER_SETTING, "{}"))
    except json.JSONDecodeError:
        access = {}  # not an object: the program's own settings check reports it
    named = access.get(ROSTER_KEY) if isinstance(access, dict) else None
    return project.directory / (named if isinstance(named, str) and named else DEFAULT_ROSTER)


def read_roster(text: str, origin: str) -> list[dict[str, Any]]:
    data = parse(text, origin)[0] or {}
    people = data.get("people") if isinstance(data, dict) else None
    if not isinstance(people, list):
        raise PreflightInputError(f"{origin}: the roster has no `people` list")
    return [p for p in people if isinstance(p, dict)]


def _text(record: ResourceRecord, key: str) -> str:
    value = record.inputs.get(key)
    return value if isinstance(value, str) else ""


def grants(capture: Capture, roster: list[dict[str, Any]]) -> tuple[list[Grants], list[str]]:
    """Everyone's grants, and grants the program makes to accounts the roster does not list."""
    of = lambda type_: [r for r in capture.records if r.type == type_]  # noqa: E731
    teams = {t.urn: _text(t, "name") for t in of(GITHUB_TEAM)}

    def team_of(record: ResourceRecord) -> str:
        return next((teams[u] for u in record.property_dependencies.get("teamId", []) if u in teams),
                    _text(record, "teamId"))

    team_repositories: dict[str, list[str]] = {}
    for grant in of(GITHUB_TEAM_REPO):
        team_repositories.setdefault(team_of(grant), []).append(f"{_text(grant, 'repository')}:{_text(grant, 'permission')}")
    iam_groups = {_text(m, "user"): [g for g in m.inputs.get("groups", []) if isinstance(g, str)]
                  for m in of(IAM_MEMBERSHIP)}
    iam_users = {_text(u, "name") for u in of(IAM_USER)}
    roles = {_text(m, "username").lower(): _text(m, "role") or "member" for m in of(GITHUB_MEMBER)}
    memberships: dict[str, list[str]] = {}
    for membership in of(GITHUB_TEAM_MEMBER):
        memberships.setdefault(_text(membership, "username").lower(), []).append(team_of(membership))

    people = []
    for person in roster:
        email, login = str(person.get("email", "")), str(person.get("github", ""))
        person_teams = sorted(memberships.get(login.lower(), []))
        people.append(Grants(str(person.get("name", "")), email, login, sorted(iam_groups.get(email, [])),
                             roles.get(login.lower(), ""), person_teams,
                             sorted(f"{r} (team {t})" for t in person_teams for r in team_repositories.get(t, []))))
    listed_emails = {p.email for p in people}
    listed_logins = {p.github.lower() for p in people}
    strays = sorted([f"IAM user {u}" for u in iam_users if u and u not in listed_emails] +
                    [f"GitHub member {login}" for login in roles if login not in listed_logins])
    return people, strays


def roster_change(roster: list[dict[str, Any]], roster_path: Path, since: str) -> RosterChange:
    """People added, removed or changed since the roster as committed at `since`."""
    directory = roster_path.resolve().parent
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True, text=True)
    if top.returncode != 0:
        raise PreflightInputError(f"--since {since}: {roster_path} is not in a git repository")
    relative = roster_path.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    shown = subprocess.run(["git", "show", f"{since}:{relative}"], cwd=directory, capture_output=True, text=True)
    if shown.returncode != 0:
        raise PreflightInputError(f"--since {since}: cannot read {relative} at {since}: {shown.stderr.strip()}")
    before = {str(p.get("email", "")).lower(): p for p in read_roster(shown.stdout, f"{relative}@{since}")}
    after = {str(p.get("email", "")).lower(): p for p in roster}
    return RosterChange(since, [after[e] for e in sorted(after.keys() - before.keys())],
                        [before[e] for e in sorted(before.keys() - after.keys())],
                        [(before[e], after[e]) for e in sorted(before.keys() & after.keys()) if before[e] != after[e]])


def review_document(capture: Capture, people: list[Grants], strays: list[str], change: RosterChange | None) -> Document:
    doc = Document(f"Access review: {capture.project}/{capture.stack}")
    doc.paragraph(f"{len(people)} people on the roster. Grants are what this stack's program enforces on `pulumi up`. "
                  "Reviewers confirm each line is still needed and sign below.")
    admins = [p for p in people if any(g.endswith("admins") for g in p.aws_groups) or p.github_role == "admin"]
    doc.heading(2, "Administrators")
    doc.items([f"{p.name} <{p.email}>: AWS {', '.join(g for g in p.aws_groups if g.endswith('admins')) or '-'}; "
               f"GitHub {p.github_role or '-'}" for p in admins] or ["none"])
    doc.heading(2, "Everyone")
    doc.table(["Person", "E-mail", "GitHub", "AWS groups", "GitHub role", "GitHub teams", "Repository permissions"],
              [[p.name, p.email, p.github, ", ".join(p.aws_groups) or "-", p.github_role or "-",
                ", ".join(p.github_teams) or "-", ", ".join(p.repositories) or "-"] for p in people])
    doc.heading(2, "Accounts outside the roster")
    doc.items(strays or ["none: every IAM user and GitHub member this stack manages is on the roster"])
    if change is not None:
        doc.heading(2, f"Changes since {change.ref}")
        doc.table(["Change", "Person", "E-mail"],
                  [["added", str(p.get("name", "")), str(p.get("email", ""))] for p in change.added] +
                  [["removed", str(p.get("name", "")), str(p.get("email", ""))] for p in change.removed] +
                  [["changed", str(new.get("name", "")), str(new.get("email", ""))] for _, new in change.changed])
    doc.heading(2, "Sign-off")
    doc.paragraph("Reviewed by: ____________________  Date: __________  Exceptions: ____________________")
    return doc


def review_csv(people: list[Grants], change: RosterChange | None) -> str:
    """One row per grant, for filtering in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "github", "system", "grant", "detail"])
    for p in people:
        rows = [("aws", "group", g) for g in p.aws_groups] + \
               ([("github", "organization role", p.github_role)] if p.github_role else []) + \
               [("github", "team", t) for t in p.github_teams] + [("github", "repository", r) for r in p.repositories]
        for system, grant, detail in rows or [("none", "no access", "")]:
            writer.writerow([p.name, p.email, p.github, system, grant, detail])
    if change is not None:
        for label, entries in (("added", change.added), ("removed", change.removed)):
            for person in entries:
                writer.writerow([person.get("name", ""), person.get("email", ""), person.get("github", ""),
                                 "roster", f"{label} since {change.ref}", ""])
    return out.getvalue()
