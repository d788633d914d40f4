"""AWS Backup policy cases: vaults, vault locks, plans, selections, and coverage of stateful resources."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.cases_cloudtrail import ACCOUNT, KEY, ROLE_ARN, label, named
from tests.policies.harness import Build, Case

DAILY = "cron(0 5 * * ? *)"
COPY_VAULT = f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:copy"


def vault(key: str | None = KEY) -> Build:
    return named(f"vault(key={key is not None})", lambda: aws.backup.Vault("vault", kms_key_arn=key))


def vault_lock(days: int | None) -> Build:
    return named(f"vault_lock({days})", lambda: aws.backup.VaultLockConfiguration(
        "lock", backup_vault_name="vault", min_retention_days=days, max_retention_days=365))


def plan(*rules: dict[str, Any]) -> Build:
    def build() -> None:
        aws.backup.Plan("plan", rules=[{"rule_name": f"rule-{i}", "target_vault_name": "vault", **rule}
                                       for i, rule in enumerate(rules)])
    return named(f"plan({'; '.join(label(r) for r in rules)})", build)


def rule(schedule: str | None = DAILY, delete_after: int | None = 35, copy_delete_after: int | None = 35) -> dict:
    found: dict[str, Any] = {"schedule": schedule} if schedule else {}
    if delete_after:
        found["lifecycle"] = {"delete_after": delete_after}
    if copy_delete_after:
        found["copy_actions"] = [{"destination_vault_arn": COPY_VAULT,
                                  "lifecycle": {"delete_after": copy_delete_after}}]
    return found


def selection(**choice: Any) -> Build:
    return named(f"selection({label(choice)})", lambda: aws.backup.Selection(
        "selection", name="stateful", plan_id="plan-1234", iam_role_arn=ROLE_ARN, **choice))


def protected(select: str = "outputs", log_tag: str = "false", **choice: Any) -> Build:
    """A database, a data bucket and a log bucket; `select`: which a selection names and how."""
    def build() -> None:
        db = aws.rds.Instance("db", identifier="app-db", engine="postgres", instance_class="db.t4g.medium",
                              allocated_storage=20)
        data = aws.s3.Bucket("data", bucket="acme-data", tags={"soc2:backup": "daily"})
        aws.s3.Bucket("logs", bucket="acme-logs", tags={"soc2:stateful": log_tag})
        resources = {"outputs": [db.arn, data.arn], "db-only": [db.arn],
                     "literal": [f"arn:aws:rds:us-east-1:{ACCOUNT}:db:app-db", "arn:aws:s3:::acme-data"],
                     "wildcard": ["arn:aws:rds:*:*:db:*", "arn:aws:s3:::acme-*"], "none": []}[select]
        aws.backup.Selection("selection", name="stateful", plan_id="plan-1234", iam_role_arn=ROLE_ARN,
                             resources=resources, **choice)
    return named(f"protected(select={select}, log_tag={log_tag}, {label(choice)})", build)


SECURE_PLAN = plan(rule())
COVERED = protected()

CASES = [
    Case("backup-vault-kms-encrypted", vault(), vault(key=None), "kmsKeyArn is not set"),
    Case("backup-vaultlock-min-retention", vault_lock(7), vault_lock(1),
         "minRetentionDays is 1, below the minimum of 7"),
    Case("backup-vaultlock-min-retention", vault_lock(35), vault_lock(None), "minRetentionDays is unset",
         config={"backup-vaultlock-min-retention": {"minDays": 30}}),
    Case("backup-plan-daily", SECURE_PLAN, plan(rule(schedule="cron(0 5 ? * SUN *)")),
         "no rule runs at least daily (schedules: 'cron(0 5 ? * SUN *)')"),
    Case("backup-plan-daily", plan(rule(schedule="rate(12 hours)")), plan(rule(schedule="rate(7 days)")),
         "no rule runs at least daily"),
    Case("backup-plan-daily", plan(rule(schedule="cron(0 5 ? * SUN *)"), rule(schedule="rate(1 day)")),
         plan(rule(schedule=None)), "(schedules: unset)"),
    Case("backup-plan-daily", SECURE_PLAN, plan(rule(schedule="cron(0 5 * 1 ? *)")), "no rule runs at least daily"),
    Case("backup-plan-retention", SECURE_PLAN, plan(rule(delete_after=3)),
         "rule rule-0 deletes recovery points after 3 days, below the minimum of 7"),
    Case("backup-plan-retention", plan(rule(delete_after=None, copy_delete_after=None)),
         plan(rule(), rule(copy_delete_after=1)), "rule rule-1 copy 0 deletes recovery points after 1 days"),
    Case("backup-plan-retention", plan(rule(delete_after=35)), plan(rule(delete_after=14)), "below the minimum of 30",
         config={"backup-plan-retention": {"minDays": 30}}),
    Case("backup-selection-has-resources", selection(resources=[f"arn:aws:rds:us-east-1:{ACCOUNT}:db:app-db"]),
         selection(), "the selection backs up nothing"),
    Case("backup-selection-has-resources",
         selection(selection_tags=[{"type": "STRINGEQUALS", "key": "soc2:backup", "value": "daily"}]),
         selection(conditions=[{"string_equals": []}]), "resources, selectionTags and conditions are all empty"),
    Case("backup-selection-covers-stateful", COVERED, protected(select="db-only"),
         "bucket data is in no AWS Backup selection"),
    Case("backup-selection-covers-stateful", protected(select="literal"), protected(select="literal", log_tag="true"),
         "bucket logs is in no AWS Backup selection"),
    Case("backup-selection-covers-stateful", protected(select="wildcard"),
         protected(select="wildcard", not_resources=["arn:aws:rds:us-east-1:123456789012:db:app-db"]),
         "database db is in no AWS Backup selection"),
    Case("backup-selection-covers-stateful",
         protected(select="db-only", selection_tags=[{"type": "STRINGEQUALS", "key": "soc2:backup", "value": "daily"}]),
         protected(select="wildcard", conditions=[{"string_equals": [{"key": "aws:ResourceTag/soc2:backup",
                                                                       "value": "daily"}]}]),
         "database db is in no AWS Backup selection"),
    Case("backup-selection-covers-stateful", COVERED, protected(select="none"), "database db is in no AWS Backup"),
]
