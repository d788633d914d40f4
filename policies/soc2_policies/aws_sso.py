"""IAM Identity Center: directory users, groups and memberships, permission sets and their account
assignments, the MFA setting, and the roster they come from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any, Iterable

from . import people
from .checks import list_schema, minimum_schema, shown
from .declare import Service
from .documents import actions, as_list, is_allow, resources, statements
from .framework import Resource, Stack

SERVICE = Service("sso", "IAM Identity Center", "Directory users and groups, permission sets, account assignments and "
                                                "the MFA setting, held against the roster.")

USER = SERVICE.resource_type("aws:identitystore/user:User", kind="Identity Center user")
GROUP = SERVICE.resource_type("aws:identitystore/group:Group", kind="Identity Center group")
MEMBERSHIP = SERVICE.resource_type("aws:identitystore/groupMembership:GroupMembership",
                                   kind="Identity Center group membership")
PERMISSION_SET = SERVICE.resource_type("aws:ssoadmin/permissionSet:PermissionSet", kind="permission set")
MANAGED_POLICY = SERVICE.resource_type("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
                                       kind="permission set managed policy")
INLINE_POLICY = SERVICE.resource_type("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
                                      kind="permission set inline policy")
ASSIGNMENT = SERVICE.resource_type("aws:ssoadmin/accountAssignment:AccountAssignment", kind="account assignment")
MFA = SERVICE.resource_type("soc2:sso:MultiFactorAuthentication",  # components/identity_center.py
                            kind="Identity Center MFA setting")
ROSTER = SERVICE.resource_type(people.ROSTER, kind="roster")  # components/roster_record.py
IAM_USER = "aws:iam/user:User"  # declared by the iam service

ADMIN_POLICIES = {"adminPolicyArns": list_schema(
    ["arn:*:iam::aws:policy/AdministratorAccess"], "Globs over managed policy ARNs that grant full administrator "
                                                   "access.")}
DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$")


def _hours(duration: str | None) -> float | None:
    """An ISO 8601 session duration (PT1H, PT30M, PT1H30M) in hours; unset is AWS's default of one hour."""
    if duration is None:
        return 1.0
    match = DURATION.match(duration)
    if not match or not any(match.groups()):
        return None
    return int(match.group(1) or 0) + int(match.group(2) or 0) / 60


def _wildcard_allows(document: Any) -> Iterable[Mapping[str, Any]]:
    """Allow statements of every action on every resource: Action '*' (or '*:*'), or NotAction."""
    for statement in statements(document):
        if is_allow(statement) and "*" in resources(statement) and (
                any(a in ("*", "*:*") for a in actions(statement)) or "NotAction" in statement):
            yield statement


def _is_admin_set(stack: Stack, permission_set: Resource, config: Mapping[str, Any]) -> bool:
    """Holds an administrator managed policy, or an inline policy allowing everything."""
    arn = None if permission_set.is_unknown("arn") else permission_set.str("arn")
    for attachment in stack.of_type(MANAGED_POLICY):
        if attachment.refers_to("permissionSetArn", permission_set, arn):
            policy = attachment.get("managedPolicyArn")
            if isinstance(policy, str) and any(fnmatchcase(policy, p) for p in config["adminPolicyArns"]):
                return True
    return any(inline.refers_to("permissionSetArn", permission_set, arn) and
               any(True for _ in _wildcard_allows(inline.document("inlinePolicy")))
               for inline in stack.of_type(INLINE_POLICY))


def _members(stack: Stack, assignment: Resource) -> list[Resource] | None:
    """The directory users an assignment reaches (through a group or directly); None if its principal
    is not managed in this stack."""
    kind = assignment.get("principalType")
    principal = [d for d in assignment.depends_on("principalId") if d.type in (USER, GROUP)]
    if not principal:
        return None
    if kind == "USER":
        return [p for p in principal if p.type == USER]
    members = []
    for group in (p for p in principal if p.type == GROUP):
        for membership in stack.of_type(MEMBERSHIP):
            if any(d is group for d in membership.depends_on("groupId")):
                members += [u for u in membership.depends_on("memberId") if u.type == USER]
    return members


@SERVICE.resource_policy(
    name="sso-instance-mfa-required", types=[MFA], severity="critical", criteria=["CC6.1"],
    description="IAM Identity Center requires MFA at every sign-in.",
    remediation="Identity Center has no API for this setting, so no check can read it: in the IAM Identity Center "
                "console, Settings > Authentication > Multi-factor authentication > Configure, choose 'Every time "
                "they sign in', allow security keys and authenticator apps, and 'Require them to register an MFA "
                "device at sign in'. Record the screenshot with the evidence bundle.")
def _mfa(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    required = r.get("required")  # always unknown (components/identity_center.py): reported as not evaluated
    if required is not True:
        yield f"Identity Center does not require MFA: required is {shown(required)}"


@SERVICE.resource_policy(
    name="sso-permissionset-inline-no-wildcard", types=[INLINE_POLICY], severity="high", criteria=["CC6.3"],
    description="Permission set inline policies do not allow every action on every resource.",
    remediation="Replace Action '*' (or an Allow with NotAction) on Resource '*' in inline_policy with the actions "
                "the group needs; administrators get the AWS-managed AdministratorAccess through a "
                "ManagedPolicyAttachment on the admins permission set only.")
def _inline_wildcard(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for statement in _wildcard_allows(r.document("inlinePolicy")):
        sid = statement.get("Sid")
        what = f"statement {sid!r}" if isinstance(sid, str) and sid else "a statement"
        granted = "every action except " + ", ".join(str(a) for a in as_list(statement.get("NotAction"))) \
            if "NotAction" in statement else "every action ('*')"
        yield f"inlinePolicy: {what} allows {granted} on every resource ('*')"


@SERVICE.stack_policy(
    name="sso-permissionset-session-duration", severity="medium", criteria=["CC6.1"],
    description="Permission set sessions are short, and shortest for administrators.",
    remediation="Set session_duration (ISO 8601, e.g. PT1H) on aws.ssoadmin.PermissionSet to at most maxHours, and "
                "at most adminMaxHours on administrator permission sets (access.sessionHours and "
                "access.adminSessionHours in the baseline's settings).",
    config={"maxHours": minimum_schema(8, "Longest session of any permission set, in hours.", 1),
            "adminMaxHours": minimum_schema(1, "Longest session of an administrator permission set, in hours.", 1),
            **ADMIN_POLICIES},
    examines=[PERMISSION_SET])
def _session_duration(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for permission_set in stack.of_type(PERMISSION_SET):
        duration = permission_set.get("sessionDuration")
        hours = _hours(duration if isinstance(duration, str) or duration is None else "")
        admin = _is_admin_set(stack, permission_set, config)
        limit = min(config["adminMaxHours"], config["maxHours"]) if admin else config["maxHours"]
        name = permission_set.get("name")
        label = f"{'administrator ' if admin else ''}permission set {name if isinstance(name, str) else permission_set.name!r}"
        if hours is None:
            yield f"{label}: sessionDuration {shown(duration)} is not an ISO 8601 duration such as PT1H", permission_set.urn
        elif hours > limit:
            yield (f"{label}: sessions last {shown(duration)}, above the maximum of {shown(limit)} hour(s)",
                   permission_set.urn)


@SERVICE.stack_policy(
    name="sso-permissionset-admin-roster-only", severity="critical", criteria=["CC6.3", "CC6.2"],
    description="Administrator permission sets reach only people the roster lists as AWS admins.",
    remediation="Assign administrator permission sets only to the admins group, and put in it only people whose "
                "roster entry has awsGroups: [admins] and is not past its until date (IdentityCenter builds the "
                "memberships from the roster).",
    config=ADMIN_POLICIES, examines=[ASSIGNMENT])
def _admin_roster_only(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    roster = people.entries(stack)
    for assignment in stack.of_type(ASSIGNMENT):
        sets = [d for d in assignment.depends_on("permissionSetArn") if d.type == PERMISSION_SET]
        if not any(_is_admin_set(stack, s, config) for s in sets):
            continue
        members = _members(stack, assignment)
        if members is None:
            yield ("an administrator permission set is assigned to a principal this stack does not manage, so who "
                   "holds it cannot be held against the roster", assignment.urn)
            continue
        if roster is None:
            yield f"an administrator permission set is assigned but the stack registers no {people.ROSTER}", assignment.urn
            continue
        for user in members:
            email = user.get("userName")
            why = people.problem(roster.get(email.lower()) if isinstance(email, str) else None, people.is_aws_admin,
                                 "AWS admin")
            if why is not None:
                yield f"administrator access reaches {shown(email)}, who {why}", assignment.urn


@SERVICE.stack_policy(
    name="sso-user-on-roster", severity="high", criteria=["CC6.2"],
    description="Every Identity Center user is a current roster entry with AWS groups.",
    remediation="Create Identity Center users only from the roster (IdentityCenter does); remove the user, or add the "
                "person to the roster with awsGroups, and review the change.",
    examines=[USER])
def _user_on_roster(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    yield from people.off_roster(stack, stack.of_type(USER), "userName", people.has_aws_groups, "AWS",
                                 "Identity Center user")


def _is_person(user: Resource, roster: Mapping[str, Any] | None) -> bool:
    """Tagged as a person, named by an e-mail address, or named as a roster entry."""
    tags = user.peek("tags")
    if isinstance(tags, Mapping) and "soc2:person" in tags:
        return True
    name = user.get("name")  # computed at deploy time: no verdict on whose user it is
    return isinstance(name, str) and ("@" in name or name.lower() in (roster or {}))


@SERVICE.stack_policy(
    name="sso-directory-no-iam-users", severity="high", criteria=["CC6.1", "CC6.2"],
    description="With Identity Center, people have no IAM users.",
    remediation="Delete the aws.iam.User: people sign in through Identity Center with short sessions and no long-lived "
                "credentials (the baseline's access.identity: identity-center creates no IAM user for anyone). "
                "Workloads use roles.",
    examines=[IAM_USER])
def _no_iam_users(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    if not stack.of_type(USER, PERMISSION_SET):
        return
    roster = people.entries(stack)
    for user in stack.of_type(IAM_USER):
        if _is_person(user, roster):
            name = None if user.is_unknown("name") else user.str("name")
            yield (f"IAM user {name or user.name!r} is a person with long-lived "
                   f"credentials while Identity Center is in use", user.urn)
