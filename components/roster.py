"""The one roster of people: their AWS groups, GitHub teams, SaaS roles, end dates and the on-call rotation.

Every system's accounts come from it: Identity Center (or IAM) users and groups, GitHub members
and teams, Datadog users and PagerDuty users, team and schedule. Removing a person, or reaching
the day after their `until` date, removes them from every system in the same `pulumi up` (CC6.2).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BeforeValidator, EmailStr, Field, ValidationError

from .settings import Settings, SettingsError, settings_error

AWS_GROUPS = ("admins", "developers", "read-only", "auditors")
"""AWS groups (IAM groups or Identity Center groups); a person may only be placed in these."""

SYSTEM_ROLES: dict[str, tuple[str, ...]] = {
    "datadog": ("admin", "standard", "read-only"),
    "pagerduty": ("admin", "manager", "responder", "observer", "read-only"),
}
"""SaaS systems a person may be given, and the roles each allows (first: the administrator role)."""

GitHubLogin = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")]
TeamSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]


def _calendar_date(value: Any) -> Any:
    """A date written YYYY-MM-DD (the roster is read with dates left as text); numbers and times are refused."""
    if type(value) is dt.date:
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as err:
            raise ValueError(f"not a calendar date ({err})") from None
    raise ValueError("not a date written YYYY-MM-DD")


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):  # a malformed name; ZoneInfoNotFoundError is a KeyError
        return False
    return True


class _TextDates(yaml.SafeLoader):
    """YAML's loader, except that timestamps stay text: an impossible date (2025-02-30) then reaches the
    roster's own check, which names the entry, instead of failing inside the parser."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]


class Team(Settings):
    description: str = Field("", max_length=300, json_schema_extra={"allowed": "text up to 300 characters"})
    """What the team is for."""


class Person(Settings):
    name: str = Field(min_length=1, max_length=100, json_schema_extra={"allowed": "a full name"})
    """Full name."""
    email: EmailStr = Field(max_length=64, json_schema_extra={"allowed": "an e-mail address of at most 64 characters"})
    """Work e-mail: the Identity Center user name (or IAM user name), and the Datadog and PagerDuty login."""
    github: GitHubLogin = Field(json_schema_extra={"allowed": "a GitHub login"})
    """GitHub login."""
    aws_groups: list[Literal[AWS_GROUPS]] = Field(default_factory=list, json_schema_extra={"allowed": "a list of " + ", ".join(AWS_GROUPS)})  # type: ignore[valid-type]
    """AWS groups; admins are kept apart from everyone else."""
    github_teams: list[TeamSlug] = Field(default_factory=list, json_schema_extra={"allowed": "a list of team slugs declared under teams"})
    """GitHub teams, declared under `teams`."""
    github_role: Literal["member", "admin"] = Field("member", json_schema_extra={"allowed": "member or admin"})
    """Organization role; admin only for organization owners."""
    systems: dict[str, str] = Field(default_factory=dict, json_schema_extra={"allowed": "a map of system to role: " + "; ".join(f"{s}: {', '.join(r)}" for s, r in SYSTEM_ROLES.items())})
    """SaaS accounts and their role, e.g. {datadog: standard, pagerduty: responder}."""
    until: CalendarDate | None = Field(None, json_schema_extra={"allowed": "a date YYYY-MM-DD"})
    """Last day of access (contractors, notice periods); the day after, nothing is granted."""

    def active(self, on: dt.date) -> bool:
        return self.until is None or on <= self.until

    def is_admin(self) -> bool:
        """Administrator in any system."""
        return "admins" in self.aws_groups or self.github_role == "admin" or any(
            role == SYSTEM_ROLES[system][0] for system, role in self.systems.items() if system in SYSTEM_ROLES)


class OnCall(Settings):
    people: list[EmailStr] = Field(min_length=1, json_schema_extra={"allowed": "a list of roster e-mails, in rotation order"})
    """Who is on call, in rotation order; each needs a PagerDuty role."""
    escalate_to: list[EmailStr] = Field(min_length=1, json_schema_extra={"allowed": "a list of roster e-mails"})
    """Second escalation level: who is paged when the person on call does not acknowledge."""
    rotation_days: int = Field(7, ge=1, le=28, json_schema_extra={"allowed": "an integer from 1 to 28 (days)"})
    """Length of one person's turn."""
    start: CalendarDate = Field(json_schema_extra={"allowed": "a date YYYY-MM-DD (a hand-off day)"})
    """First hand-off; turns follow every rotationDays from it."""
    handoff_time: str = Field("09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", json_schema_extra={"allowed": "a time HH:MM"})
    """Local time of each hand-off."""
    time_zone: str = Field("UTC", json_schema_extra={"allowed": "an IANA time zone such as Europe/London"})
    """Time zone of the schedule."""


class Roster(Settings):
    teams: dict[TeamSlug, Team] = Field(default_factory=dict, json_schema_extra={"allowed": "a map of team slug to {description}"})
    """GitHub teams."""
    people: list[Person] = Field(min_length=1, json_schema_extra={"allowed": "a list of at least one person"})
    """Everyone with access to AWS, GitHub or a SaaS system."""
    on_call: OnCall | None = Field(None, json_schema_extra={"allowed": "an object (see onCall.*)"})
    """The PagerDuty rotation; required when PagerDuty is enabled."""

    def problems(self) -> list[tuple[str, Any, str, str]]:
        return self._duplicates() + self._references() + self._rotation()

    def _duplicates(self) -> list[tuple[str, Any, str, str]]:
        found, seen = [], {}
        for index, person in enumerate(self.people):
            for field, value in (("name", person.name), ("email", person.email.lower()), ("github", person.github.lower())):
                if (field, value) in seen:
                    found.append((f"people[{index}].{field}", value,
                                  f"duplicate of people[{seen[field, value]}]", "each person listed once"))
                seen.setdefault((field, value), index)
        return found

    def _references(self) -> list[tuple[str, Any, str, str]]:
        found = []
        for index, person in enumerate(self.people):
            for team in person.github_teams:
                if team not in self.teams:
                    found.append((f"people[{index}].githubTeams", team, "team not declared under teams",
                                  "one of " + (", ".join(sorted(self.teams)) or "(no teams declared)")))
            for system, role in person.systems.items():
                if system not in SYSTEM_ROLES:
                    found.append((f"people[{index}].systems", system, "unknown system", "one of " + ", ".join(SYSTEM_ROLES)))
                elif role not in SYSTEM_ROLES[system]:
                    found.append((f"people[{index}].systems.{system}", role, f"unknown {system} role",
                                  "one of " + ", ".join(SYSTEM_ROLES[system])))
        return found

    def _rotation(self) -> list[tuple[str, Any, str, str]]:
        if self.on_call is None:
            return []
        found = []
        if not _is_time_zone(self.on_call.time_zone):
            found.append(("onCall.timeZone", self.on_call.time_zone, "unknown time zone",
                          "an IANA time zone such as Europe/London or UTC"))
        for key, emails in (("people", self.on_call.people), ("escalateTo", self.on_call.escalate_to)):
            for index, email in enumerate(emails):
                person = self.find(email)
                if person is None:
                    found.append((f"onCall.{key}[{index}]", email, "not in the roster", "the e-mail of a person under people"))
                elif "pagerduty" not in person.systems:
                    found.append((f"onCall.{key}[{index}]", email, "has no PagerDuty role",
                                  "a person whose systems include pagerduty"))
        return found

    def find(self, email: str) -> Person | None:
        return next((p for p in self.people if p.email.lower() == email.lower()), None)

    def members_of(self, group: str) -> list[Person]:
        """People in an AWS group, in roster order."""
        return [p for p in self.people if group in p.aws_groups]

    def with_system(self, system: str) -> list[Person]:
        """People with an account in a SaaS system, in roster order."""
        return [p for p in self.people if system in p.systems]

    def granted(self, on: dt.date) -> "Roster":
        """The people still granted access on `on` (not past their `until`); the rotation keeps only them."""
        people = [p for p in self.people if p.active(on)]
        on_call = self.on_call
        if on_call is not None:
            keep = {p.email.lower() for p in people}
            on_call = on_call.model_copy(update={"people": [e for e in on_call.people if e.lower() in keep],
                                                 "escalate_to": [e for e in on_call.escalate_to if e.lower() in keep]})
        return self.model_copy(update={"people": people, "on_call": on_call})

    def expired(self, on: dt.date) -> list[Person]:
        return [p for p in self.people if not p.active(on)]


def load_roster(path: str | Path, setting_key: str = "soc2-baseline:access.rosterFile") -> Roster:
    """Reads and checks the roster; raises SettingsError naming the file and entry on the first problem."""
    path = Path(path)
    shown = path.as_posix()
    if not path.is_file():
        raise SettingsError(shown, setting_key, f'"{shown}"', "file not found", "a YAML roster file in the project")
    try:
        data = yaml.load(path.read_text(), Loader=_TextDates)  # noqa: S506 a SafeLoader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise SettingsError(shown, where, "(unparsable)", "not valid YAML", "a YAML mapping with teams and people") from None
    if not isinstance(data, dict):
        raise SettingsError(shown, "(top level)", type(data).__name__, "not a mapping", "a YAML mapping with teams and people")
    try:
        roster = Roster.model_validate(data)
    except ValidationError as err:
        raise settings_error(err, Roster, shown, "", set()) from None
    for key, value, problem, allowed in roster.problems():
        raise SettingsError(shown, key, f'"{value}"', problem, allowed)
    return roster
