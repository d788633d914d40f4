"""KMS policy cases."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

ROOT = {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*", "Resource": "*"}
ANYONE = {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def key(**changes: Any) -> Build:
    args = {"enable_key_rotation": True, "deletion_window_in_days": 30,
            "policy": json.dumps({"Version": "2012-10-17", "Statement": [ROOT]}), **changes}
    return named(f"key({list(changes)})", lambda: aws.kms.Key("key", **args))


def encrypted_log_group(*, rotation: bool = True, alias: bool = True, through_alias: bool = False,
                        literal: str | None = None) -> Build:
    def build() -> None:
        created = aws.kms.Key("logs-key", enable_key_rotation=rotation, policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [ROOT]}))
        named_alias = aws.kms.Alias("logs-alias", name="alias/logs", target_key_id=created.key_id) if alias else None
        key_ref = literal or (named_alias.arn if through_alias and named_alias else created.arn)
        aws.cloudwatch.LogGroup("logs", retention_in_days=365, kms_key_id=key_ref)
    return named(f"encrypted_log_group(rotation={rotation}, alias={alias}, through_alias={through_alias}, "
                 f"literal={literal})", build)


SECURE = key()
CASES = [
    Case("kms-key-rotation-enabled", SECURE, key(enable_key_rotation=False), "automatic rotation is off"),
    Case("kms-key-rotation-enabled", key(enable_key_rotation=False, customer_master_key_spec="RSA_2048",
                                         key_usage="SIGN_VERIFY"), key(enable_key_rotation=None), "enableKeyRotation is unset"),
    Case("kms-key-policy-defined", SECURE, key(policy=None), "policy is not set"),
    Case("kms-key-policy-no-public-access", SECURE,
         key(policy=json.dumps({"Version": "2012-10-17", "Statement": [ROOT, ANYONE]})),
         "key policy statement Anyone allows everyone"),
    Case("kms-key-deletion-window", SECURE, key(deletion_window_in_days=7), "deletionWindowInDays is 7"),
    Case("kms-key-customer-managed-rotation", encrypted_log_group(), encrypted_log_group(rotation=False),
         "kmsKeyId uses key logs-key, whose rotation is off"),
    Case("kms-key-customer-managed-rotation", encrypted_log_group(through_alias=True),
         encrypted_log_group(literal="alias/aws/logs"), "uses the AWS-managed key alias/aws/logs"),
    Case("kms-key-customer-managed-rotation", encrypted_log_group(),
         encrypted_log_group(literal="arn:aws:kms:us-east-1:999999999999:key/elsewhere"), "which this stack does not manage"),
    Case("kms-key-customer-managed-rotation",
         encrypted_log_group(literal="arn:aws:kms:us-east-1:999999999999:key/shared"),
         encrypted_log_group(literal="arn:aws:kms:us-east-1:999999999999:key/other"), "does not manage",
         config={"kms-key-customer-managed-rotation": {"externalKeys": ["arn:aws:kms:us-east-1:999999999999:key/shared"]}}),
    Case("kms-key-has-alias", encrypted_log_group(), encrypted_log_group(alias=False), "key logs-key has no alias"),
]
