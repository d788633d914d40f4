"""The one roster of people: who gets an IAM user, which AWS groups, which GitHub teams.

Removing a person from the roster removes their IAM user, group memberships, GitHub org
membership and team memberships in the same `pulumi up` (CC6.2 de-provisioning).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import EmailStr, Field, ValidationError

from .settings import Settings, SettingsError, settings_error

AWS_GROUPS = ("admins", "developers", "read-only", "auditors")
"""IAM groups the access component creates; a person may only be placed in these."""

GitHubLogin = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")]
TeamSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]


class Team(Settings):
    description: str = Field("", max_length=300, json_schema_extra={"allowed": "text up to 300 characters"})
    """What the team is for."""


class Person(Settings):
    name: str = Field(min_length=1, max_length=100, json_schema_extra={"allowed": "a full name"})
    """Full name."""
    email: EmailStr = Field(max_length=64, json_schema_extra={"allowed": "an e-mail address of at most 64 characters (it is the IAM user name)"})
    """Work e-mail; also the IAM user name."""
    github: GitHubLogin = Field(json_schema_extra={"allowed": "a GitHub login"})
    """GitHub login."""
    aws_groups: list[Literal[AWS_GROUPS]] = Field(default_factory=list, json_schema_extra={"allowed": "a list of " + ", ".join(AWS_GROUPS)})  # type: ignore[valid-type]
    """IAM groups; admins are kept apart from everyone else."""
    github_teams: list[TeamSlug] = Field(default_factory=list, json_schema_extra={"allowed": "a list of team slugs declared under teams"})
    """GitHub teams, declared under `teams`."""
    github_role: Literal["member", "admin"] = Field("member", json_schema_extra={"allowed": "member or admin"})
    """Organization role; admin only for organization owners."""


class Roster(Settings):
    teams: dict[TeamSlug, Team] = Field(default_factory=dict, json_schema_extra={"allowed": "a map of team slug to {description}"})
    """GitHub teams."""
    people: list[Person] = Field(min_length=1, json_schema_extra={"allowed": "a list of at least one person"})
    """Everyone with access to AWS or GitHub."""

    def problems(self) -> list[tuple[str, Any, str, str]]:
        found: list[tuple[str, Any, str, str]] = []
        seen: dict[tuple[str, str], int] = {}
        for index, person in enumerate(self.people):
            for field, value in (("name", person.name), ("email", person.email.lower()), ("github", person.github.lower())):
                if (field, value) in seen:
                    found.append((f"people[{index}].{field}", value,
                                  f"duplicate of people[{seen[field, value]}]", "each person listed once"))
                seen.setdefault((field, value), index)
            for team in person.github_teams:
                if team not in self.teams:
                    found.append((f"people[{index}].githubTeams", team, "team not declared under teams",
                                  "one of " + (", ".join(sorted(self.teams)) or "(no teams declared)")))
        return found

    def members_of(self, group: str) -> list[Person]:
        """People in an AWS group, in roster order."""
        return [p for p in self.people if group in p.aws_groups]


def load_roster(path: str | Path, setting_key: str = "soc2-baseline:access.rosterFile") -> Roster:
    """Reads and checks the roster; raises SettingsError naming the file and entry on the first problem."""
    path = Path(path)
    shown = path.as_posix()
    if not path.is_file():
        raise SettingsError(shown, setting_key, f'"{shown}"', "file not found", "a YAML roster file in the project")
    try:
        data = yaml.safe_load(path.read_text())
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
