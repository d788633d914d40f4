"""Backups: an AWS Backup vault encrypted with a customer key and locked with a minimum retention,
a daily plan whose retention comes from settings, an optional copy to a second region, and a
selection that covers every database and stateful bucket given (A1.2, CC7.5, C1.1).
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .encryption_key import EncryptionKey
from .iam_documents import assume_role_policy

SERVICE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)


class BackupPlanArgs(TypedDict):
    kms_key_arn: pulumi.Input[str]
    """Customer-managed key of the vault."""
    account_id: pulumi.Input[str]
    """Account, for the copy region's key policy."""
    retention_days: int
    """Days each daily recovery point is kept."""
    resources: list[pulumi.Input[str]]
    """ARNs of every database and stateful bucket to back up."""
    schedule: NotRequired[str]
    """AWS cron expression of the daily run (default cron(0 5 * * ? *))."""
    copy_region: NotRequired[str | None]
    """Region receiving a copy of every recovery point; unset for none."""
    lock_mode: NotRequired[Literal["governance", "compliance"]]
    """compliance locks become immutable after 3 days (default governance)."""
    min_retention_days: NotRequired[int]
    """Vault lock floor: recovery points cannot be deleted sooner (default 7)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class BackupPlan(pulumi.ComponentResource):
    vault_name: pulumi.Output[str]
    plan_id: pulumi.Output[str]
    copy_vault_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BackupPlanArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:backup:BackupPlan", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        retention = args["retention_days"]

        vault = self._vault(f"{name}-vault", args["kms_key_arn"], args, None)
        copy_actions = []
        self.copy_vault_arn = pulumi.Output.from_input("")
        if args.get("copy_region"):
            region = args["copy_region"]
            copy_key = EncryptionKey(f"{name}-copy-key", {"purpose": "backups", "account_id": args["account_id"],
                                                         "region": region, "place_in_region": region, "tags": tags},
                                     opts=child)
            copy_vault = self._vault(f"{name}-copy-vault", copy_key.arn, args, region)
            copy_actions = [{"destination_vault_arn": copy_vault.arn, "lifecycle": {"delete_after": retention}}]
            self.copy_vault_arn = copy_vault.arn

        plan = aws.backup.Plan(f"{name}-plan", name=f"{name}-daily", rules=[{
            "rule_name": "daily", "target_vault_name": vault.name, "schedule": args.get("schedule", "cron(0 5 * * ? *)"),
            "start_window": 60, "completion_window": 360, "lifecycle": {"delete_after": retention},
            "copy_actions": copy_actions, "recovery_point_tags": {**tags, "soc2:backup": "daily"},
        }], tags=tags, opts=child)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=assume_role_policy("backup.amazonaws.com"), tags=tags,
                            opts=child)
        attachments = [aws.iam.RolePolicyAttachment(f"{name}-role-policy-{i}", role=role.name, policy_arn=arn, opts=child)
                       for i, arn in enumerate(SERVICE_POLICIES)]
        aws.backup.Selection(f"{name}-selection", name=f"{name}-stateful", plan_id=plan.id, iam_role_arn=role.arn,
                             resources=args["resources"],
                             opts=pulumi.ResourceOptions(parent=self, depends_on=attachments))

        self.vault_name = vault.name
        self.plan_id = plan.id
        self.register_outputs({"vault_name": self.vault_name, "plan_id": self.plan_id})

    def _vault(self, name: str, key_arn: pulumi.Input[str], args: BackupPlanArgs, region: str | None) -> aws.backup.Vault:
        where = {"region": region} if region else {}
        vault = aws.backup.Vault(name, name=name, kms_key_arn=key_arn, force_destroy=False, tags=args.get("tags", {}),
                                 opts=pulumi.ResourceOptions(parent=self, protect=True), **where)
        compliance = args.get("lock_mode", "governance") == "compliance"
        aws.backup.VaultLockConfiguration(
            f"{name}-lock", backup_vault_name=vault.name, min_retention_days=args.get("min_retention_days", 7),
            max_retention_days=max(args["retention_days"], 365),
            **({"changeable_for_days": 3} if compliance else {}), opts=pulumi.ResourceOptions(parent=self), **where)
        return vault
