"""Managed repositories require the ticket check, carry its workflow and pattern, and optionally a commit ruleset."""

from __future__ import annotations

import json

import pytest

from components.github_organization import GitHubOrganization
from components.settings import SettingsError
from components.ticket_check import TICKET_WORKFLOW
from tests.components.helpers import ADA, capture, of_type, one, roster
from tests.test_settings import MINIMAL, NS, read

PROTECTION = "github:index/branchProtection:BranchProtection"


def build(repositories: list[dict], **args) -> None:
    GitHubOrganization("gh", {"organization": "acme", "billing_email": "billing@example.com",
                              "security_contact": "security@example.com", "required_reviews": 1,
                              "code_owners": ["@acme/platform"], "roster": roster(ADA), "repositories": repositories,
                              **args})


def test_every_managed_repository_requires_the_ticket_check_and_gets_its_workflow_before_protection():
    result = capture(lambda: build([{"name": "api"}, {"name": "web", "required_status_checks": ["preflight", "ticket", "tests"]}]))
    contexts = {p.name: p.inputs["requiredStatusChecks"][0]["contexts"] for p in of_type(result, PROTECTION)}
    assert contexts == {"gh-api-protection": ["preflight", "ticket"], "gh-web-protection": ["preflight", "ticket", "tests"]}
    workflows = [f for f in of_type(result, "github:index/repositoryFile:RepositoryFile")
                 if f.inputs["file"] == ".github/workflows/ticket.yml"]
    assert len(workflows) == 2 and all(f.inputs["content"] == TICKET_WORKFLOW for f in workflows)
    for protection in of_type(result, PROTECTION):
        assert {f.urn for f in workflows} & set(protection.dependencies)


def test_the_pattern_reaches_the_workflow_as_a_repository_variable_and_the_ruleset_only_when_asked():
    default = capture(lambda: build([{"name": "api"}]))
    variable = one(default, "github:index/actionsVariable:ActionsVariable").inputs
    assert variable == {"repository": "api", "variableName": "TICKET_PATTERN", "value": r"[A-Z][A-Z0-9]+-\d+"}
    assert of_type(default, "github:index/repositoryRuleset:RepositoryRuleset") == []
    ruled = capture(lambda: build([{"name": "api"}], ticket_pattern=r"OPS-\d+", commit_message_ruleset=True))
    ruleset = one(ruled, "github:index/repositoryRuleset:RepositoryRuleset").inputs
    assert ruleset["enforcement"] == "active" and ruleset["conditions"]["refName"]["includes"] == ["~DEFAULT_BRANCH"]
    assert ruleset["rules"]["commitMessagePattern"] == {"operator": "regex", "pattern": r"OPS-\d+",
                                                        "name": "the commit message names a ticket"}
    assert one(ruled, "github:index/actionsVariable:ActionsVariable").inputs["value"] == r"OPS-\d+"


@pytest.mark.parametrize("pattern, problem", [
    ("[A-Z", '"[A-Z": not a regular expression (unterminated character set at position 0)'),
    ("x*", '"x*": matches empty text, so every pull request would pass; allowed: a Python regular '
           "expression for ticket ids")])
def test_a_ticket_pattern_that_cannot_work_is_one_line_naming_the_key_and_what_is_allowed(pattern, problem):
    github = {**json.loads(MINIMAL[f"{NS}:github"]), "ticketPattern": pattern}
    with pytest.raises(SettingsError) as caught:
        read({"github": github})
    assert f"{NS}:github.ticketPattern = {problem}" in str(caught.value) and "\n" not in str(caught.value)
