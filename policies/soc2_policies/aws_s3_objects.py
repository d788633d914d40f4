"""S3 objects a program uploads (BucketObjectv2 and the legacy BucketObject): how they are encrypted,
themselves or by their bucket's default (a second module of the S3 service)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .aws_s3 import BUCKETS, ENCRYPTION, SERVICE, _algorithms
from .framework import Resource, Stack

OBJECTS = SERVICE.resource_types("aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject",
                                 kind="bucket object", key="kmsKeyId")
INLINE_DEFAULT = "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault"


def _bucket_default(stack: Stack, bucket: Resource) -> tuple[bool, bool]:
    """(KMS by default, with a key named) for a bucket of this stack, from its encryption configuration."""
    configs = stack.referrers(ENCRYPTION, "bucket", BUCKETS, "bucket").get(bucket.urn, [])
    for config in configs:
        for i, algorithm in enumerate(_algorithms(config)):
            if algorithm.startswith("aws:kms"):
                return True, config.is_set(f"rules.{i}.applyServerSideEncryptionByDefault.kmsMasterKeyId")
    inline = bucket.peek(f"{INLINE_DEFAULT}.sseAlgorithm")
    if isinstance(inline, str) and inline.startswith("aws:kms"):
        return True, bucket.is_set(f"{INLINE_DEFAULT}.kmsMasterKeyId")
    return False, False


def _verdict(obj: Resource, bucket: Resource | None, stack: Stack, customer_key: bool) -> str | None:
    algorithm, own_key = obj.get("serverSideEncryption"), obj.is_set("kmsKeyId")
    if own_key or (isinstance(algorithm, str) and algorithm.startswith("aws:kms")):
        if customer_key and not own_key:
            return "is encrypted with the AWS-managed aws/s3 key: serverSideEncryption is aws:kms and kmsKeyId is unset"
        return None
    kms_default, default_key = _bucket_default(stack, bucket) if bucket else (False, False)
    if algorithm:
        if kms_default or customer_key:
            return f"is encrypted with {algorithm} (SSE-S3), not KMS" + (
                ", below its bucket's KMS default" if kms_default else "")
        return None
    if bucket is None:
        return ("sets neither serverSideEncryption nor kmsKeyId, and its bucket is not in this stack, so its KMS "
                "encryption cannot be verified") if customer_key else None
    if customer_key and not (kms_default and default_key):
        return f"inherits the default encryption of bucket {bucket.name}, which is not KMS with a customer-managed key"
    return None


@SERVICE.stack_policy(
    name="s3-object-kms-encrypted", severity="medium", criteria=["CC6.1", "C1.1"],
    description="S3 objects the program uploads are encrypted with KMS (a customer-managed key unless configured "
                "otherwise), themselves or through their bucket's default encryption, and never below their bucket's "
                "KMS default.",
    remediation="Set kms_key_id (and server_side_encryption='aws:kms') on aws.s3.BucketObjectv2, or upload to a bucket "
                "whose BucketServerSideEncryptionConfiguration uses aws:kms with kms_master_key_id; never set "
                "server_side_encryption='AES256' on an object in a KMS bucket.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_186"], examines=OBJECTS)
def _objects_encrypted(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    bucket_of = {id(o): b for b in stack.of_type(*BUCKETS)
                 for o in stack.referrers(OBJECTS, "bucket", BUCKETS, "bucket").get(b.urn, [])}
    for obj in stack.of_type(*OBJECTS):
        if message := _verdict(obj, bucket_of.get(id(obj)), stack, config["requireCustomerKey"]):
            yield f"object {obj.name} {message}", obj.urn
