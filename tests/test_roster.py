"""The roster: one list of people for AWS, GitHub, Datadog and PagerDuty, checked before anything is registered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from components.roster import load_roster
from components.settings import SettingsError
from preflight.capture import ProgramError, run_program
from preflight.project import load_project, load_stack_config
from tests.conftest import REPO, run_cli

GOOD = """
teams:
  platform: {description: Platform}
people:
  - {name: Ada Lovelace, email: ada@example.com, github: ada-l, awsGroups: [admins], githubTeams: [platform], systems: {pagerduty: admin}}
  - {name: Alan Turing, email: alan@example.com, github: alan-t, awsGroups: [developers], until: 2026-06-30}
onCall: {people: [ada@example.com], escalateTo: [ada@example.com], start: 2026-01-05}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(text)
    return path


def test_a_good_roster_loads_typed_people(tmp_path):
    roster = load_roster(write(tmp_path, GOOD))
    assert [p.email for p in roster.members_of("admins")] == ["ada@example.com"]
    assert roster.people[1].github_role == "member" and roster.people[1].until == dt.date(2026, 6, 30)
    assert [p.email for p in roster.with_system("pagerduty")] == ["ada@example.com"]


def test_until_is_the_last_day_of_access(tmp_path):
    roster = load_roster(write(tmp_path, GOOD))
    assert [p.name for p in roster.granted(dt.date(2026, 6, 30)).people] == ["Ada Lovelace", "Alan Turing"]
    assert [p.name for p in roster.granted(dt.date(2026, 7, 1)).people] == ["Ada Lovelace"]
    assert [p.name for p in roster.expired(dt.date(2026, 7, 1))] == ["Alan Turing"]


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
    (("systems: {pagerduty: admin}", "systems: {jira: admin}"),
     'people[0].systems = "jira": unknown system; allowed: one of datadog, pagerduty'),
    (("systems: {pagerduty: admin}", "systems: {pagerduty: owner}"),
     'people[0].systems.pagerduty = "owner": unknown pagerduty role; allowed: one of admin, manager, responder'),
    (("until: 2026-06-30", "until: 2026-02-30"),
     'people[1].until = "2026-02-30": not a calendar date (day is out of range for month); allowed: a date YYYY-MM-DD'),
    (("until: 2026-06-30", "until: end of june"),
     'people[1].until = "end of june": not a date written YYYY-MM-DD; allowed: a date YYYY-MM-DD'),
    (("until: 2026-06-30", "until: 20260630"), "people[1].until = 20260630: not a date written YYYY-MM-DD"),
    (("people: [ada@example.com]", "people: [eve@example.com]"),
     'onCall.people[0] = "eve@example.com": not in the roster; allowed: the e-mail of a person under people'),
    (("escalateTo: [ada@example.com]", "escalateTo: [alan@example.com]"),
     'onCall.escalateTo[0] = "alan@example.com": has no PagerDuty role'),
    (("start: 2026-01-05", "start: 2026-01-05, timeZone: Mars/Olympus"),
     'onCall.timeZone = "Mars/Olympus": unknown time zone'),
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


# The dev stack's repositories grant these teams.
DEV = GOOD.replace("  platform: {description: Platform}\n", "  platform: {description: Platform}\n  backend: {}\n  auditors: {}\n")


@pytest.mark.parametrize("roster, expected", [
    (DEV.replace("systems: {pagerduty: admin}", "systems: {opsgenie: admin}"),
     'stacks/people.yaml: people[0].systems = "opsgenie": unknown system'),
    (DEV.replace("people: [ada@example.com]", "people: [eve@example.com]"),
     'stacks/people.yaml: onCall.people[0] = "eve@example.com": not in the roster'),
    (DEV.replace("until: 2026-06-30", "until: 2026-06-31"), 'stacks/people.yaml: people[1].until = "2026-06-31"'),
    (DEV.split("onCall:")[0], "stacks/people.yaml: onCall = (not set): required while "
                               "soc2-baseline:pagerduty.enabled is true in stacks/Pulumi.dev.yaml"),
    (DEV.replace("systems: {pagerduty: admin}", "systems: {pagerduty: admin}, until: 2020-01-31"),
     "stacks/people.yaml: onCall.people = ada@example.com: everyone listed is past their until date on "),
])
def test_the_cli_stops_on_a_bad_roster_with_one_line_and_registers_nothing(baseline_project, strays, tmp_path,
                                                                             roster, expected):
    project = baseline_project({"soc2-baseline:pagerduty": {"enabled": True}}, roster=roster)
    out = tmp_path / "report.json"
    result = run_cli("check", "--stack", "dev", "--program", str(project), "--output", str(out), env=strays.env())
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and expected in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_people_past_their_until_date_get_nothing_in_any_system():
    project = load_project(REPO)
    stack = load_stack_config(project, "prod")
    capture = run_program(project.directory, project.main, project.name, "prod", stack.values, stack.secret_keys)
    roster = load_roster(REPO / "stacks" / "people.yaml")
    dennis = next(p for p in roster.people if p.name == "Dennis Ritchie")
    assert dennis.until is not None and not dennis.active(dt.date.today())
    mentions = [r.urn for r in capture.records if dennis.email in r.urn or dennis.github in r.urn]
    assert mentions == []
    granted = {p["email"]: p["active"] for p in next(r for r in capture.records
                                                     if r.type == "soc2:identity:Roster").inputs["people"]}
    assert granted[dennis.email] is False and granted["ada@acme-corp.example.com"] is True
