"""What each system grants each account, read from the resources a program registers.

These are the grants `pulumi up` enforces: AWS (IAM groups, or Identity Center groups and the
permission sets assigned to them), GitHub (organization role, teams, repository permissions),
Datadog users and PagerDuty users (role, team, on-call rotation, escalation). Accounts are keyed
by e-mail, or GitHub login for GitHub. Datadog role ids are known only to a live organization, so a
Datadog user's role is the one the roster registered (`soc2:identity:Roster`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .capture import Capture, ResourceRecord

SYSTEMS = ("aws", "github", "datadog", "pagerduty")
TITLES = {"aws": "AWS", "github": "GitHub", "datadog": "Datadog", "pagerduty": "PagerDuty"}

ROSTER = "soc2:identity:Roster"
IAM_USER = "aws:iam/user:User"
IAM_MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
SSO_USER = "aws:identitystore/user:User"
SSO_GROUP = "aws:identitystore/group:Group"
SSO_MEMBERSHIP = "aws:identitystore/groupMembership:GroupMembership"
SSO_PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
SSO_ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
GITHUB_MEMBER = "github:index/membership:Membership"
GITHUB_TEAM = "github:index/team:Team"
GITHUB_TEAM_MEMBER = "github:index/teamMembership:TeamMembership"
GITHUB_TEAM_REPO = "github:index/teamRepository:TeamRepository"
DATADOG_USER = "datadog:index/user:User"
PAGERDUTY_USER = "pagerduty:index/user:User"
PAGERDUTY_TEAM = "pagerduty:index/team:Team"
PAGERDUTY_TEAM_MEMBER = "pagerduty:index/teamMembership:TeamMembership"
PAGERDUTY_SCHEDULE = "pagerduty:index/schedule:Schedule"
PAGERDUTY_ESCALATION = "pagerduty:index/escalationPolicy:EscalationPolicy"
PAGERDUTY_ROLES = {"admin": "Admin", "owner": "Owner", "user": "Manager", "limited_user": "Responder",
                   "observer": "Observer", "read_only_user": "Read-only", "read_only_limited_user": "Read-only"}
"""PagerDuty's role names as its web app shows them."""
ADMIN_ROLES = {"datadog": ("admin",), "pagerduty": ("Admin", "Owner")}


@dataclass
class Account:
    """One account in one system: its grants, and whether any makes it an administrator."""

    grants: list[str] = field(default_factory=list)
    admin: list[str] = field(default_factory=list)
    """The grants that make it an administrator."""

    def grant(self, what: str, admin: bool = False) -> None:
        self.grants.append(what)
        if admin:
            self.admin.append(what)


@dataclass
class SystemGrants:
    managed: bool = False
    """The stack manages this system's accounts."""
    accounts: dict[str, Account] = field(default_factory=dict)
    """Lower-case e-mail (GitHub login for GitHub) to the account."""


def _text(record: ResourceRecord, key: str) -> str:
    value = record.inputs.get(key)
    return value if isinstance(value, str) else ""


class _Index:
    def __init__(self, capture: Capture):
        self.by_type: dict[str, list[ResourceRecord]] = {}
        for record in capture.records:
            self.by_type.setdefault(record.type, []).append(record)
        self.urns = capture.by_urn()

    def of(self, type_: str) -> list[ResourceRecord]:
        return self.by_type.get(type_, [])

    def deps(self, record: ResourceRecord, key: str, type_: str) -> list[ResourceRecord]:
        return [self.urns[u] for u in record.property_dependencies.get(key, []) if u in self.urns
                and self.urns[u].type == type_]


def read_grants(capture: Capture) -> dict[str, SystemGrants]:
    index = _Index(capture)
    return {"aws": _aws(index), "github": _github(index), "datadog": _datadog(index), "pagerduty": _pagerduty(index)}


def _account(system: SystemGrants, key: str) -> Account:
    return system.accounts.setdefault(key.lower(), Account())


def _aws(index: _Index) -> SystemGrants:
    found = SystemGrants(managed=bool(index.of(IAM_USER) or index.of(SSO_USER)))
    for user in index.of(IAM_USER):
        _account(found, _text(user, "name"))
    for membership in index.of(IAM_MEMBERSHIP):
        account = _account(found, _text(membership, "user"))
        for group in (g for g in membership.inputs.get("groups", []) if isinstance(g, str)):
            account.grant(f"IAM group {group}", admin=group.endswith("admins"))
    sessions = _permission_sets(index)
    for user in index.of(SSO_USER):
        _account(found, _text(user, "userName"))
    for membership in index.of(SSO_MEMBERSHIP):
        for user in index.deps(membership, "memberId", SSO_USER):
            account = _account(found, _text(user, "userName"))
            for group in index.deps(membership, "groupId", SSO_GROUP):
                name = _text(group, "displayName")
                account.grant(f"Identity Center group {name}" + sessions.get(group.urn, ""), admin=name.endswith("admins"))
    return found


def _permission_sets(index: _Index) -> dict[str, str]:
    """Identity Center group URN to the permission sets assigned to it, e.g. " (permission set x, PT1H)"."""
    found: dict[str, list[str]] = {}
    for assignment in index.of(SSO_ASSIGNMENT):
        for group in index.deps(assignment, "principalId", SSO_GROUP):
            for permission_set in index.deps(assignment, "permissionSetArn", SSO_PERMISSION_SET):
                session = _text(permission_set, "sessionDuration") or "PT1H"
                found.setdefault(group.urn, []).append(f"{_text(permission_set, 'name')}, sessions {session}")
    return {urn: f" (permission set {'; '.join(sets)})" for urn, sets in found.items()}


def _github(index: _Index) -> SystemGrants:
    found = SystemGrants(managed=bool(index.of(GITHUB_MEMBER)))
    teams = {t.urn: _text(t, "name") for t in index.of(GITHUB_TEAM)}

    def team_of(record: ResourceRecord) -> str:
        return next((teams[u] for u in record.property_dependencies.get("teamId", []) if u in teams),
                    _text(record, "teamId"))

    repositories: dict[str, list[str]] = {}
    for grant in index.of(GITHUB_TEAM_REPO):
        repositories.setdefault(team_of(grant), []).append(f"{_text(grant, 'repository')}:{_text(grant, 'permission')}")
    for member in index.of(GITHUB_MEMBER):
        role = _text(member, "role") or "member"
        account = _account(found, _text(member, "username"))
        account.grant(f"organization {role}", admin=role == "admin")
    for membership in index.of(GITHUB_TEAM_MEMBER):
        team = team_of(membership)
        account = _account(found, _text(membership, "username"))
        account.grants += [f"team {team}"] + [f"repository {r} (team {team})" for r in sorted(repositories.get(team, []))]
    return found


def _datadog(index: _Index) -> SystemGrants:
    found = SystemGrants(managed=bool(index.of(DATADOG_USER)))
    roles = {str(p.get("email", "")).lower(): (p.get("systems") or {}).get("datadog")
             for r in index.of(ROSTER) for p in r.inputs.get("people", []) if isinstance(p, dict)}
    for user in index.of(DATADOG_USER):
        if user.inputs.get("disabled") is True:
            continue
        email = _text(user, "email")
        role = roles.get(email.lower())
        account = _account(found, email)
        account.grant(f"role {role} (from the roster)" if isinstance(role, str) else "user",
                      admin=role in ADMIN_ROLES["datadog"])
    return found


def _pagerduty(index: _Index) -> SystemGrants:
    found = SystemGrants(managed=bool(index.of(PAGERDUTY_USER)))
    emails = {}
    for user in index.of(PAGERDUTY_USER):
        role = PAGERDUTY_ROLES.get(_text(user, "role"), _text(user, "role") or "Manager")  # PagerDuty's default
        emails[user.urn] = _text(user, "email")
        account = _account(found, emails[user.urn])
        account.grant(f"role {role}", admin=role in ADMIN_ROLES["pagerduty"])
    teams = {t.urn: _text(t, "name") for t in index.of(PAGERDUTY_TEAM)}
    for membership in index.of(PAGERDUTY_TEAM_MEMBER):
        for user in index.deps(membership, "userId", PAGERDUTY_USER):
            team = next((teams[u] for u in membership.property_dependencies.get("teamId", []) if u in teams), "")
            _account(found, emails[user.urn]).grants.append(f"team {team} ({_text(membership, 'role') or 'manager'})")
    for kind, type_, key in (("on call", PAGERDUTY_SCHEDULE, "layers"), ("escalation", PAGERDUTY_ESCALATION, "rules")):
        for record in index.of(type_):
            for user in index.deps(record, key, PAGERDUTY_USER):
                _account(found, emails[user.urn]).grants.append(f"{kind}: {_text(record, 'name')}")
    return found


def roster_record(capture: Capture) -> list[dict[str, Any]]:
    """The people of the roster the program registered, if it registered one."""
    return [p for r in capture.records if r.type == ROSTER for p in r.inputs.get("people", []) if isinstance(p, dict)]
