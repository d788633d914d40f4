"""IAM: users, groups, policies, roles, the password policy and Access Analyzer."""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any, Iterable

from .checks import at_least, flag_on, list_schema, minimum_schema, shown
from .declare import Service
from .documents import actions, as_list, grants, is_allow, is_deny, is_public_allow, resources, statements
from .framework import Resource, Stack

SERVICE = Service("iam", "IAM", "Users, groups, policies, roles, the password policy and Access Analyzer.")

USER = SERVICE.resource_type("aws:iam/user:User", kind="IAM user")
USER_POLICY = SERVICE.resource_type("aws:iam/userPolicy:UserPolicy", kind="user inline policy")
USER_POLICY_ATTACHMENT = SERVICE.resource_type("aws:iam/userPolicyAttachment:UserPolicyAttachment",
                                               kind="user policy attachment")
POLICY_ATTACHMENT = SERVICE.resource_type("aws:iam/policyAttachment:PolicyAttachment", kind="policy attachment")
ACCESS_KEY = SERVICE.resource_type("aws:iam/accessKey:AccessKey", kind="access key")
POLICY = SERVICE.resource_type("aws:iam/policy:Policy", kind="IAM policy")
ROLE = SERVICE.resource_type("aws:iam/role:Role", kind="IAM role", public=True)
ROLE_POLICY = SERVICE.resource_type("aws:iam/rolePolicy:RolePolicy", kind="role inline policy")
ROLE_POLICY_ATTACHMENT = SERVICE.resource_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                                               kind="role policy attachment")
GROUP = SERVICE.resource_type("aws:iam/group:Group", kind="IAM group")
GROUP_POLICY = SERVICE.resource_type("aws:iam/groupPolicy:GroupPolicy", kind="group inline policy")
GROUP_POLICY_ATTACHMENT = SERVICE.resource_type("aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
                                                kind="group policy attachment")
USER_GROUP_MEMBERSHIP = SERVICE.resource_type("aws:iam/userGroupMembership:UserGroupMembership",
                                              kind="group membership")
GROUP_MEMBERSHIP = SERVICE.resource_type("aws:iam/groupMembership:GroupMembership", kind="group membership list")
PASSWORD_POLICY = SERVICE.resource_type("aws:iam/accountPasswordPolicy:AccountPasswordPolicy", kind="password policy")
ANALYZER = SERVICE.resource_type("aws:accessanalyzer/analyzer:Analyzer", kind="Access Analyzer")

ESCALATION_ACTIONS = [
    "iam:PassRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AttachUserPolicy",
    "iam:AttachRolePolicy", "iam:AttachGroupPolicy", "iam:PutUserPolicy", "iam:PutRolePolicy",
    "iam:PutGroupPolicy", "iam:CreateAccessKey", "iam:UpdateLoginProfile", "iam:CreateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
]
ADMIN_POLICIES = {"adminPolicyArns": list_schema(
    ["arn:*:iam::*:policy/AdministratorAccess"], "Globs over policy ARNs that grant full administrator access.")}
COMPLEXITY = {"lowercase": "requireLowercaseCharacters", "uppercase": "requireUppercaseCharacters",
              "numbers": "requireNumbers", "symbols": "requireSymbols"}


DOCUMENTS = [POLICY, ROLE_POLICY, GROUP_POLICY, USER_POLICY, ROLE]
"""Every carrier of a permissions document: managed policies, inline policies of roles, groups and users, and
roles' inline_policies."""
PASSWORD = [PASSWORD_POLICY]


def _known_str(r: Resource, path: str) -> str | None:
    """A literal string, or None when missing or computed at deploy time (for matching, not verdicts)."""
    return None if r.is_unknown(path) else r.str(path)


def _named(r: Resource, path: str) -> str:
    value = _known_str(r, path)
    return repr(value) if value else ("a value computed at deploy time" if r.is_unknown(path) else "unset")


def _sid(statement: Mapping[str, Any]) -> str:
    sid = statement.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else "a statement"


def _documents(r: Resource) -> list[tuple[str, Any]]:
    """The permission documents a resource carries, each with where it sits; unknown documents raise."""
    if r.type != ROLE:
        return [("policy", r.document("policy"))]
    return [(f"inlinePolicies[{i}]", r.document(f"inlinePolicies.{i}.policy"))
            for i, item in enumerate(r.list("inlinePolicies")) if isinstance(item, Mapping)]


def _broad_allows(r: Resource) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Allow statements on every resource (`Resource: "*"`)."""
    for where, document in _documents(r):
        for statement in statements(document):
            if is_allow(statement) and "*" in resources(statement):
                yield where, statement


def _exception_list(statement: Mapping[str, Any]) -> list[str] | None:
    """The NotAction patterns of an Allow, which grants every action not listed; None without NotAction."""
    if "NotAction" not in statement:
        return None
    return [a for a in as_list(statement.get("NotAction")) if isinstance(a, str)]


def _matches(pattern: str, action: str) -> bool:
    return fnmatchcase(action.lower(), pattern.lower())


# --- resource checks -------------------------------------------------------------------------------

def _always(message: str, *refs: tuple[str, str]) -> Any:
    """For resource types that are violations by existing; `refs` name what they connect."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        details = ", ".join(f"{label} {_named(r, path)}" for label, path in refs)
        yield f"{message} ({details})" if details else message
    return check


@SERVICE.resource_policy(
    name="iam-user-no-policy-attachment",
    types=[USER_POLICY_ATTACHMENT, POLICY_ATTACHMENT], severity="high", criteria=["CC6.3"],
    description="Managed policies are attached to groups or roles, never to IAM users.",
    remediation="Replace the aws.iam.UserPolicyAttachment (or the users= of a PolicyAttachment) with a "
                "GroupPolicyAttachment and a UserGroupMembership.")
def _user_attachment(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.type == USER_POLICY_ATTACHMENT:
        yield f"a managed policy ({_named(r, 'policyArn')}) is attached directly to user {_named(r, 'user')}"
    elif r.list("users"):  # a list computed as a whole may be empty: that raises rather than guesses
        yield f"policy attachment lists users directly: {_named(r, 'policyArn')} is attached to users, not a group"


@SERVICE.resource_policy(
    name="iam-policy-no-wildcard-admin", types=DOCUMENTS, severity="high", criteria=["CC6.3"],
    description="Customer IAM policies do not allow every action on every resource.",
    remediation="Replace Action '*' (or an Allow with NotAction) on Resource '*' in the policy= document with the "
                "actions and resources the principal needs; full administrators get the AWS-managed "
                "AdministratorAccess through the admin group only.",
    checkov=["CKV_AWS_62"])
def _wildcard_admin(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for where, statement in _broad_allows(r):
        if any(a in ("*", "*:*") for a in actions(statement)):
            yield f"{where}: {_sid(statement)} allows every action ('*') on every resource ('*')"
        elif (excepted := _exception_list(statement)) is not None:
            yield (f"{where}: {_sid(statement)} allows every action except {', '.join(excepted) or 'none'} "
                   f"(NotAction) on every resource ('*')")


@SERVICE.resource_policy(
    name="iam-policy-no-privilege-escalation", types=DOCUMENTS, severity="high", criteria=["CC6.3"],
    description="Customer IAM policies do not allow privilege-escalation actions on every resource.",
    remediation="In the policy= document, scope iam:PassRole and the policy, login-profile and access-key actions to "
                "specific ARNs (e.g. the one role a service passes) instead of Resource '*'.",
    config={"actions": list_schema(ESCALATION_ACTIONS, "Actions that let a principal raise its own privileges.")},
    checkov=["CKV_AWS_286"])
def _privilege_escalation(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    for where, statement in _broad_allows(r):
        excepted = _exception_list(statement)
        risky = [a for a in config["actions"] if grants(statement, a)
                 or (excepted is not None and not any(_matches(p, a) for p in excepted))]
        if risky:
            yield f"{where}: {_sid(statement)} allows {', '.join(risky)} on every resource ('*')"


@SERVICE.resource_policy(
    name="iam-role-trust-no-public-principal", types=[ROLE], severity="critical", criteria=["CC6.1"],
    description="IAM roles cannot be assumed by just anyone.",
    remediation="In assume_role_policy, name the trusted service, account or federated provider instead of Principal "
                "'*', or add a condition on aws:PrincipalOrgID / aws:SourceAccount.",
    checkov=["CKV_AWS_60"])
def _public_trust(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for statement in statements(r.document("assumeRolePolicy")):
        if is_public_allow(statement):
            yield (f"assumeRolePolicy {_sid(statement)} lets any principal ('*') assume the role, with no condition "
                   f"on account, organization or source")


def _admin_arn(arn: Any, config: Mapping[str, Any]) -> bool:
    return isinstance(arn, str) and any(fnmatchcase(arn, p) for p in config["adminPolicyArns"])


@SERVICE.resource_policy(
    name="iam-group-admin-policy-restricted", types=[GROUP_POLICY_ATTACHMENT], severity="high", criteria=["CC6.3"],
    description="AdministratorAccess is attached only to the designated admin groups.",
    remediation="Attach AdministratorAccess only to a group matching adminGroups (e.g. <prefix>-admins); give other "
                "groups job-function policies (PowerUserAccess, ViewOnlyAccess) through policy_arn.",
    config={"adminGroups": list_schema(["*admins"], "Globs over group names allowed to hold administrator access."),
           **ADMIN_POLICIES})
def _group_admin(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.is_unknown("policyArn"):
        return  # a policy this program creates, never the AWS-managed one; its document is checked on its own
    arn = r.str("policyArn")
    if not _admin_arn(arn, config):
        return
    group = r.get("group")  # deliberately raises when computed: the verdict hangs on the name
    if isinstance(group, str) and not any(fnmatchcase(group, g) for g in config["adminGroups"]):
        yield (f"{arn} is attached to group {group!r}, which is not an admin group "
               f"(allowed: {', '.join(config['adminGroups'])})")


@SERVICE.resource_policy(
    name="iam-role-no-admin-policy", types=[ROLE_POLICY_ATTACHMENT, ROLE], severity="medium", criteria=["CC6.3"],
    description="IAM roles do not hold AdministratorAccess.",
    remediation="Replace the AdministratorAccess policy_arn (or managed_policy_arns entry) with a policy scoped to "
                "what the role's workload does.",
    config=ADMIN_POLICIES)
def _role_admin(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.type == ROLE:
        arns = r.list("managedPolicyArns")  # computed entries are policies this program creates
    else:
        arns = [] if r.is_unknown("policyArn") else [r.get("policyArn")]
    for arn in arns:
        if _admin_arn(arn, config):
            yield f"administrator policy {arn} is attached to a role; grant the role only what its workload needs"


@SERVICE.resource_policy(
    name="iam-passwordpolicy-complexity", types=PASSWORD, severity="medium", criteria=["CC6.1"],
    description="Console passwords mix character classes.",
    remediation="Set require_lowercase_characters, require_uppercase_characters, require_numbers and require_symbols "
                "to True on aws.iam.AccountPasswordPolicy.",
    config={"required": {**list_schema(list(COMPLEXITY), "Character classes every password must contain."),
           "items": {"type": "string", "enum": list(COMPLEXITY)}}})
def _complexity(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    missing = [kind for kind in config["required"] if kind in COMPLEXITY and r.get(COMPLEXITY[kind]) is not True]
    if missing:
        yield f"passwords need not contain {', '.join(missing)} ({', '.join(COMPLEXITY[k] for k in missing)} not true)"


@SERVICE.resource_policy(
    name="iam-passwordpolicy-max-age", types=PASSWORD, severity="low", criteria=["CC6.1"],
    description="Console passwords expire.",
    remediation="Set max_password_age on aws.iam.AccountPasswordPolicy to at most the configured days (90).",
    config={"maxDays": minimum_schema(90, "Most days a console password stays valid.", 1)})
def _max_age(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    days = r.number("maxPasswordAge")
    if not days or days <= 0:
        yield f"passwords never expire: maxPasswordAge is {shown(r.get('maxPasswordAge'))}"
    elif days > config["maxDays"]:
        yield f"maxPasswordAge is {shown(days)}, above the maximum of {shown(config['maxDays'])} days"


# --- stack checks ----------------------------------------------------------------------------------


def _denies_without_mfa(document: Any) -> bool:
    """A Deny of all actions (Action '*' or NotAction) when aws:MultiFactorAuthPresent is false."""
    for statement in statements(document):
        condition = statement.get("Condition")
        if not is_deny(statement) or not isinstance(condition, Mapping):
            continue
        if not ("NotAction" in statement or "*" in actions(statement)):
            continue
        if not ("NotResource" in statement or "*" in resources(statement)):
            continue
        for operator, block in condition.items():
            if operator in ("Bool", "BoolIfExists") and isinstance(block, Mapping):
                if any(str(key).lower() == "aws:multifactorauthpresent"
                       and "false" in [str(v).lower() for v in as_list(value)] for key, value in block.items()):
                    return True
    return False


@SERVICE.stack_policy(
    name="iam-group-mfa-enforced", severity="critical", criteria=["CC6.1", "CC6.2"],
    description="Every IAM group denies access to members signed in without MFA.",
    remediation="Attach to every aws.iam.Group (GroupPolicyAttachment policy_arn) a customer policy that denies all "
                "but MFA self-service when aws:MultiFactorAuthPresent is false (AccessControl's require-mfa policy "
                "does).",
    examines=[GROUP, GROUP_POLICY_ATTACHMENT, GROUP_POLICY])
def _mfa_enforced(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for group in stack.of_type(GROUP):
        name = _known_str(group, "name")
        holders = [p for a in stack.of_type(GROUP_POLICY_ATTACHMENT) if a.refers_to("group", group, name)
                   for p in a.depends_on("policyArn") if p.type == POLICY]
        holders += [p for p in stack.of_type(GROUP_POLICY) if p.refers_to("group", group, name)]
        if any(_denies_without_mfa(p.document("policy")) for p in holders if not p.is_unknown("policy")):
            continue
        for holder in holders:
            holder.get("policy")  # a document computed at deploy time may be the one that denies: no verdict
        yield (f"group {name or group.name!r} has no attached policy that denies access without MFA "
               f"(a Deny with Bool/BoolIfExists aws:MultiFactorAuthPresent = false)", group.urn)


@SERVICE.stack_policy(
    name="iam-user-in-group", severity="high", criteria=["CC6.3"],
    description="Every IAM user gets access through group membership.",
    remediation="Add the user to a group with aws.iam.UserGroupMembership (user=user.name) or GroupMembership; the "
                "roster's aws_groups does this in AccessControl.",
    examines=[USER, USER_GROUP_MEMBERSHIP, GROUP_MEMBERSHIP])
def _user_in_group(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    memberships = [(m, "user") for m in stack.of_type(USER_GROUP_MEMBERSHIP)] + \
                  [(m, "users") for m in stack.of_type(GROUP_MEMBERSHIP)]
    for user in stack.of_type(USER):
        name = _known_str(user, "name")
        if not any(m.refers_to(path, user, name) for m, path in memberships):
            yield (f"user {name or user.name!r} belongs to no group, so nothing role-based grants or limits "
                   f"their access", user.urn)


@SERVICE.stack_policy(
    name="iam-passwordpolicy-exists", severity="high", criteria=["CC6.1"],
    description="Stacks with IAM users set the account password policy.",
    remediation="Add an aws.iam.AccountPasswordPolicy (AccessControl creates one).",
    examines=[USER, PASSWORD_POLICY])
def _password_policy_exists(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    users = stack.of_type(USER)
    if users and not stack.of_type(PASSWORD_POLICY):
        yield (f"the stack defines {len(users)} IAM user(s) but no AccountPasswordPolicy, so console passwords "
               f"follow the AWS default (8 characters, no reuse or expiry rules)", users[0].urn)


@SERVICE.stack_policy(
    name="iam-accessanalyzer-exists", severity="medium", criteria=["CC6.1", "CC7.1"],
    description="Stacks with IAM users or roles run IAM Access Analyzer.",
    remediation="Add an aws.accessanalyzer.Analyzer with type='ACCOUNT' (or 'ORGANIZATION').",
    examines=[ANALYZER])
def _analyzer_exists(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    principals = stack.of_type(USER, ROLE)
    # Only ACCOUNT and ORGANIZATION analyzers look for external access; the unused-access kinds do not.
    analyzers = [a for a in stack.of_type(ANALYZER)
                 if a.is_unknown("type") or (a.str("type") or "ACCOUNT") in ("ACCOUNT", "ORGANIZATION")]
    if principals and not analyzers:
        yield (f"the stack defines {len(principals)} IAM user(s) and role(s) but no external-access IAM Access "
               f"Analyzer (type ACCOUNT or ORGANIZATION)", principals[0].urn)


SERVICE.resource_policy(
    name="iam-user-no-inline-policy", types=[USER_POLICY], severity="high", criteria=["CC6.3"],
    description="IAM users carry no inline policies.",
    remediation="Delete the aws.iam.UserPolicy; put the permissions in a policy attached to a group "
                "(GroupPolicyAttachment) and add the user to it with UserGroupMembership.",
)(_always("an inline policy is attached directly to a user", ("user", "user")))

SERVICE.resource_policy(
    name="iam-user-no-access-keys", types=[ACCESS_KEY], severity="high", criteria=["CC6.1"],
    description="IAM users have no long-lived access keys.",
    remediation="Delete the aws.iam.AccessKey. People sign in with SSO or console password plus MFA; workloads assume "
                "roles (instance profiles, OIDC federation for CI).",
)(_always("a long-lived access key is created for a user", ("user", "user")))

SERVICE.resource_policy(
    name="iam-user-force-destroy", types=[USER], severity="low", criteria=["CC6.2"],
    description="IAM users are force-destroyable so removing them de-provisions.",
    remediation="Set force_destroy=True on aws.iam.User, so deleting a person from the roster removes the user even "
                "with MFA devices, keys or a login profile created outside code.",
)(flag_on("forceDestroy", "removing the user fails while it has MFA devices or keys"))

SERVICE.resource_policy(
    name="iam-passwordpolicy-length", types=PASSWORD, severity="high", criteria=["CC6.1"],
    description="Console passwords are long enough.",
    remediation="Set minimum_password_length on aws.iam.AccountPasswordPolicy to at least the configured minimum (14).",
    config={"minLength": minimum_schema(14, "Fewest characters in a console password.", 6)},
)(at_least("minimumPasswordLength", "minLength", "passwords are too short"))

SERVICE.resource_policy(
    name="iam-passwordpolicy-reuse", types=PASSWORD, severity="medium", criteria=["CC6.1"],
    description="Console passwords cannot reuse recent ones.",
    remediation="Set password_reuse_prevention on aws.iam.AccountPasswordPolicy (24 is the AWS maximum).",
    config={"minReuse": {**minimum_schema(24, "Fewest earlier passwords that cannot be reused.", 1), "maximum": 24}},
)(at_least("passwordReusePrevention", "minReuse", "recent passwords can be reused"))
