"""Kinesis: data streams, video streams and Firehose delivery streams."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import customer_key
from .checks import at_least, minimum_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("kinesis", "Kinesis and Firehose", "Data streams, video streams and Firehose delivery streams.")

STREAM = SERVICE.resource_type("aws:kinesis/stream:Stream", kind="data stream", stateful=True, key="kmsKeyId")
VIDEO_STREAM = SERVICE.resource_type("aws:kinesis/videoStream:VideoStream", kind="video stream", stateful=True,
                                     key="kmsKeyId")
FIREHOSE = SERVICE.resource_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
                                 kind="Firehose delivery stream", key="serverSideEncryption.keyArn")
# A delivery stream reading from a Kinesis stream or an MSK topic cannot encrypt on its own: the source's
# encryption protects the records.
SOURCES = ("kinesisSourceConfiguration", "mskSourceConfiguration")


@SERVICE.resource_policy(
    name="kinesis-stream-kms-encrypted", types=[STREAM], severity="high", criteria=["CC6.1", "C1.1"],
    description="Kinesis data streams encrypt records with KMS, by default with a customer-managed key.",
    remediation="Set encryption_type='KMS' and kms_key_id to a customer-managed key's ARN (not alias/aws/kinesis) on "
                "the aws.kinesis.Stream.",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_43", "CKV_AWS_185"])
def _stream_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if r.get("encryptionType") != "KMS":
        yield f"records are stored unencrypted: encryptionType is {shown(r.get('encryptionType'))}, not 'KMS'"
    elif not r.is_set("kmsKeyId"):
        yield "encryptionType is 'KMS' but kmsKeyId is not set"
    elif customer_key.required(config) and (problem := customer_key.problem(r, "kmsKeyId")):
        yield f"records are not encrypted with a customer-managed key: {problem}"


@SERVICE.resource_policy(
    name="kinesis-videostream-customer-managed-key", types=[VIDEO_STREAM], severity="high",
    criteria=["CC6.1", "C1.1"],
    description="Kinesis video streams (always encrypted) use a customer-managed KMS key, unless the option allows "
                "the AWS-managed one.",
    remediation="Set kms_key_id on the aws.kinesis.VideoStream to a customer-managed key's ARN "
                "(not alias/aws/kinesisvideo).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_177"])
def _video_customer_key(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if customer_key.required(config) and (problem := customer_key.problem(r, "kmsKeyId")):
        yield f"video is not encrypted with a customer-managed key: {problem}"


SERVICE.resource_policy(
    name="kinesis-stream-retention", types=[STREAM], severity="medium", criteria=["A1.2", "C1.2"],
    description="Kinesis data streams keep records long enough for consumers to recover from an outage.",
    remediation="Set retention_period (hours) on the aws.kinesis.Stream to at least the minimum (168 = 7 days).",
    config={"minHours": minimum_schema(168, "Fewest hours records are kept (the default is 24).", 24)},
)(at_least("retentionPeriod", "minHours", "records expire before consumers can replay them (24 hours when unset)",
           missing=24))


@SERVICE.resource_policy(
    name="kinesis-firehose-encrypted", types=[FIREHOSE], severity="high", criteria=["CC6.1", "C1.1"],
    description="Firehose delivery streams fed directly (Direct PUT) encrypt buffered records, by default with a "
                "customer-managed key.",
    remediation="Set server_side_encryption={'enabled': True, 'key_type': 'CUSTOMER_MANAGED_CMK', 'key_arn': key.arn} "
                "on the aws.kinesis.FirehoseDeliveryStream (a stream fed by Kinesis or MSK relies on its source's "
                "encryption instead).",
    config=customer_key.SCHEMA, checkov=["CKV_AWS_240", "CKV_AWS_241"])
def _firehose_encrypted(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if any(r.is_set(source) for source in SOURCES):
        return
    if r.get("serverSideEncryption.enabled") is not True:
        yield ("buffered records are not encrypted by the delivery stream: serverSideEncryption.enabled is "
               f"{shown(r.get('serverSideEncryption.enabled'))}")
    elif customer_key.required(config):
        key_type = r.get("serverSideEncryption.keyType")
        if key_type != "CUSTOMER_MANAGED_CMK":
            yield (f"serverSideEncryption.keyType is {shown(key_type)} (AWS_OWNED_CMK is the default), not "
                   "CUSTOMER_MANAGED_CMK")
        elif problem := customer_key.problem(r, "serverSideEncryption.keyArn"):
            yield f"buffered records are not encrypted with a customer-managed key: {problem}"
