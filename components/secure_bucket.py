"""A secure S3 bucket: SSE-KMS with a bucket key, versioning, all four public access blocks, ACLs
disabled, a policy that refuses non-TLS requests, access logging, lifecycle rules, and optional
object lock for audit logs (CC6.1, CC6.7, C1.1, C1.2, CC7.2).

SSE-S3 is used only when a caller asks for it explicitly (ELB access logs accept nothing else).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .iam_documents import deny_insecure_transport, policy_document


class ObjectLockArgs(TypedDict):
    mode: Literal["GOVERNANCE", "COMPLIANCE"]
    """COMPLIANCE: nobody, root included, can shorten retention or delete locked versions."""
    days: int
    """Default retention of every new object version."""


class SecureBucketArgs(TypedDict):
    bucket_name: NotRequired[str]
    """Physical name; set it so ARNs (and policies that use them) are known at preview."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """Customer-managed key for SSE-KMS. Leave unset only together with sse_s3=True."""
    sse_s3: NotRequired[bool]
    """Use S3-managed keys instead of KMS (required for ELB access logs); reported where it matters."""
    access_log_bucket: NotRequired[pulumi.Input[str]]
    """Bucket that receives this bucket's server access logs; unset only for that log bucket itself."""
    access_log_prefix: NotRequired[str]
    """Key prefix for this bucket's access logs."""
    object_lock: NotRequired[ObjectLockArgs]
    """Write-once retention, for audit logs."""
    expiration_days: NotRequired[int]
    """Delete current objects after this many days (log buckets); unset keeps them."""
    noncurrent_version_days: NotRequired[int]
    """Delete replaced object versions after this many days (default 90)."""
    policy_statements: NotRequired[list[dict[str, Any]]]
    """Extra bucket policy statements (service log delivery); the non-TLS deny is always added."""
    stateful: NotRequired[bool]
    """Holds data that backups must cover (default true); log buckets set false."""
    tags: NotRequired[dict[str, str]]
    """Tags for the bucket."""


class SecureBucket(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:storage:SecureBucket", name, None, opts)
        if not args.get("kms_key_arn") and not args.get("sse_s3"):
            raise ValueError(f"SecureBucket {name}: set kms_key_arn, or sse_s3=True explicitly")
        lock = args.get("object_lock")
        tags = {**args.get("tags", {}), "soc2:stateful": str(args.get("stateful", True)).lower()}
        child = pulumi.ResourceOptions(parent=self)

        bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.get("bucket_name"), object_lock_enabled=bool(lock),
                               force_destroy=False, tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=True))
        # Built from the bucket's own output: known at preview when named, and it carries the dependency.
        arn = bucket.bucket.apply(lambda physical: f"arn:aws:s3:::{physical}") if args.get("bucket_name") else bucket.arn
        aws.s3.BucketOwnershipControls(f"{name}-ownership", bucket=bucket.id,
                                       rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
        block = aws.s3.BucketPublicAccessBlock(f"{name}-public-access-block", bucket=bucket.id, block_public_acls=True,
                                               block_public_policy=True, ignore_public_acls=True,
                                               restrict_public_buckets=True, opts=child)
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id,
                                versioning_configuration={"status": "Enabled"}, opts=child)
        default: dict[str, Any] = ({"sse_algorithm": "AES256"} if args.get("sse_s3") else
                                   {"sse_algorithm": "aws:kms", "kms_master_key_id": args["kms_key_arn"]})
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": not args.get("sse_s3")}],
            opts=child)
        statements = [deny_insecure_transport(arn), *args.get("policy_statements", [])]
        aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=policy_document(statements),
                            opts=pulumi.ResourceOptions(parent=self, depends_on=[block]))
        if args.get("access_log_bucket"):
            aws.s3.BucketLogging(f"{name}-logging", bucket=bucket.id, target_bucket=args["access_log_bucket"],
                                 target_prefix=args.get("access_log_prefix", f"{name}/"), opts=child)
        rules: list[dict[str, Any]] = [
            {"id": "abort-incomplete-uploads", "status": "Enabled", "filter": {},
             "abort_incomplete_multipart_upload": {"days_after_initiation": 7}},
            {"id": "expire-noncurrent-versions", "status": "Enabled", "filter": {},
             "noncurrent_version_expiration": {"noncurrent_days": args.get("noncurrent_version_days", 90)}},
        ]
        if args.get("expiration_days"):
            rules.append({"id": "expire-objects", "status": "Enabled", "filter": {},
                          "expiration": {"days": args["expiration_days"]}})
        aws.s3.BucketLifecycleConfiguration(f"{name}-lifecycle", bucket=bucket.id, rules=rules, opts=child)
        if lock:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock", bucket=bucket.id, object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": lock["mode"], "days": lock["days"]}}, opts=child)

        self.bucket_name = bucket.id
        self.arn = arn
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn})


def server_access_log_bucket(name: str, account_id: str, region: str, tags: dict[str, str],
                             opts: pulumi.ResourceOptions | None = None) -> SecureBucket:
    """The bucket that receives other buckets' S3 server access logs, named `<name>-<account>-<region>`.

    SSE-S3, because S3 delivers server access logs only to SSE-S3 buckets (an AWS limit); only the S3
    logging service of this account may write; logs are kept 365 days; not stateful, so backups skip it.
    """
    bucket_name = f"{name}-{account_id}-{region}"
    return SecureBucket(name, {
        "bucket_name": bucket_name, "sse_s3": True, "stateful": False, "expiration_days": 365, "tags": tags,
        "policy_statements": [{"Sid": "S3ServerAccessLogDelivery", "Effect": "Allow",
                               "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                               "Resource": f"arn:aws:s3:::{bucket_name}/*",
                               "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}],
    }, opts)
