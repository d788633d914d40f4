"""Secrets Manager policy cases: a recoverable secret under a customer key rotating monthly, and weaker ones."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def secret(**changes: Any) -> Build:
    def build() -> None:
        aws.secretsmanager.Secret("api-token", **{"name": "prod/api-token", "kms_key_id": KEY,
                                                  "recovery_window_in_days": 30, **changes})
    build.__name__ = f"secret({', '.join(f'{k}={v!r}' for k, v in changes.items()) or 'secure'})"
    return build


def rotation(**rules: Any) -> Build:
    def build() -> None:
        target = aws.secretsmanager.Secret("api-token", name="prod/api-token", kms_key_id=KEY)
        aws.secretsmanager.SecretRotation("api-token-rotation", secret_id=target.id, rotation_rules=rules,
                                          rotation_lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:rotate")
    build.__name__ = f"rotation({', '.join(f'{k}={v!r}' for k, v in rules.items())})"
    return build


SECURE = secret()
MONTHLY = rotation(automatically_after_days=30)

CASES = [
    Case("secretsmanager-secret-customer-managed-key", SECURE, secret(kms_key_id=None), "kmsKeyId is not set"),
    Case("secretsmanager-secret-recovery-window", secret(recovery_window_in_days=None),
         secret(recovery_window_in_days=0), "recoveryWindowInDays is 0"),
    Case("secretsmanager-secretrotation-interval", MONTHLY, rotation(automatically_after_days=180),
         "rotates every 180 days (automaticallyAfterDays), above the maximum of 90"),
    Case("secretsmanager-secretrotation-interval", rotation(schedule_expression="rate(30 days)"),
         rotation(schedule_expression="rate(120 days)"), "scheduleExpression 'rate(120 days)' does not rotate"),
    Case("secretsmanager-secretrotation-interval", rotation(schedule_expression="cron(0 4 1 * ? *)"),
         rotation(schedule_expression="cron(0 4 1 1 ? *)"), "at least every 90 days"),
    Case("secretsmanager-secretrotation-interval", MONTHLY, rotation(automatically_after_days=60),
         "above the maximum of 45", config={"secretsmanager-secretrotation-interval": {"maxDays": 45}}),
]
