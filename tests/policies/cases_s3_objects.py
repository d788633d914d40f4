"""S3 object cases: objects encrypted themselves, through their bucket's default, or not at all."""

from __future__ import annotations

from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def uploaded(*, default: str | None = "aws:kms", default_key: bool = True, legacy: bool = False,
             bucket: str = "stack", **encryption: Any) -> Build:
    """An object uploaded to a bucket of this stack (with `default` encryption) or to one named literally."""
    def build() -> None:
        target: Any = "assets-elsewhere"
        if bucket == "stack":
            created = aws.s3.Bucket("assets", bucket="acme-assets")
            if default:
                rule = {"sse_algorithm": default, **({"kms_master_key_id": KEY} if default_key else {})}
                aws.s3.BucketServerSideEncryptionConfiguration(
                    "assets-encryption", bucket=created.id, rules=[{"apply_server_side_encryption_by_default": rule}])
            target = created.id
        kind = aws.s3.BucketObject if legacy else aws.s3.BucketObjectv2
        kind("logo", bucket=target, key="logo.svg", content="<svg/>", **encryption)
    return named(f"uploaded(default={default}, key={default_key}, legacy={legacy}, bucket={bucket}, {encryption})",
                 build)


OWN_KEY = {"server_side_encryption": "aws:kms", "kms_key_id": KEY}
NO_CUSTOMER_KEY = {"s3-object-kms-encrypted": {"requireCustomerKey": False}}

CASES = [
    Case("s3-object-kms-encrypted", uploaded(), uploaded(default="AES256"),
         "object logo inherits the default encryption of bucket assets, which is not KMS with a customer-managed key"),
    Case("s3-object-kms-encrypted", uploaded(default=None, **OWN_KEY),
         uploaded(server_side_encryption="AES256"), "is encrypted with AES256 (SSE-S3), not KMS, below its bucket's"),
    Case("s3-object-kms-encrypted", uploaded(bucket="literal", legacy=True, kms_key_id=KEY),
         uploaded(bucket="literal", legacy=True), "its bucket is not in this stack"),
    Case("s3-object-kms-encrypted", uploaded(legacy=True, server_side_encryption="aws:kms", kms_key_id=KEY),
         uploaded(legacy=True, server_side_encryption="aws:kms"), "is encrypted with the AWS-managed aws/s3 key"),
    Case("s3-object-kms-encrypted", uploaded(default="AES256", server_side_encryption="AES256"),
         uploaded(server_side_encryption="AES256"), "below its bucket's KMS default", config=NO_CUSTOMER_KEY),
]
