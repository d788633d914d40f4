"""S3 policy cases."""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TLS_DENY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::data/*"}


def named(name: str, build: Callable[[], None]) -> Build:
    build.__name__ = name
    return build


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def encryption(algorithm: str = "aws:kms", key: str | None = KEY, bucket_key: bool = True) -> Build:
    default = {"sse_algorithm": algorithm, **({"kms_master_key_id": key} if key else {})}
    return named(f"encryption({algorithm}, key={bool(key)}, bucket_key={bucket_key})", lambda: (
        aws.s3.BucketServerSideEncryptionConfiguration("sse", bucket="data", rules=[{
            "apply_server_side_encryption_by_default": default, "bucket_key_enabled": bucket_key}])))


def versioning(status: str) -> Build:
    return named(f"versioning({status})", lambda: aws.s3.BucketVersioning(
        "versioning", bucket="data", versioning_configuration={"status": status}))


def blocks(**off: bool) -> Build:
    flags = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
             "restrict_public_buckets": True, **off}
    return named(f"blocks({off})", lambda: aws.s3.BucketPublicAccessBlock("pab", bucket="data", **flags))


def account_blocks(**off: bool) -> Build:
    flags = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
             "restrict_public_buckets": True, **off}
    return named(f"account_blocks({off})", lambda: aws.s3.AccountPublicAccessBlock("account", **flags))


def bucket_policy(*statements: dict[str, Any]) -> Build:
    return named(f"bucket_policy({[s['Sid'] for s in statements]})",
                 lambda: aws.s3.BucketPolicy("policy", bucket="data", policy=document(*statements)))


def acl(canned: str | None = None, grant_uri: str | None = None) -> Build:
    args: dict[str, Any] = {"acl": canned} if canned else {}
    if grant_uri:
        args["access_control_policy"] = {"owner": {"id": "owner"}, "grants": [
            {"grantee": {"type": "Group", "uri": grant_uri}, "permission": "READ"}]}
    return named(f"acl({canned}, {grant_uri})", lambda: aws.s3.BucketAcl("acl", bucket="data", **args))


def inline_bucket(**args: Any) -> Build:
    return named(f"bucket({args})", lambda: aws.s3.Bucket("data", bucket="data", **args))


def ownership(mode: str) -> Build:
    return named(f"ownership({mode})", lambda: aws.s3.BucketOwnershipControls(
        "ownership", bucket="data", rule={"object_ownership": mode}))


def lifecycle(*rules: dict[str, Any]) -> Build:
    return named(f"lifecycle({[r['id'] for r in rules]})",
                 lambda: aws.s3.BucketLifecycleConfiguration("lifecycle", bucket="data", rules=list(rules)))


ABORT = {"id": "abort", "status": "Enabled", "filter": {}, "abort_incomplete_multipart_upload": {"days_after_initiation": 7}}
NONCURRENT = {"id": "noncurrent", "status": "Enabled", "filter": {}, "noncurrent_version_expiration": {"noncurrent_days": 90}}


def object_lock(mode: str, days: int) -> Build:
    return named(f"object_lock({mode}, {days})", lambda: aws.s3.BucketObjectLockConfiguration(
        "lock", bucket="audit", object_lock_enabled="Enabled", rule={"default_retention": {"mode": mode, "days": days}}))


def logging(target: str | None) -> Build:
    args = {"target_bucket": target or "", "target_prefix": "data/"}
    return named(f"logging({target})", lambda: aws.s3.BucketLogging("logging", bucket="data", **args))


def stack(*, versioned: bool = True, logged: bool = True, algorithm: str = "aws:kms",
          key: str | None = KEY) -> Build:
    """A data bucket and the log bucket it logs to, wired with real outputs like SecureBucket."""
    def build() -> None:
        logs = aws.s3.Bucket("logs", bucket="logs-123456789012")
        data = aws.s3.Bucket("data", bucket="data-123456789012")
        for bucket, name, sse in ((logs, "logs", {"sse_algorithm": "AES256"}),
                                  (data, "data", {"sse_algorithm": algorithm, **({"kms_master_key_id": key} if key else {})})):
            if name == "logs" or versioned:
                aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
            aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-sse", bucket=bucket.id, rules=[{
                "apply_server_side_encryption_by_default": sse}])
            aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=bucket.id, block_public_acls=True,
                                           block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
            aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=bucket.arn.apply(
                lambda arn: document({**TLS_DENY, "Resource": [arn, f"{arn}/*"]})))
        if logged:
            aws.s3.BucketLogging("data-logging", bucket=data.id, target_bucket=logs.id, target_prefix="data/")
    return named(f"stack(versioned={versioned}, logged={logged}, {algorithm}, key={bool(key)})", build)


SECURE_STACK = stack()
CASES = [
    Case("s3-bucket-encryption-enabled", encryption(), encryption("none-of-these"), "default encryption is not configured"),
    Case("s3-bucket-kms-bucket-key", encryption(), encryption(bucket_key=False), "without an S3 bucket key"),
    Case("s3-bucket-versioning-enabled", versioning("Enabled"), versioning("Suspended"), "versioning status is 'Suspended'"),
    Case("s3-bucket-public-access-blocked", blocks(), blocks(restrict_public_buckets=False), "restrictPublicBuckets"),
    Case("s3-account-public-access-blocked", account_blocks(), account_blocks(block_public_policy=False),
         "blockPublicPolicy"),
    Case("s3-bucketpolicy-tls-only", bucket_policy(TLS_DENY), bucket_policy({**TLS_DENY, "Effect": "Allow"}),
         "does not deny requests made without TLS"),
    Case("s3-bucketpolicy-no-public-access", bucket_policy(TLS_DENY), bucket_policy(TLS_DENY, PUBLIC_READ),
         "statement PublicRead allows everyone"),
    Case("s3-bucket-inline-policy-no-public-access", inline_bucket(policy=document(TLS_DENY)),
         inline_bucket(policy=document(PUBLIC_READ)), "statement PublicRead allows everyone"),
    Case("s3-bucketacl-private", acl("private"), acl("public-read"), "canned ACL 'public-read'"),
    Case("s3-bucketacl-private", acl(grant_uri="http://acs.amazonaws.com/groups/global/LogDelivery"),
         acl(grant_uri="http://acs.amazonaws.com/groups/global/AllUsers"), "a grant gives AllUsers access"),
    Case("s3-bucket-inline-acl-private", inline_bucket(), inline_bucket(acl="public-read-write"),
         "canned ACL 'public-read-write'"),
    Case("s3-bucket-ownership-enforced", ownership("BucketOwnerEnforced"), ownership("ObjectWriter"),
         "objectOwnership is 'ObjectWriter'"),
    Case("s3-bucket-lifecycle-rules", lifecycle(ABORT, NONCURRENT), lifecycle(NONCURRENT),
         "no enabled rule aborts incomplete multipart uploads"),
    Case("s3-bucket-object-lock-retention", object_lock("COMPLIANCE", 365), object_lock("GOVERNANCE", 30),
         "default retention is 30 days, below the minimum of 365"),
    Case("s3-bucketlogging-target-set", logging("logs"), logging(None), "targetBucket is not set"),
    Case("s3-bucket-no-force-destroy", inline_bucket(), inline_bucket(force_destroy=True),
         "deleting the bucket deletes every object"),
    Case("s3-bucket-security-controls-attached", SECURE_STACK, stack(versioned=False), "bucket data has no versioning"),
    Case("s3-bucket-access-logging", SECURE_STACK, stack(logged=False), "bucket data has no server access logging"),
    Case("s3-bucket-customer-managed-key", SECURE_STACK, stack(algorithm="AES256", key=None),
         "bucket data is encrypted with AES256"),
    Case("s3-bucket-customer-managed-key", SECURE_STACK, stack(key=None), "uses the AWS-managed aws/s3 key"),
]
