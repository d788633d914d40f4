"""SecureBucket registers every S3 control, and its explicit weakenings show in the inputs."""

from __future__ import annotations

import json

import pytest

from components.secure_bucket import SecureBucket
from preflight.capture import ProgramError
from tests.components.helpers import KEY_ARN, capture, of_type, one

S3 = "aws:s3/"


def build(**extra) -> None:
    SecureBucket("data", {"bucket_name": "data-123456789012", "kms_key_arn": KEY_ARN, "access_log_bucket": "logs",
                          **extra})


def test_encryption_versioning_and_all_four_public_access_blocks():
    result = capture(build)
    rule = one(result, S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
               ).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}
    assert rule["bucketKeyEnabled"] is True
    assert one(result, S3 + "bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    block = one(result, S3 + "bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                          "restrictPublicBuckets"))
    assert one(result, S3 + "bucketOwnershipControls:BucketOwnershipControls").inputs["rule"] == {
        "objectOwnership": "BucketOwnerEnforced"}


def test_the_bucket_policy_refuses_requests_without_tls_on_the_bucket_and_its_objects():
    policy = json.loads(one(capture(build), S3 + "bucketPolicy:BucketPolicy").inputs["policy"])
    deny = policy["Statement"][0]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == ["arn:aws:s3:::data-123456789012", "arn:aws:s3:::data-123456789012/*"]


def test_access_logging_lifecycle_and_protection():
    result = capture(lambda: build(expiration_days=365))
    logging = one(result, S3 + "bucketLogging:BucketLogging").inputs
    assert logging["targetBucket"] == "logs" and logging["targetPrefix"] == "data/"
    rules = {r["id"]: r for r in one(result, S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration"
                                     ).inputs["rules"]}
    assert rules["abort-incomplete-uploads"]["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    assert rules["expire-objects"]["expiration"] == {"days": 365}
    bucket = one(result, S3 + "bucket:Bucket")
    assert bucket.protect and bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["tags"]["soc2:stateful"] == "true"


def test_object_lock_for_audit_logs():
    result = capture(lambda: build(object_lock={"mode": "COMPLIANCE", "days": 2557}))
    assert one(result, S3 + "bucket:Bucket").inputs["objectLockEnabled"] is True
    lock = one(result, S3 + "bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs
    assert lock["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "days": 2557}}


def test_sse_s3_and_no_access_logging_are_explicit_weakenings_visible_in_the_inputs():
    result = capture(lambda: SecureBucket("logs", {"bucket_name": "logs", "sse_s3": True, "stateful": False}))
    rule = one(result, S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
               ).inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    assert of_type(result, S3 + "bucketLogging:BucketLogging") == []
    assert one(result, S3 + "bucket:Bucket").inputs["tags"]["soc2:stateful"] == "false"


def test_a_bucket_without_a_key_must_say_sse_s3_explicitly():
    with pytest.raises(ProgramError) as caught:
        capture(lambda: SecureBucket("data", {"bucket_name": "data"}))
    assert "SecureBucket data: set kms_key_arn, or sse_s3=True explicitly" in str(caught.value)
