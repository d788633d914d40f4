"""The account's IAM guard rails (a password policy and IAM Access Analyzer) and, for accounts outside
an AWS Organization (`identity: iam-users`), IAM access from the one roster: four groups with
managed policies, MFA enforced on every group, and one IAM user per person with no inline
policies and no access keys (CC6.1, CC6.2, CC6.3). With Identity Center, people get no IAM user.

Users are force-destroyable so that deleting a person from the roster removes them in the same
`pulumi up`, even if they enrolled an MFA device or created keys outside of code.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .iam_documents import policy_document
from .roster import AWS_GROUPS, Roster

GROUP_POLICIES: dict[str, tuple[str, ...]] = {
    "admins": ("arn:aws:iam::aws:policy/AdministratorAccess",),
    "developers": ("arn:aws:iam::aws:policy/PowerUserAccess",),
    "read-only": ("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",),
    "auditors": ("arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"),
}
"""Managed policies per group: admins apart from everyone else; auditors see configuration, not data."""

SELF_SERVICE = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ChangePassword",
                "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken",
                "iam:GetAccountPasswordPolicy"]


def mfa_policy_statements() -> list[dict]:
    """Deny everything without MFA except enrolling and managing one's own MFA device and password."""
    own_user = "arn:aws:iam::*:user/${aws:username}"
    return [
        {"Sid": "ViewAccountInfo", "Effect": "Allow", "Action": ["iam:GetAccountPasswordPolicy",
                                                                   "iam:ListVirtualMFADevices"], "Resource": "*"},
        {"Sid": "ManageOwnPassword", "Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser"],
         "Resource": own_user},
        {"Sid": "CreateOwnVirtualMFADevice", "Effect": "Allow", "Action": "iam:CreateVirtualMFADevice",
         "Resource": "arn:aws:iam::*:mfa/*"},
        {"Sid": "ManageOwnUserMFA", "Effect": "Allow", "Action": ["iam:DeactivateMFADevice", "iam:EnableMFADevice",
                                                                   "iam:ListMFADevices", "iam:ResyncMFADevice"],
         "Resource": own_user},
        {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": SELF_SERVICE, "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    ]


class AccessControlArgs(TypedDict):
    roster: Roster
    """People granted access now, and their AWS groups (known at construction)."""
    iam_users: NotRequired[bool]
    """Build the IAM groups and a user per person (default true); false when people use Identity Center."""
    password_min_length: NotRequired[int]
    """Minimum console password length (default 14)."""
    password_reuse_prevention: NotRequired[int]
    """Earlier passwords that cannot be reused (default 24)."""
    password_max_age_days: NotRequired[int]
    """Days before a password expires (default 90)."""
    tags: NotRequired[dict[str, str]]
    """Tags for users and the analyzer."""


class AccessControl(pulumi.ComponentResource):
    group_names: pulumi.Output[dict[str, str]]
    user_names: pulumi.Output[list[str]]

    def __init__(self, name: str, args: AccessControlArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:access:AccessControl", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)

        groups: dict[str, pulumi.Output[str]] = {}
        users: list[pulumi.Output[str]] = []
        if args.get("iam_users", True):
            groups, users = self._people(name, args["roster"], tags)

        aws.iam.AccountPasswordPolicy(
            f"{name}-password-policy", minimum_password_length=args.get("password_min_length", 14),
            require_lowercase_characters=True, require_uppercase_characters=True, require_numbers=True,
            require_symbols=True, allow_users_to_change_password=True,
            password_reuse_prevention=args.get("password_reuse_prevention", 24),
            max_password_age=args.get("password_max_age_days", 90), hard_expiry=False, opts=child)
        aws.accessanalyzer.Analyzer(f"{name}-access-analyzer", analyzer_name=f"{name}-account", type="ACCOUNT",
                                    tags=tags, opts=child)

        self.group_names = pulumi.Output.all(**groups)
        self.user_names = pulumi.Output.all(*users)
        self.register_outputs({"group_names": self.group_names, "user_names": self.user_names})

    def _people(self, name: str, roster: Roster,
                tags: dict[str, str]) -> tuple[dict[str, pulumi.Output[str]], list[pulumi.Output[str]]]:
        """The groups, each denying everything without MFA, and a user per person in their groups."""
        child = pulumi.ResourceOptions(parent=self)
        mfa = aws.iam.Policy(f"{name}-require-mfa", description="Deny everything without MFA except MFA self-service",
                             policy=policy_document(mfa_policy_statements()), tags=tags, opts=child)
        groups: dict[str, aws.iam.Group] = {}
        for group in AWS_GROUPS:
            groups[group] = aws.iam.Group(f"{name}-{group}", name=f"{name}-{group}", path="/soc2/", opts=child)
            aws.iam.GroupPolicyAttachment(f"{name}-{group}-mfa", group=groups[group].name, policy_arn=mfa.arn,
                                          opts=child)
            for index, policy_arn in enumerate(GROUP_POLICIES[group]):
                aws.iam.GroupPolicyAttachment(f"{name}-{group}-policy-{index}", group=groups[group].name,
                                              policy_arn=policy_arn, opts=child)
        users = []
        for person in roster.people:
            if not person.aws_groups:
                continue
            user = aws.iam.User(f"{name}-user-{person.email}", name=person.email, path="/people/", force_destroy=True,
                                tags={**tags, "soc2:person": person.name, "soc2:github": person.github}, opts=child)
            aws.iam.UserGroupMembership(f"{name}-user-{person.email}-groups", user=user.name,
                                        groups=[groups[g].name for g in person.aws_groups], opts=child)
            users.append(user.name)
        return {g: groups[g].name for g in AWS_GROUPS}, users
