"""IAM policy cases: users, groups, policy documents, roles, the password policy and Access Analyzer."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
APP_ROLE = "arn:aws:iam::123456789012:role/app-task"
MFA_DENY = {"Sid": "DenyWithoutMfa", "Effect": "Deny", "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
            "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
READ_LOGS = {"Sid": "ReadLogs", "Effect": "Allow", "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
             "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/app/*"}


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: Any, condition: dict[str, Any] | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return doc({**statement, **({"Condition": condition} if condition else {})})


SERVICE_TRUST = trust({"Service": "ecs-tasks.amazonaws.com"})


# --- users ----------------------------------------------------------------------------------------

def user_with(extra: str) -> Build:
    """A person in a group, plus one extra way of granting them something."""
    def build() -> None:
        user = aws.iam.User("alice", name="alice@example.com", force_destroy=True)
        group = aws.iam.Group("developers", name="developers")
        aws.iam.UserGroupMembership("alice-groups", user=user.name, groups=[group.name])
        if extra == "group-policy":
            aws.iam.GroupPolicy("developers-logs", group=group.name, policy=doc(READ_LOGS))
        elif extra == "inline-policy":
            aws.iam.UserPolicy("alice-logs", user=user.name, policy=doc(READ_LOGS))
        elif extra == "group-attachment":
            aws.iam.GroupPolicyAttachment("developers-read", group=group.name, policy_arn=READ_ONLY)
        elif extra == "user-attachment":
            aws.iam.UserPolicyAttachment("alice-read", user=user.name, policy_arn=READ_ONLY)
        elif extra == "exclusive-attachment":
            aws.iam.PolicyAttachment("read", policy_arn=READ_ONLY, users=[user.name], groups=[group.name])
        elif extra == "access-key":
            aws.iam.AccessKey("alice-key", user=user.name)
    return named(f"user_with({extra})", build)


def user(**args: Any) -> Build:
    return named(f"user({args})", lambda: aws.iam.User("bob", name="bob@example.com", **args))


# --- policy documents -----------------------------------------------------------------------------

def policy(*statements: dict[str, Any], kind: str = "policy") -> Build:
    def build() -> None:
        if kind == "policy":
            aws.iam.Policy("custom", policy=doc(*statements))
        elif kind == "role-policy":
            role = aws.iam.Role("app", assume_role_policy=SERVICE_TRUST)
            aws.iam.RolePolicy("app-inline", role=role.id, policy=doc(*statements))
        elif kind == "group-policy":
            group = aws.iam.Group("ops", name="ops")
            aws.iam.GroupPolicy("ops-inline", group=group.name, policy=doc(*statements))
        elif kind == "role-inline":
            aws.iam.Role("app", assume_role_policy=SERVICE_TRUST,
                         inline_policies=[{"name": "app", "policy": doc(*statements)}])
    return named(f"policy({kind}, {[s.get('Sid') for s in statements]})", build)


ALL_ON_ALL = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
ALL_BUT_IAM = {"Sid": "AllButIam", "Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}
PASS_ANY_ROLE = {"Sid": "PassAnyRole", "Effect": "Allow", "Action": ["iam:PassRole", "ecs:RunTask"], "Resource": "*"}
PASS_APP_ROLE = {"Sid": "PassAppRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": APP_ROLE}
IAM_WRITE = {"Sid": "IamWrite", "Effect": "Allow", "Action": "iam:Put*", "Resource": "*"}
DENY_ALL = {"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}


# --- roles and attachments ------------------------------------------------------------------------

def role(trust_policy: str) -> Build:
    return named(f"role({trust_policy})", lambda: aws.iam.Role("assumable", assume_role_policy=trust_policy))


def group_attachment(group_name: str, policy_arn: str) -> Build:
    def build() -> None:
        group = aws.iam.Group("group", name=group_name)
        aws.iam.GroupPolicyAttachment("group-policy", group=group.name, policy_arn=policy_arn)
    return named(f"group_attachment({group_name}, {policy_arn})", build)


def role_attachment(policy_arn: str, inline: bool = False) -> Build:
    def build() -> None:
        if inline:
            aws.iam.Role("ops", assume_role_policy=SERVICE_TRUST, managed_policy_arns=[policy_arn])
            return
        created = aws.iam.Role("ops", assume_role_policy=SERVICE_TRUST)
        aws.iam.RolePolicyAttachment("ops-policy", role=created.name, policy_arn=policy_arn)
    return named(f"role_attachment({policy_arn}, inline={inline})", build)


# --- password policy ------------------------------------------------------------------------------

STRONG_PASSWORDS: dict[str, Any] = dict(
    minimum_password_length=14, require_lowercase_characters=True, require_uppercase_characters=True,
    require_numbers=True, require_symbols=True, allow_users_to_change_password=True, password_reuse_prevention=24,
    max_password_age=90)


def passwords(**changes: Any) -> Build:
    args = {**STRONG_PASSWORDS, **changes}
    return named(f"passwords({changes})", lambda: aws.iam.AccountPasswordPolicy("passwords", **args))


# --- stack-wide -----------------------------------------------------------------------------------

def mfa_groups(*, document: str = doc(MFA_DENY), by_literal: bool = False, attach: bool = True,
               inline: bool = False) -> Build:
    """Two groups sharing one MFA policy; the second is attached by literal name when `by_literal`."""
    def build() -> None:
        mfa = aws.iam.Policy("require-mfa", policy=document)
        for name in ("admins", "auditors"):
            group = aws.iam.Group(name, name=f"acme-{name}")
            if inline:
                aws.iam.GroupPolicy(f"{name}-mfa", group=group.name, policy=document)
            elif attach:
                aws.iam.GroupPolicyAttachment(f"{name}-mfa", group=f"acme-{name}" if by_literal else group.name,
                                              policy_arn=mfa.arn)
            aws.iam.GroupPolicyAttachment(f"{name}-read", group=group.name, policy_arn=READ_ONLY)
    return named(f"mfa_groups(by_literal={by_literal}, attach={attach}, inline={inline}, {document[:60]})", build)


def membership(kind: str) -> Build:
    def build() -> None:
        person = aws.iam.User("carol", name="carol@example.com", force_destroy=True)
        group = aws.iam.Group("readers", name="readers")
        if kind == "user-group-membership":
            aws.iam.UserGroupMembership("carol-groups", user=person.name, groups=[group.name])
        elif kind == "group-membership":
            aws.iam.GroupMembership("readers-members", group=group.name, users=[person.name])
        elif kind == "literal":
            aws.iam.UserGroupMembership("carol-groups", user="carol@example.com", groups=["readers"])
        elif kind == "other-user":
            aws.iam.UserGroupMembership("dave-groups", user="dave@example.com", groups=[group.name])
    return named(f"membership({kind})", build)


def account(*, users: bool = True, roles: bool = False, password_policy: bool = True,
            analyzer: str | None = "ACCOUNT") -> Build:
    def build() -> None:
        if users:
            aws.iam.User("erin", name="erin@example.com", force_destroy=True)
        if roles:
            aws.iam.Role("service", assume_role_policy=SERVICE_TRUST)
        if password_policy:
            aws.iam.AccountPasswordPolicy("passwords", **STRONG_PASSWORDS)
        if analyzer:
            aws.accessanalyzer.Analyzer("analyzer", analyzer_name="account", type=analyzer)
    return named(f"account(users={users}, roles={roles}, password_policy={password_policy}, analyzer={analyzer})",
                 build)


SECURE_ACCOUNT = account()
MFA = mfa_groups()

CASES = [
    Case("iam-user-no-inline-policy", user_with("group-policy"), user_with("inline-policy"),
         "an inline policy is attached directly to a user (user 'alice@example.com')"),
    Case("iam-user-no-policy-attachment", user_with("group-attachment"), user_with("user-attachment"),
         f"a managed policy ('{READ_ONLY}') is attached directly to user 'alice@example.com'"),
    Case("iam-user-no-policy-attachment", user_with("group-attachment"), user_with("exclusive-attachment"),
         "policy attachment lists users directly"),
    Case("iam-user-no-access-keys", user_with("group-attachment"), user_with("access-key"),
         "a long-lived access key is created for a user (user 'alice@example.com')"),
    Case("iam-user-force-destroy", user(force_destroy=True), user(), "forceDestroy is unset, not true"),
    Case("iam-user-force-destroy", user(force_destroy=True), user(force_destroy=False), "forceDestroy is False"),
    Case("iam-policy-no-wildcard-admin", policy(READ_LOGS), policy(READ_LOGS, ALL_ON_ALL),
         "policy: statement 'Everything' allows every action ('*') on every resource ('*')"),
    Case("iam-policy-no-wildcard-admin", policy(READ_LOGS, DENY_ALL, kind="role-policy"),
         policy(ALL_BUT_IAM, kind="role-policy"), "allows every action except iam:* (NotAction)"),
    Case("iam-policy-no-wildcard-admin", policy(READ_LOGS, kind="group-policy"),
         policy(ALL_ON_ALL, kind="group-policy"), "allows every action ('*')"),
    Case("iam-policy-no-wildcard-admin", policy(READ_LOGS, kind="role-inline"),
         policy(ALL_ON_ALL, kind="role-inline"), "inlinePolicies[0]: statement 'Everything' allows every action"),
    Case("iam-policy-no-privilege-escalation", policy(PASS_APP_ROLE), policy(PASS_ANY_ROLE),
         "statement 'PassAnyRole' allows iam:PassRole on every resource ('*')"),
    Case("iam-policy-no-privilege-escalation", policy(PASS_APP_ROLE, kind="role-policy"),
         policy(IAM_WRITE, kind="role-policy"), "allows iam:PutUserPolicy, iam:PutRolePolicy, iam:PutGroupPolicy"),
    Case("iam-policy-no-privilege-escalation", policy(READ_LOGS, kind="group-policy"),
         policy(ALL_BUT_IAM, kind="group-policy"), "'AllButIam' allows ec2:RunInstances on every resource",
         config={"iam-policy-no-privilege-escalation": {"actions": ["iam:CreateAccessKey", "ec2:RunInstances"]}}),
    Case("iam-role-trust-no-public-principal", role(SERVICE_TRUST), role(trust({"AWS": "*"})),
         "lets any principal ('*') assume the role"),
    Case("iam-role-trust-no-public-principal", role(trust("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})),
         role(trust("*")), "assumeRolePolicy a statement lets any principal"),
    Case("iam-group-admin-policy-restricted", group_attachment("acme-admins", ADMIN),
         group_attachment("acme-developers", ADMIN), f"{ADMIN} is attached to group 'acme-developers'"),
    Case("iam-group-admin-policy-restricted", group_attachment("platform-operators", ADMIN),
         group_attachment("acme-admins", ADMIN), "which is not an admin group (allowed: platform-*)",
         config={"iam-group-admin-policy-restricted": {"adminGroups": ["platform-*"]}}),
    Case("iam-role-no-admin-policy", role_attachment(READ_ONLY), role_attachment(ADMIN),
         f"administrator policy {ADMIN} is attached to a role"),
    Case("iam-role-no-admin-policy", role_attachment(READ_ONLY, inline=True), role_attachment(ADMIN, inline=True),
         "is attached to a role"),
    Case("iam-passwordpolicy-length", passwords(), passwords(minimum_password_length=8),
         "minimumPasswordLength is 8, below the minimum of 14"),
    Case("iam-passwordpolicy-length", passwords(), passwords(minimum_password_length=None),
         "minimumPasswordLength is unset"),
    Case("iam-passwordpolicy-reuse", passwords(), passwords(password_reuse_prevention=5),
         "passwordReusePrevention is 5, below the minimum of 24"),
    Case("iam-passwordpolicy-complexity", passwords(), passwords(require_symbols=False, require_numbers=None),
         "passwords need not contain numbers, symbols"),
    Case("iam-passwordpolicy-max-age", passwords(), passwords(max_password_age=365),
         "maxPasswordAge is 365, above the maximum of 90 days"),
    Case("iam-passwordpolicy-max-age", passwords(), passwords(max_password_age=None), "passwords never expire"),
    Case("iam-group-mfa-enforced", MFA, mfa_groups(document=doc(READ_LOGS)),
         "group 'acme-admins' has no attached policy that denies access without MFA"),
    Case("iam-group-mfa-enforced", mfa_groups(by_literal=True), mfa_groups(attach=False),
         "group 'acme-auditors' has no attached policy"),
    Case("iam-group-mfa-enforced", mfa_groups(inline=True), mfa_groups(
        document=doc({**MFA_DENY, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}), inline=True),
         "denies access without MFA"),
    Case("iam-user-in-group", membership("user-group-membership"), membership("none"),
         "user 'carol@example.com' belongs to no group"),
    Case("iam-user-in-group", membership("group-membership"), membership("other-user"), "belongs to no group"),
    Case("iam-user-in-group", membership("literal"), membership("none"), "belongs to no group"),
    Case("iam-passwordpolicy-exists", SECURE_ACCOUNT, account(password_policy=False),
         "defines 1 IAM user(s) but no AccountPasswordPolicy"),
    Case("iam-accessanalyzer-exists", account(roles=True, analyzer="ORGANIZATION"), account(analyzer=None),
         "no external-access IAM Access Analyzer"),
    Case("iam-accessanalyzer-exists", SECURE_ACCOUNT,
         account(users=False, roles=True, analyzer="ACCOUNT_UNUSED_ACCESS"),
         "defines 1 IAM user(s) and role(s)"),
]
