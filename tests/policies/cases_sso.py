"""Identity Center policy cases: the directory, permission sets and assignments IdentityCenter builds
from a roster, and the same with access the roster does not grant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pulumi
import pulumi_aws as aws

from components.access_control import AccessControl
from components.identity_center import IdentityCenter, IdentityCenterMfa
from components.roster import Roster
from components.roster_record import RosterRecord
from tests.policies.harness import Build, Case

TODAY = dt.date(2026, 1, 15)
ACCOUNT = "123456789012"
PEOPLE: list[dict[str, Any]] = [
    {"name": "Ada Lovelace", "email": "ada@example.com", "github": "ada-l", "awsGroups": ["admins"],
     "systems": {"datadog": "admin", "pagerduty": "admin"}},
    {"name": "Alan Turing", "email": "alan@example.com", "github": "alan-t", "awsGroups": ["developers"],
     "systems": {"datadog": "standard", "pagerduty": "responder"}},
    {"name": "Dennis Ritchie", "email": "dennis@example.com", "github": "dmr", "awsGroups": ["admins"],
     "systems": {"datadog": "admin", "pagerduty": "manager"}, "until": "2025-12-31"},
]
ON_CALL = {"people": ["ada@example.com", "alan@example.com"], "escalateTo": ["ada@example.com"],
           "start": "2026-01-05", "timeZone": "Europe/London"}


def roster(people: list[dict[str, Any]] = PEOPLE) -> Roster:
    return Roster.model_validate({"people": people, "onCall": ON_CALL})


REVIEWED = roster()


def changed(email: str, **changes: Any) -> list[dict[str, Any]]:
    """The roster's people with one entry changed (a change nobody reviewed)."""
    return [{**p, **changes} if p["email"] == email else p for p in PEOPLE]


def named(label: str, build: Build) -> Build:
    build.__name__ = label
    return build


def directory(label: str = "from the reviewed roster", granted: Roster | None = None, reviewed: Roster = REVIEWED,
              **args: Any) -> Build:
    """IdentityCenter built from `granted` (default: the reviewed roster as of TODAY), beside the reviewed roster."""
    def build() -> None:
        RosterRecord("roster", reviewed, TODAY)
        IdentityCenter("sso", {"roster": granted or reviewed.granted(TODAY), "account_id": ACCOUNT, **args})
    return named(f"directory({label})", build)


def with_iam_users(iam_users: bool) -> Build:
    def build() -> None:
        directory()()
        AccessControl("acl", {"roster": REVIEWED.granted(TODAY), "iam_users": iam_users})
    return named(f"directory(with AccessControl iam_users={iam_users})", build)


def wildcard_inline() -> Build:
    def build() -> None:
        directory()()
        permission_set = aws.ssoadmin.PermissionSet("break-glass", name="break-glass",
                                                    instance_arn="arn:aws:sso:::instance/ssoins-1", session_duration="PT1H")
        aws.ssoadmin.PermissionSetInlinePolicy(
            "break-glass-inline", instance_arn="arn:aws:sso:::instance/ssoins-1", permission_set_arn=permission_set.arn,
            inline_policy='{"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", '
                          '"Resource": "*"}]}')
    return named("PermissionSetInlinePolicy(Allow * on *)", build)


def mfa(required: Any) -> Build:
    def build() -> None:
        if required == "component":
            IdentityCenterMfa("mfa", "arn:aws:sso:::instance/ssoins-1")
            return
        # What a program that records the setting by hand would register: the policy must not pass it.
        setting = {"instanceArn": "arn:aws:sso:::instance/ssoins-1", "required": required}
        pulumi.ComponentResource("soc2:sso:MultiFactorAuthentication", "mfa", setting).register_outputs(setting)
    return named(f"mfa(required={required!r})", build)


SECURE = directory()

CASES = [
    Case("sso-instance-mfa-required", mfa("component"), mfa(False), "Identity Center does not require MFA"),
    Case("sso-permissionset-inline-no-wildcard", SECURE, wildcard_inline(),
         "statement 'All' allows every action ('*') on every resource"),
    Case("sso-permissionset-session-duration", SECURE, directory("adminSessionHours 4", admin_session_hours=4),
         "administrator permission set 'sso-admins': sessions last 'PT4H', above the maximum of 1 hour(s)"),
    Case("sso-permissionset-session-duration", SECURE, directory("sessionHours 12", session_hours=12),
         "permission set 'sso-developers': sessions last 'PT12H', above the maximum of 8 hour(s)"),
    Case("sso-permissionset-session-duration", directory("sessionHours 12", session_hours=12),
         directory("adminSessionHours 2", admin_session_hours=2), "above the maximum of 1 hour(s)",
         config={"sso-permissionset-session-duration": {"maxHours": 12}}),
    Case("sso-permissionset-admin-roster-only", SECURE,
         directory("a developer in admins", granted=roster(changed("alan@example.com", awsGroups=["admins"]))),
         "administrator access reaches 'alan@example.com', who has no AWS admin access on the roster"),
    Case("sso-permissionset-admin-roster-only", SECURE, directory("past until", granted=REVIEWED),
         "administrator access reaches 'dennis@example.com', who is past their until date (2025-12-31)"),
    Case("sso-user-on-roster", SECURE,
         directory("someone not on the roster", granted=roster([*PEOPLE[:2], {
             "name": "Eve Intruder", "email": "eve@example.com", "github": "eve", "awsGroups": ["read-only"]}])),
         "Identity Center user eve@example.com is not on the roster"),
    Case("sso-directory-no-iam-users", with_iam_users(False), with_iam_users(True),
         "IAM user 'ada@example.com' is a person with long-lived credentials while Identity Center is in use"),
]
