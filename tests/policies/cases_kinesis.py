"""Kinesis and Firehose policy cases: data streams (provisioned and on-demand), video streams, and
delivery streams fed directly or from a Kinesis stream."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from tests.policies.harness import Build, Case

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
S3_DESTINATION = {"role_arn": "arn:aws:iam::123456789012:role/firehose", "bucket_arn": "arn:aws:s3:::events-archive"}
FIREHOSE_KEY = {"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": KEY}


def named(name: str, build: Any) -> Build:
    build.__name__ = name
    return build


def stream(**changes: Any) -> Build:
    args = {"shard_count": 1, "encryption_type": "KMS", "kms_key_id": KEY, "retention_period": 168, **changes}
    return named(f"stream({changes or 'secure'})", lambda: aws.kinesis.Stream("events", **args))


def on_demand_stream(**changes: Any) -> Build:
    """An on-demand stream keyed by a key of the program."""
    def build() -> None:
        key = aws.kms.Key("events-key", enable_key_rotation=True)
        args = {"stream_mode_details": {"stream_mode": "ON_DEMAND"}, "encryption_type": "KMS", "kms_key_id": key.arn,
                "retention_period": 168}
        aws.kinesis.Stream("events", **{**args, **changes})
    return named(f"on_demand_stream({changes or 'secure'})", build)


def video(**changes: Any) -> Build:
    args = {"data_retention_in_hours": 24, "kms_key_id": KEY, **changes}
    return named(f"video({changes or 'secure'})", lambda: aws.kinesis.VideoStream("camera", **args))


def firehose(**changes: Any) -> Build:
    args = {"destination": "extended_s3", "extended_s3_configuration": S3_DESTINATION,
            "server_side_encryption": FIREHOSE_KEY, **changes}
    return named(f"firehose({changes or 'secure'})", lambda: aws.kinesis.FirehoseDeliveryStream("events", **args))


def firehose_from_stream() -> None:
    """A delivery stream reading an encrypted Kinesis stream: the stream's encryption protects the records."""
    source = aws.kinesis.Stream("events", shard_count=1, encryption_type="KMS", kms_key_id=KEY, retention_period=168)
    aws.kinesis.FirehoseDeliveryStream("archive", destination="extended_s3", extended_s3_configuration=S3_DESTINATION,
                                       kinesis_source_configuration={"kinesis_stream_arn": source.arn,
                                                                     "role_arn": S3_DESTINATION["role_arn"]})


CASES = [
    Case("kinesis-stream-kms-encrypted", stream(), stream(encryption_type=None, kms_key_id=None),
         "records are stored unencrypted: encryptionType is unset, not 'KMS'"),
    Case("kinesis-stream-kms-encrypted", on_demand_stream(), on_demand_stream(kms_key_id="alias/aws/kinesis"),
         "kmsKeyId is 'alias/aws/kinesis', an AWS-managed key"),
    Case("kinesis-stream-kms-encrypted", stream(kms_key_id="alias/aws/kinesis"), stream(encryption_type="NONE"),
         "encryptionType is 'NONE'", config={"kinesis-stream-kms-encrypted": {"requireCustomerKey": False}}),
    Case("kinesis-videostream-customer-managed-key", video(), video(kms_key_id=None), "kmsKeyId is not set"),
    Case("kinesis-videostream-customer-managed-key", video(), video(kms_key_id="alias/aws/kinesisvideo"),
         "an AWS-managed key"),
    Case("kinesis-stream-retention", stream(), stream(retention_period=None),
         "retentionPeriod is unset, below the minimum of 168"),
    Case("kinesis-stream-retention", on_demand_stream(retention_period=720), on_demand_stream(retention_period=168),
         "retentionPeriod is 168, below the minimum of 720", config={"kinesis-stream-retention": {"minHours": 720}}),
    Case("kinesis-firehose-encrypted", firehose(), firehose(server_side_encryption=None),
         "serverSideEncryption.enabled is unset"),
    Case("kinesis-firehose-encrypted", firehose_from_stream,
         firehose(server_side_encryption={"enabled": True}), "serverSideEncryption.keyType is unset"),
    Case("kinesis-firehose-encrypted", firehose(server_side_encryption={"enabled": True, "key_type": "AWS_OWNED_CMK"}),
         firehose(server_side_encryption={"enabled": False}), "serverSideEncryption.enabled is False",
         config={"kinesis-firehose-encrypted": {"requireCustomerKey": False}}),
]
