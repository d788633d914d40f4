"""The roster: one list of people for AWS and GitHub, checked before anything is registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.roster import load_roster
from components.settings import SettingsError
from preflight.capture import ProgramError, run_program
from preflight.project import load_project, load_stack_config

GOOD = """
teams:
  platform: {description: Platform}
people:
  - {name: Ada Lovelace, email: ada@example.com, github: ada-l, awsGroups: [admins], githubTeams: [platform]}
  - {name: Alan Turing, email: alan@example.com, github: alan-t, awsGroups: [developers]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(text)
    return path


def test_a_good_roster_loads_typed_people(tmp_path):
    roster = load_roster(write(tmp_path, GOOD))
    assert [p.email for p in roster.members_of("admins")] == ["ada@example.com"]
    assert roster.people[1].github_role == "member"


@pytest.mark.parametrize("edit, expected", [
    (("awsGroups: [developers]", "awsGroups: [superusers]"),
     "people[1].awsGroups[0] = \"superusers\": input should be 'admins', 'developers', 'read-only' or 'auditors'"),
    (("alan@example.com", "alan-at-example.com"), 'people[1].email = "alan-at-example.com": value is not a valid email'),
    (("alan@example.com", "ADA@example.com"), 'people[1].email = "ada@example.com": duplicate of people[0]'),
    (("Alan Turing", "Ada Lovelace"), 'people[1].name = "Ada Lovelace": duplicate of people[0]'),
    (("github: alan-t", "github: ada-l"), 'people[1].github = "ada-l": duplicate of people[0]'),
    (("githubTeams: [platform]", "githubTeams: [frontend]"),
     'people[0].githubTeams = "frontend": team not declared under teams; allowed: one of platform'),
    (("github: alan-t,", "gihub: alan-t,"), "people[1].gihub = \"alan-t\": unknown key"),
])
def test_a_bad_roster_names_the_entry_and_what_is_allowed(tmp_path, edit, expected):
    path = write(tmp_path, GOOD.replace(*edit))
    with pytest.raises(SettingsError) as caught:
        load_roster(path)
    assert str(caught.value).startswith(f"{path.as_posix()}: ")
    assert expected in str(caught.value)


def test_a_missing_or_unparsable_roster_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError) as missing:
        load_roster(tmp_path / "nobody.yaml")
    assert "soc2-baseline:access.rosterFile" in str(missing.value) and "file not found" in str(missing.value)
    with pytest.raises(SettingsError) as broken:
        load_roster(write(tmp_path, "people: [\n"))
    assert "not valid YAML" in str(broken.value)


def test_a_bad_roster_stops_the_program_before_any_resource_is_registered(baseline_project):
    roster = GOOD.replace("awsGroups: [developers]", "awsGroups: [root]")
    project = load_project(baseline_project(roster=roster))
    stack = load_stack_config(project, "dev")
    with pytest.raises(ProgramError) as caught:
        run_program(project.directory, project.main, project.name, "dev", stack.values, stack.secret_keys)
    assert caught.value.settings_error and "people[1].awsGroups[0]" in str(caught.value)
    assert len(caught.value.registered) == 1
