"""AWS access through IAM Identity Center, from the one roster: a directory user per person, the four
groups and their memberships, one permission set per group with a short session, and the group's
assignment to the stack's account (CC6.1, CC6.2, CC6.3). People hold no long-lived credentials.

Identity Center's directory belongs to the AWS Organization: one stack per organization builds it.

Identity Center's MFA setting has no API. It is registered as the `required` input of a
`soc2:sso:MultiFactorAuthentication` resource whose value is always unknown, so the policy pack
reports it as not evaluated and the evidence says to confirm it in the console; it is never assumed.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
from pulumi.output import UNKNOWN

from .access_control import GROUP_POLICIES
from .iam_documents import policy_document
from .roster import AWS_GROUPS, Person, Roster

DEVELOPER_GUARDRAILS = [
    {"Sid": "NoIdentityAdministration", "Effect": "Deny",
     "Action": ["iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*",
                "iam:Set*", "iam:Update*", "iam:Upload*", "organizations:*", "sso:*", "identitystore:*"],
     "Resource": "*"},
    {"Sid": "NoBillingAdministration", "Effect": "Deny",
     "Action": ["account:*", "aws-portal:*", "billing:*", "budgets:Modify*", "ce:Update*", "cur:*", "invoicing:*",
                "payments:*", "purchase-orders:*", "tax:*"],
     "Resource": "*"},
]
"""Developers hold PowerUserAccess without identity or billing administration."""

GROUP_DESCRIPTIONS = {
    "admins": "Administrators (short sessions)",
    "developers": "Developers: power users without identity or billing administration",
    "read-only": "Read-only: configuration and metrics, no data",
    "auditors": "Auditors: security configuration and the audit trail",
}


class IdentityCenterArgs(TypedDict):
    roster: Roster
    """People granted access now (past their `until` date excluded), and their AWS groups."""
    account_id: pulumi.Input[str]
    """Account the permission sets are assigned to."""
    session_hours: NotRequired[int]
    """Session length for every group but admins (default 8)."""
    admin_session_hours: NotRequired[int]
    """Session length for admins (default 1)."""
    tags: NotRequired[dict[str, str]]
    """Tags for the permission sets."""


class IdentityCenterMfa(pulumi.ComponentResource):
    """Makes Identity Center's MFA setting, which no API reads, visible to policies as unknown."""

    def __init__(self, name: str, instance_arn: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None):
        setting = {"instanceArn": instance_arn, "required": UNKNOWN}
        super().__init__("soc2:sso:MultiFactorAuthentication", name, setting, opts)
        self.register_outputs(setting)  # a stack policy sees a component's outputs


class IdentityCenter(pulumi.ComponentResource):
    group_names: pulumi.Output[dict[str, str]]
    user_names: pulumi.Output[list[str]]
    instance_arn: pulumi.Output[str]

    def __init__(self, name: str, args: IdentityCenterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:access:IdentityCenter", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        instances = aws.ssoadmin.get_instances_output(opts=pulumi.InvokeOutputOptions(parent=self))
        instance_arn = instances.arns.apply(_only_instance)
        store = instances.identity_store_ids.apply(_only_instance)

        groups = {group: aws.identitystore.Group(f"{name}-{group}", identity_store_id=store,
                                                 display_name=f"{name}-{group}",
                                                 description=GROUP_DESCRIPTIONS[group], opts=child)
                  for group in AWS_GROUPS}
        users = [self._user(name, store, person, groups) for person in args["roster"].people if person.aws_groups]
        for group in AWS_GROUPS:
            hours = args.get("admin_session_hours", 1) if group == "admins" else args.get("session_hours", 8)
            permission_set = self._permission_set(f"{name}-{group}", instance_arn, group, hours, args.get("tags", {}))
            aws.ssoadmin.AccountAssignment(
                f"{name}-{group}-assignment", instance_arn=instance_arn, permission_set_arn=permission_set.arn,
                principal_type="GROUP", principal_id=groups[group].group_id, target_type="AWS_ACCOUNT",
                target_id=args["account_id"], opts=child)
        IdentityCenterMfa(f"{name}-mfa", instance_arn, opts=child)

        self.group_names = pulumi.Output.all(**{g: groups[g].display_name for g in AWS_GROUPS})
        self.user_names = pulumi.Output.all(*users)
        self.instance_arn = instance_arn
        self.register_outputs({"group_names": self.group_names, "user_names": self.user_names})

    def _user(self, name: str, store: pulumi.Output[str], person: Person,
              groups: dict[str, aws.identitystore.Group]) -> pulumi.Output[str]:
        child = pulumi.ResourceOptions(parent=self)
        given, _, family = person.name.rpartition(" ")
        user = aws.identitystore.User(
            f"{name}-user-{person.email}", identity_store_id=store, user_name=person.email,
            display_name=person.name, name={"given_name": given or family, "family_name": family},
            emails={"value": person.email, "primary": True, "type": "work"}, opts=child)
        for group in person.aws_groups:
            aws.identitystore.GroupMembership(f"{name}-{group}-{person.email}", identity_store_id=store,
                                              group_id=groups[group].group_id, member_id=user.user_id, opts=child)
        return user.user_name

    def _permission_set(self, name: str, instance_arn: pulumi.Output[str], group: str, hours: int,
                        tags: dict[str, str]) -> aws.ssoadmin.PermissionSet:
        child = pulumi.ResourceOptions(parent=self)
        permission_set = aws.ssoadmin.PermissionSet(name, name=name, instance_arn=instance_arn,
                                                    description=GROUP_DESCRIPTIONS[group],
                                                    session_duration=f"PT{hours}H", tags=tags, opts=child)
        for index, policy_arn in enumerate(GROUP_POLICIES[group]):
            aws.ssoadmin.ManagedPolicyAttachment(f"{name}-policy-{index}", instance_arn=instance_arn,
                                                 permission_set_arn=permission_set.arn, managed_policy_arn=policy_arn,
                                                 opts=child)
        if group == "developers":
            aws.ssoadmin.PermissionSetInlinePolicy(f"{name}-guardrails", instance_arn=instance_arn,
                                                   permission_set_arn=permission_set.arn,
                                                   inline_policy=policy_document(DEVELOPER_GUARDRAILS), opts=child)
        return permission_set


def _only_instance(values: list[str] | None) -> str:
    if not values:
        raise RuntimeError("IAM Identity Center is not enabled for this account's AWS Organization: enable it "
                           "(IAM Identity Center > Enable), or set soc2-baseline:access.identity to iam-users")
    return values[0]
