"""Access review: everyone on the roster and what they hold in AWS, GitHub, Datadog and PagerDuty, who
administers anything, who is past their `until` date, and accounts outside the roster.

Grants are read from the resources the program registers (what `pulumi up` will enforce, see
access_grants.py), joined to the roster by e-mail and GitHub login. `--since GITREF` compares the
roster with its committed version at GITREF: who was added, removed or changed, and who joined and
left each system, for quarterly reviews and de-provisioning evidence.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .access_grants import SYSTEMS, TITLES, SystemGrants, read_grants
from .capture import Capture
from .document import Document
from .errors import PreflightInputError
from .project import Project, StackConfig
from .strict_yaml import parse

ROSTER_SETTING = "soc2-baseline:access"
ROSTER_KEY = "rosterFile"
DEFAULT_ROSTER = "stacks/people.yaml"
"""The baseline's default roster (AccessSettings.roster_file in components/baseline_settings.py; a test
keeps the two equal), relative to the project."""


@dataclass
class Grants:
    name: str
    email: str
    github: str
    until: str = ""
    expired: bool = False
    access: dict[str, list[str]] = field(default_factory=dict)
    """System to what the person holds there."""
    admin: dict[str, list[str]] = field(default_factory=dict)
    """System to the grants that make the person an administrator there."""


@dataclass
class RosterChange:
    ref: str
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[tuple[dict[str, Any], dict[str, Any]]]
    moves: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    """System to (who joined, who left) since `ref`, by e-mail."""


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


def _until(person: dict[str, Any]) -> str:
    value = person.get("until")
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value else "")


def _expired(person: dict[str, Any], on: dt.date) -> bool:
    until = _until(person)
    return bool(until) and until < on.isoformat()


def systems_of(person: dict[str, Any], on: dt.date) -> set[str]:
    """The systems the roster grants a person on a day."""
    if _expired(person, on):
        return set()
    systems = person.get("systems") if isinstance(person.get("systems"), dict) else {}
    return ({"aws"} if person.get("awsGroups") else set()) | ({"github"} if person.get("github") else set()) | \
        {s for s in ("datadog", "pagerduty") if s in systems}


def grants(capture: Capture, roster: list[dict[str, Any]],
           today: dt.date | None = None) -> tuple[list[Grants], list[str], dict[str, SystemGrants]]:
    """Everyone's grants, accounts the program grants that the roster does not list, and every system's grants."""
    today = today or dt.date.today()
    systems = read_grants(capture)
    people = []
    for person in roster:
        email, login = str(person.get("email", "")), str(person.get("github", ""))
        entry = Grants(str(person.get("name", "")), email, login, _until(person), _expired(person, today))
        for system, found in systems.items():
            account = found.accounts.get((login if system == "github" else email).lower())
            if account is not None:
                entry.access[system] = account.grants
                if account.admin:
                    entry.admin[system] = account.admin
        people.append(entry)
    return people, _strays(people, systems), systems


def _strays(people: list[Grants], systems: dict[str, SystemGrants]) -> list[str]:
    emails = {p.email.lower() for p in people}
    logins = {p.github.lower() for p in people}
    return sorted(f"{TITLES[system]} account {key}" for system, found in systems.items() for key in found.accounts
                  if key and key not in (logins if system == "github" else emails))


def roster_change(roster: list[dict[str, Any]], roster_path: Path, since: str, today: dt.date | None = None) -> RosterChange:
    """People added, removed or changed since the roster as committed at `since`, and who joined and left each system."""
    directory = roster_path.resolve().parent
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True, text=True)
    if top.returncode != 0:
        raise PreflightInputError(f"--since {since}: {roster_path} is not in a git repository")
    relative = roster_path.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    shown = subprocess.run(["git", "show", f"{since}:{relative}"], cwd=directory, capture_output=True, text=True)
    if shown.returncode != 0:
        raise PreflightInputError(f"--since {since}: cannot read {relative} at {since}: {shown.stderr.strip()}")
    dated = subprocess.run(["git", "log", "-1", "--format=%cs", since], cwd=directory, capture_output=True, text=True)
    then = dt.date.fromisoformat(dated.stdout.strip()) if dated.returncode == 0 else today or dt.date.today()
    before = {str(p.get("email", "")).lower(): p for p in read_roster(shown.stdout, f"{relative}@{since}")}
    after = {str(p.get("email", "")).lower(): p for p in roster}
    change = RosterChange(since, [after[e] for e in sorted(after.keys() - before.keys())],
                          [before[e] for e in sorted(before.keys() - after.keys())],
                          [(before[e], after[e]) for e in sorted(before.keys() & after.keys()) if before[e] != after[e]])
    now = today or dt.date.today()
    for system in SYSTEMS:
        had = {e for e, p in before.items() if system in systems_of(p, then)}
        has = {e for e, p in after.items() if system in systems_of(p, now)}
        change.moves[system] = (sorted(has - had), sorted(had - has))
    return change


def review_document(capture: Capture, people: list[Grants], strays: list[str], change: RosterChange | None,
                    systems: dict[str, SystemGrants] | None = None) -> Document:
    managed = [TITLES[s] for s, found in (systems or {}).items() if found.managed]
    doc = Document(f"Access review: {capture.project}/{capture.stack}")
    unmanaged = [TITLES[s] for s in SYSTEMS if TITLES[s] not in managed]
    doc.paragraph(f"{len(people)} people on the roster. Grants are what this stack's program enforces on `pulumi up` "
                  f"in {', '.join(managed) or 'no system'}" +
                  (f"; it manages no accounts in {', '.join(unmanaged)}" if unmanaged else "") +
                  ". Reviewers confirm each line is still needed and sign below.")
    doc.heading(2, "Administrators")
    doc.items([f"{p.name} <{p.email}>: " + "; ".join(f"{TITLES[s]} {', '.join(g)}" for s, g in p.admin.items())
               for p in people if p.admin] or ["none"])
    doc.heading(2, "Everyone")
    doc.table(["Person", "E-mail", "GitHub", *(TITLES[s] for s in SYSTEMS), "Until"],
              [[p.name, p.email, p.github, *(", ".join(p.access.get(s, [])) or "-" for s in SYSTEMS), p.until or "-"]
               for p in people])
    doc.heading(2, "Past their until date")
    doc.items([f"{p.name} <{p.email}>: until {p.until}; " +
               ("still holds " + "; ".join(f"{TITLES[s]} {', '.join(g)}" for s, g in p.access.items())
                if p.access else "this stack grants nothing") for p in people if p.expired] or ["none"])
    doc.heading(2, "Accounts outside the roster")
    doc.items(strays or ["none: every account this stack manages is on the roster"])
    if change is not None:
        _change_sections(doc, change)
    doc.heading(2, "Sign-off")
    doc.paragraph("Reviewed by: ____________________  Date: __________  Exceptions: ____________________")
    return doc


def _change_sections(doc: Document, change: RosterChange) -> None:
    doc.heading(2, f"Changes since {change.ref}")
    doc.table(["Change", "Person", "E-mail"],
              [["added", str(p.get("name", "")), str(p.get("email", ""))] for p in change.added] +
              [["removed", str(p.get("name", "")), str(p.get("email", ""))] for p in change.removed] +
              [["changed", str(new.get("name", "")), str(new.get("email", ""))] for _, new in change.changed])
    doc.heading(2, f"Joined and left each system since {change.ref}")
    doc.table(["System", "Joined", "Left"], [[TITLES[s], ", ".join(joined) or "-", ", ".join(left) or "-"]
                                             for s, (joined, left) in change.moves.items()])


def review_csv(people: list[Grants], change: RosterChange | None) -> str:
    """One row per grant, for filtering in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "github", "system", "grant", "detail"])
    for p in people:
        rows = [(s, "admin" if g in p.admin.get(s, []) else "access", g) for s in SYSTEMS for g in p.access.get(s, [])]
        if p.expired:
            rows.append(("roster", "past until", p.until))
        for system, grant, detail in rows or [("none", "no access", "")]:
            writer.writerow([p.name, p.email, p.github, system, grant, detail])
    if change is not None:
        for label, entries in (("added", change.added), ("removed", change.removed)):
            for person in entries:
                writer.writerow([person.get("name", ""), person.get("email", ""), person.get("github", ""),
                                 "roster", f"{label} since {change.ref}", ""])
        for system, (joined, left) in change.moves.items():
            for label, emails in (("joined", joined), ("left", left)):
                for email in emails:
                    writer.writerow(["", email, "", system, f"{label} since {change.ref}", ""])
    return out.getvalue()
