"""S3: buckets, the split bucket resources, and the account-wide public access block."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import documents
from .aws_elb import BALANCERS, CLASSIC
from .catalog import Arn
from .checks import flag_off, is_set, list_schema, minimum_schema, shown
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("s3", "S3", "Buckets, the split bucket resources, and the account-wide public access block.")

# pulumi-aws 7 renamed BucketV2 to Bucket and kept the old tokens as aliases; the split resources' V2 tokens too.
BUCKET, BUCKET_V2 = BUCKETS = SERVICE.resource_types(
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", kind="bucket", stateful=True, backup=True,
    arn=Arn("s3", "", "bucket"), public=True)
VERSIONING = SERVICE.resource_types("aws:s3/bucketVersioning:BucketVersioning",
                                    "aws:s3/bucketVersioningV2:BucketVersioningV2", kind="bucket versioning")
ENCRYPTION = SERVICE.resource_types(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    kind="bucket encryption", key="rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId")
PUBLIC_ACCESS_BLOCK = SERVICE.resource_types("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                                             kind="public access block")
ACCOUNT_BLOCK = SERVICE.resource_types("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
                                       kind="account public access block")
POLICY = SERVICE.resource_types("aws:s3/bucketPolicy:BucketPolicy", kind="bucket policy")
ACL = SERVICE.resource_types("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2", kind="bucket ACL")
OWNERSHIP = SERVICE.resource_types("aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                                   kind="bucket ownership controls")
LIFECYCLE = SERVICE.resource_types("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                                   "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
                                   kind="bucket lifecycle")
OBJECT_LOCK = SERVICE.resource_types("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                                     "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
                                     kind="object lock")
LOGGING = SERVICE.resource_types("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2",
                                 kind="bucket logging")
LOAD_BALANCERS = [*BALANCERS, *CLASSIC]
BLOCKS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
ENCRYPTING = {"aws:kms", "aws:kms:dsse", "AES256"}


def _algorithms(r: Resource) -> list[str]:
    return [str(r.get(f"rules.{i}.applyServerSideEncryptionByDefault.sseAlgorithm"))
            for i, _ in enumerate(r.list("rules"))]


@SERVICE.resource_policy(
    name="s3-bucket-encryption-enabled", types=ENCRYPTION, severity="high", criteria=["CC6.1", "C1.1"],
    description="S3 buckets encrypt new objects by default.",
    remediation="Add a BucketServerSideEncryptionConfiguration with sse_algorithm aws:kms and a customer-managed "
                "kms_master_key_id (SecureBucket does this).")
def _encryption(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    algorithms = _algorithms(r)
    if not algorithms or not all(a in ENCRYPTING for a in algorithms):
        yield f"default encryption is not configured with KMS or AES256 (sseAlgorithm: {algorithms or 'none'})"


@SERVICE.resource_policy(
    name="s3-bucket-kms-bucket-key", types=ENCRYPTION, severity="low", criteria=["C1.1"],
    description="SSE-KMS buckets use an S3 bucket key.",
    remediation="Set bucket_key_enabled=True in the encryption rule; it cuts KMS calls without weakening encryption.")
def _bucket_key(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for i, algorithm in enumerate(_algorithms(r)):
        if algorithm.startswith("aws:kms") and r.get(f"rules.{i}.bucketKeyEnabled") is not True:
            yield f"rules[{i}] uses SSE-KMS without an S3 bucket key (bucketKeyEnabled is not true)"


@SERVICE.resource_policy(
    name="s3-bucket-versioning-enabled", types=VERSIONING, severity="high", criteria=["A1.2", "CC7.5", "C1.1"],
    description="S3 bucket versioning is enabled.",
    remediation="Set versioning_configuration.status = Enabled on the BucketVersioning.")
def _versioning(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    status = r.get("versioningConfiguration.status")
    if status != "Enabled":
        yield f"versioning status is {shown(status)}, not 'Enabled'"


@SERVICE.resource_policy(
    name="s3-account-public-access-blocked", types=ACCOUNT_BLOCK, severity="high", criteria=["CC6.1", "CC6.6", "C1.1"],
    description="The account-wide S3 public access block is on.",
    remediation="Set all four flags on aws.s3.AccountPublicAccessBlock to True.")
@SERVICE.resource_policy(
    name="s3-bucket-public-access-blocked",
    types=PUBLIC_ACCESS_BLOCK, severity="critical", criteria=["CC6.1", "CC6.6", "C1.1"],
    description="All four S3 public access blocks are on.",
    remediation="Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to True.")
def _all_blocks(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if off := [b for b in BLOCKS if r.get(b) is not True]:
        yield f"public access blocks not on: {', '.join(off)}"


@SERVICE.resource_policy(
    name="s3-bucketpolicy-tls-only", types=POLICY, severity="high", criteria=["CC6.7"],
    description="S3 bucket policies refuse requests made without TLS.",
    remediation="Add a Deny of s3:* for Principal * with Condition Bool aws:SecureTransport = false, covering the "
                "bucket and its objects.")
def _tls_only(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not documents.denies_insecure_transport(r.document("policy")):
        yield "the bucket policy does not deny requests made without TLS (aws:SecureTransport = false)"


def _no_public_statements(path: str) -> Any:
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        for index, statement in enumerate(documents.statements(r.document(path))):
            if documents.is_public_allow(statement):
                yield f"statement {statement.get('Sid', index)!s} allows everyone ('*') without a restricting condition"
    return check


@SERVICE.resource_policy(
    name="s3-bucket-inline-acl-private", types=BUCKETS, severity="critical", criteria=["CC6.1", "C1.1"],
    description="Inline bucket ACLs grant nothing to everyone.",
    remediation="Remove acl/grants from the Bucket and use BucketOwnershipControls (BucketOwnerEnforced).")
@SERVICE.resource_policy(
    name="s3-bucketacl-private", types=ACL, severity="critical", criteria=["CC6.1", "C1.1"],
    description="S3 bucket ACLs grant nothing to everyone.",
    remediation="Remove public canned ACLs and AllUsers/AuthenticatedUsers grants; prefer BucketOwnerEnforced "
                "ownership.")
def _acl_private(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    acl = r.get("acl")
    if isinstance(acl, str) and acl in PUBLIC_ACLS:
        yield f"the canned ACL {acl!r} makes the bucket public"
    grants = [g for g in r.list("accessControlPolicy.grants") + r.list("grants") if isinstance(g, Mapping)]
    for grant in grants:
        grantee = grant.get("grantee") if isinstance(grant.get("grantee"), Mapping) else grant
        uris = [grantee.get("uri")] + documents.as_list(grantee.get("uris"))
        if any(uri in PUBLIC_GRANTEES for uri in uris):
            yield f"a grant gives {[u for u in uris if u in PUBLIC_GRANTEES][0].rsplit('/', 1)[-1]} access"


@SERVICE.resource_policy(
    name="s3-bucket-ownership-enforced", types=OWNERSHIP, severity="medium", criteria=["CC6.1"],
    description="S3 buckets disable ACLs (BucketOwnerEnforced).",
    remediation="Set rule.object_ownership = BucketOwnerEnforced on BucketOwnershipControls.")
def _ownership(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    ownership = r.get("rule.objectOwnership")
    if ownership != "BucketOwnerEnforced":
        yield f"objectOwnership is {shown(ownership)}: ACLs stay active; use BucketOwnerEnforced"


@SERVICE.resource_policy(
    name="s3-bucket-lifecycle-rules", types=LIFECYCLE, severity="low", criteria=["C1.2", "CC6.5"],
    description="S3 lifecycle rules dispose of stale uploads and old versions.",
    remediation="Add enabled rules with abort_incomplete_multipart_upload and noncurrent_version_expiration (or "
                "expiration for log buckets).")
def _lifecycle(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    rules = [rule for rule in r.list("rules") if isinstance(rule, Mapping) and rule.get("status") == "Enabled"]
    if not any(isinstance(rule.get("abortIncompleteMultipartUpload"), Mapping) for rule in rules):
        yield "no enabled rule aborts incomplete multipart uploads"
    if not any(isinstance(rule.get("noncurrentVersionExpiration"), Mapping) or isinstance(rule.get("expiration"), Mapping)
               for rule in rules):
        yield "no enabled rule expires objects or noncurrent versions, so replaced data is never disposed of"


@SERVICE.resource_policy(
    name="s3-bucket-object-lock-retention", types=OBJECT_LOCK, severity="medium", criteria=["PI1.5", "CC7.2"],
    description="Object lock keeps every version for the minimum period.",
    remediation="Set rule.default_retention with mode COMPLIANCE (or GOVERNANCE) and at least the configured days.",
    config={"minDays": minimum_schema(365, "Fewest days each object version stays locked.", 1),
           "modes": list_schema(["COMPLIANCE", "GOVERNANCE"], "Accepted object lock modes.")})
def _object_lock(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    retention = r.dict("rule.defaultRetention")
    days = r.number("rule.defaultRetention.days") or 0
    days += 365 * (r.number("rule.defaultRetention.years") or 0)
    if not retention:
        yield "object lock has no default retention"
        return
    if days < config["minDays"]:
        yield f"default retention is {shown(days)} days, below the minimum of {shown(config['minDays'])}"
    if retention.get("mode") not in config["modes"]:
        yield f"retention mode {shown(retention.get('mode'))} is not one of {', '.join(config['modes'])}"


def _target_of(stack: Stack, bucket: Resource, types: list[str], path: str) -> list[Resource]:
    """Resources of `types` whose `path` was computed from `bucket`, or names it literally."""
    return stack.referrers(types, path, BUCKETS, "bucket").get(bucket.urn, [])


@SERVICE.stack_policy(
    name="s3-bucket-security-controls-attached", severity="high", criteria=["CC6.1", "CC6.7", "A1.2", "C1.1"],
    description="Every S3 bucket has versioning, default encryption, a public access block and a bucket policy.",
    remediation="Create the bucket with the SecureBucket component, or add the missing split resources "
                "(BucketVersioning, BucketServerSideEncryptionConfiguration, BucketPublicAccessBlock, BucketPolicy).",
    examines=BUCKETS)
def _controls_attached(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for bucket in stack.of_type(*BUCKETS):
        missing = []
        versioning = _target_of(stack, bucket, VERSIONING, "bucket")
        if not versioning and bucket.peek("versioning.enabled") is not True:
            missing.append("versioning")
        if not _target_of(stack, bucket, ENCRYPTION, "bucket") and not bucket.is_set("serverSideEncryptionConfiguration"):
            missing.append("default encryption")
        if not _target_of(stack, bucket, PUBLIC_ACCESS_BLOCK, "bucket"):
            missing.append("a public access block")
        if not _target_of(stack, bucket, POLICY, "bucket") and not bucket.is_set("policy"):
            missing.append("a bucket policy (TLS only)")
        if missing:
            yield f"bucket {bucket.name} has no {', '.join(missing)}", bucket.urn


def _log_targets(stack: Stack) -> set[str]:
    """URNs of buckets that receive server access logs or load balancer logs (SSE-S3 only, by AWS rule)."""
    targets = set()
    for bucket in stack.of_type(*BUCKETS):
        if _target_of(stack, bucket, LOGGING, "targetBucket") or \
                _target_of(stack, bucket, LOAD_BALANCERS, "accessLogs.bucket"):
            targets.add(bucket.urn)
    return targets


@SERVICE.stack_policy(
    name="s3-bucket-access-logging", severity="medium", criteria=["CC7.2"],
    description="Every S3 bucket logs access, except the buckets that receive logs.",
    remediation="Add a BucketLogging to a log bucket (SecureBucket access_log_bucket).",
    examines=BUCKETS)
def _access_logging(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    targets = _log_targets(stack)
    for bucket in stack.of_type(*BUCKETS):
        logs = _target_of(stack, bucket, LOGGING, "bucket") or bucket.is_set("logging")
        if not logs and bucket.urn not in targets:
            yield f"bucket {bucket.name} has no server access logging", bucket.urn


@SERVICE.stack_policy(
    name="s3-bucket-customer-managed-key", severity="high", criteria=["CC6.1", "C1.1"],
    description="S3 buckets encrypt with a customer-managed KMS key, except log buckets, which AWS allows only SSE-S3.",
    remediation="Use sse_algorithm aws:kms with kms_master_key_id set to a customer-managed key.",
    examines=BUCKETS)
def _customer_managed_key(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    targets = _log_targets(stack)
    for bucket in stack.of_type(*BUCKETS):
        if bucket.urn in targets:
            continue  # AWS delivers access logs only to SSE-S3 buckets
        for config in _target_of(stack, bucket, ENCRYPTION, "bucket"):
            for i, algorithm in enumerate(_algorithms(config)):
                key_path = f"rules.{i}.applyServerSideEncryptionByDefault.kmsMasterKeyId"
                if not algorithm.startswith("aws:kms"):
                    yield f"bucket {bucket.name} is encrypted with {algorithm}, not a customer-managed KMS key", config.urn
                elif not config.is_set(key_path):
                    yield f"bucket {bucket.name} uses the AWS-managed aws/s3 key (kmsMasterKeyId unset)", config.urn


SERVICE.resource_policy(
    name="s3-bucketpolicy-no-public-access", types=POLICY, severity="critical", criteria=["CC6.1", "C1.1"],
    description="S3 bucket policies grant nothing to everyone.",
    remediation="Name the principals, or narrow `*` with aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID.",
)(_no_public_statements("policy"))

SERVICE.resource_policy(
    name="s3-bucket-inline-policy-no-public-access", types=BUCKETS, severity="critical", criteria=["CC6.1", "C1.1"],
    description="Inline bucket policies grant nothing to everyone.",
    remediation="Move the policy to aws.s3.BucketPolicy and name its principals.",
)(_no_public_statements("policy"))

SERVICE.resource_policy(
    name="s3-bucketlogging-target-set", types=LOGGING, severity="low", criteria=["CC7.2"],
    description="S3 access logging names a target bucket.",
    remediation="Set target_bucket (and target_prefix) on the BucketLogging.",
)(is_set("targetBucket", "logs go nowhere"))

SERVICE.resource_policy(
    name="s3-bucket-no-force-destroy", types=BUCKETS, severity="medium", criteria=["CC6.5", "A1.2"],
    description="S3 buckets cannot be deleted with their contents.",
    remediation="Remove force_destroy=True; empty a bucket deliberately before retiring it.",
)(flag_off("forceDestroy", "deleting the bucket deletes every object"))
