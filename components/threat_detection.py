"""Threat detection: GuardDuty with S3 and RDS protection, Security Hub with the AWS Foundational
Security Best Practices and CIS standards, Inspector, EBS encryption by default, the account-wide
S3 public access block, and high-severity findings routed to the alert topic (CC3.2, CC6.8,
CC7.1, CC7.2, CC7.3).
"""

from __future__ import annotations

import json
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

STANDARDS = {
    "fsbp": "standards/aws-foundational-security-best-practices/v/1.0.0",
    "cis": "standards/cis-aws-foundations-benchmark/v/3.0.0",
}
GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "EBS_MALWARE_PROTECTION")


class ThreatDetectionArgs(TypedDict):
    account_id: pulumi.Input[str]
    """Account Inspector scans."""
    region: str
    """Region of the Security Hub standards."""
    alert_topic_arn: pulumi.Input[str]
    """Topic that receives high-severity findings."""
    ebs_kms_key_arn: pulumi.Input[str]
    """Customer key used for new EBS volumes."""
    tags: NotRequired[dict[str, str]]
    """Tags for taggable resources."""


class ThreatDetection(pulumi.ComponentResource):
    detector_id: pulumi.Output[str]

    def __init__(self, name: str, args: ThreatDetectionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:detection:ThreatDetection", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)

        detector = aws.guardduty.Detector(f"{name}-guardduty", enable=True,
                                          finding_publishing_frequency="FIFTEEN_MINUTES", tags=tags, opts=child)
        for feature in GUARDDUTY_FEATURES:
            aws.guardduty.DetectorFeature(f"{name}-guardduty-{feature.lower().replace('_', '-')}",
                                          detector_id=detector.id, name=feature, status="ENABLED", opts=child)
        hub = aws.securityhub.Account(f"{name}-securityhub", enable_default_standards=False,
                                      control_finding_generator="SECURITY_CONTROL", auto_enable_controls=True,
                                      opts=child)
        for key, path in STANDARDS.items():
            aws.securityhub.StandardsSubscription(f"{name}-standard-{key}",
                                                  standards_arn=f"arn:aws:securityhub:{args['region']}::{path}",
                                                  opts=pulumi.ResourceOptions(parent=self, depends_on=[hub]))
        aws.inspector2.Enabler(f"{name}-inspector", account_ids=[args["account_id"]],
                               resource_types=["EC2", "ECR", "LAMBDA"], opts=child)
        aws.ebs.EncryptionByDefault(f"{name}-ebs-encryption", enabled=True, opts=child)
        aws.ebs.DefaultKmsKey(f"{name}-ebs-key", key_arn=args["ebs_kms_key_arn"], opts=child)
        aws.s3.AccountPublicAccessBlock(f"{name}-s3-account-block", block_public_acls=True, block_public_policy=True,
                                        ignore_public_acls=True, restrict_public_buckets=True, opts=child)

        rule = aws.cloudwatch.EventRule(f"{name}-findings", description="High-severity GuardDuty and Security Hub findings",
                                        event_pattern=json.dumps({"$or": [
                                            {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
                                             "detail": {"severity": [{"numeric": [">=", 7]}]}},
                                            {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"],
                                             "detail": {"findings": {"Severity": {"Label": ["HIGH", "CRITICAL"]}}}},
                                        ]}), tags=tags, opts=child)
        aws.cloudwatch.EventTarget(f"{name}-findings-to-alerts", rule=rule.name, arn=args["alert_topic_arn"], opts=child)

        self.detector_id = detector.id
        self.register_outputs({"detector_id": self.detector_id})
