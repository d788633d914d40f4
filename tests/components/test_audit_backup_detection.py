"""Audit logging, backups and threat detection register their controls."""

from __future__ import annotations

import json

from components.audit_logging import AuditLogging
from components.backups import BackupPlan
from components.cis_alarms import CIS_FILTERS
from components.threat_detection import ThreatDetection
from tests.components.helpers import KEY_ARN, capture, named, of_type, one

TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"


def build_audit(**extra) -> None:
    AuditLogging("audit", {"account_id": "123456789012", "region": "us-east-1", "bucket_name": "audit-logs",
                           "server_access_log_bucket": "access-logs", "kms_key_arn": KEY_ARN, "log_retention_days": 400,
                           "object_lock_mode": "COMPLIANCE", "object_lock_days": 2557, "alert_topic_arn": TOPIC, **extra})


def test_the_trail_is_multi_region_validated_encrypted_and_streamed_to_cloudwatch():
    result = capture(build_audit)
    trail = one(result, "aws:cloudtrail/trail:Trail")
    assert (trail.inputs["isMultiRegionTrail"], trail.inputs["includeGlobalServiceEvents"],
            trail.inputs["enableLogFileValidation"], trail.inputs["kmsKeyId"]) == (True, True, True, KEY_ARN)
    group = named(result, "audit-trail-logs")
    assert group.inputs["retentionInDays"] == 400 and group.inputs["kmsKeyId"] == KEY_ARN
    assert group.urn in trail.property_dependencies["cloudWatchLogsGroupArn"] and trail.protect


def test_the_audit_bucket_is_object_locked_and_lets_only_cloudtrail_and_config_write():
    result = capture(build_audit)
    lock = one(result, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs
    assert lock["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 2557}
    policy = json.loads(one(result, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    principals = {s["Principal"]["Service"] for s in policy["Statement"] if s["Effect"] == "Allow"}
    assert principals == {"cloudtrail.amazonaws.com", "config.amazonaws.com"}


def test_the_fifteen_cis_metric_filters_each_have_an_alarm_with_actions():
    result = capture(build_audit)
    filters = of_type(result, "aws:cloudwatch/logMetricFilter:LogMetricFilter")
    alarms = {a.inputs["metricName"]: a.inputs for a in of_type(result, "aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert len(CIS_FILTERS) == 15 and len(filters) == 15
    for metric_filter in filters:
        name = metric_filter.inputs["metricTransformation"]["name"]
        assert metric_filter.inputs["pattern"] == CIS_FILTERS[name]
        assert alarms[name]["alarmActions"] == [TOPIC] and alarms[name]["okActions"] == [TOPIC]


def test_aws_config_records_everything_and_delivers_to_the_audit_bucket():
    result = capture(build_audit)
    recorder = one(result, "aws:cfg/recorder:Recorder").inputs
    assert recorder["recordingGroup"] == {"allSupported": True, "includeGlobalResourceTypes": True}
    assert one(result, "aws:cfg/deliveryChannel:DeliveryChannel").inputs["s3KeyPrefix"] == "config"
    assert one(result, "aws:cfg/recorderStatus:RecorderStatus").inputs["isEnabled"] is True


def build_backup(**extra) -> None:
    BackupPlan("backup", {"kms_key_arn": KEY_ARN, "account_id": "123456789012", "retention_days": 35,
                          "resources": ["arn:aws:rds:us-east-1:123456789012:db:app", "arn:aws:s3:::data"], **extra})


def test_a_locked_encrypted_vault_and_a_daily_plan_covering_the_given_resources():
    result = capture(build_backup)
    vault = one(result, "aws:backup/vault:Vault")
    assert vault.inputs["kmsKeyArn"] == KEY_ARN and vault.protect
    lock = one(result, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs
    assert lock["minRetentionDays"] == 7 and "changeableForDays" not in lock  # governance mode by default
    rule = one(result, "aws:backup/plan:Plan").inputs["rules"][0]
    assert rule["schedule"] == "cron(0 5 * * ? *)" and rule["lifecycle"] == {"deleteAfter": 35}
    assert one(result, "aws:backup/selection:Selection").inputs["resources"] == [
        "arn:aws:rds:us-east-1:123456789012:db:app", "arn:aws:s3:::data"]


def test_cross_region_copies_go_to_a_locked_vault_with_its_own_key_in_that_region():
    result = capture(lambda: build_backup(copy_region="us-west-2", lock_mode="compliance"))
    vaults = {v.name: v for v in of_type(result, "aws:backup/vault:Vault")}
    assert vaults["backup-copy-vault"].inputs["region"] == "us-west-2"
    keys = of_type(result, "aws:kms/key:Key")
    assert [k.inputs.get("region") for k in keys] == ["us-west-2"] and keys[0].inputs["enableKeyRotation"] is True
    copy = one(result, "aws:backup/plan:Plan").inputs["rules"][0]["copyActions"][0]
    assert copy["lifecycle"] == {"deleteAfter": 35}
    locks = of_type(result, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert len(locks) == 2 and all(lock.inputs["changeableForDays"] == 3 for lock in locks)


def test_threat_detection_turns_on_every_service_and_routes_findings_to_the_alert_topic():
    result = capture(lambda: ThreatDetection("detect", {"account_id": "123456789012", "region": "us-east-1",
                                                        "alert_topic_arn": TOPIC, "ebs_kms_key_arn": KEY_ARN}))
    assert one(result, "aws:guardduty/detector:Detector").inputs["enable"] is True
    features = {f.inputs["name"]: f.inputs["status"] for f in of_type(result, "aws:guardduty/detectorFeature:DetectorFeature")}
    assert features == {"S3_DATA_EVENTS": "ENABLED", "RDS_LOGIN_EVENTS": "ENABLED", "EBS_MALWARE_PROTECTION": "ENABLED"}
    standards = sorted(s.inputs["standardsArn"] for s in of_type(result, "aws:securityhub/standardsSubscription:StandardsSubscription"))
    assert standards == ["arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                         "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0"]
    assert one(result, "aws:inspector2/enabler:Enabler").inputs["accountIds"] == ["123456789012"]
    assert one(result, "aws:ebs/encryptionByDefault:EncryptionByDefault").inputs["enabled"] is True
    block = one(result, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert one(result, "aws:cloudwatch/eventTarget:EventTarget").inputs["arn"] == TOPIC
