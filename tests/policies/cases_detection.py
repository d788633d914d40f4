"""Detection policy cases: GuardDuty, Security Hub, AWS Config and Inspector."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policies.cases_cloudtrail import ACCOUNT, NO_TRAIL, ROLE_ARN, label, named
from tests.policies.harness import Build, Case

FEATURES = ("S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS")
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
RECORDING_ALL = {"all_supported": True, "include_global_resource_types": True}


def detector(**changes: Any) -> Build:
    args = {"enable": True, "finding_publishing_frequency": "FIFTEEN_MINUTES", **changes}
    return named(f"detector({label(changes)})", lambda: aws.guardduty.Detector("detector", **args))


def feature(status: str) -> Build:
    return named(f"feature({status})", lambda: aws.guardduty.DetectorFeature(
        "s3-protection", detector_id="12abc34d567e8fa901bc2d34e56789f0", name="S3_DATA_EVENTS", status=status))


def guarded(features: tuple[str, ...] = FEATURES, disabled: str = "", legacy_s3: bool = False) -> Build:
    def build() -> None:
        datasources = {"datasources": {"s3_logs": {"enable": True}}} if legacy_s3 else {}
        found = aws.guardduty.Detector("detector", enable=True, **datasources)
        for name in features:
            aws.guardduty.DetectorFeature(f"feature-{name.lower()}", detector_id=found.id, name=name,
                                          status="DISABLED" if name == disabled else "ENABLED")
    return named(f"guarded(features={features}, disabled={disabled!r}, legacy_s3={legacy_s3})", build)


def hub(standards: tuple[str, ...] = (FSBP, CIS), account: bool = True, **changes: Any) -> Build:
    def build() -> None:
        depends: list[pulumi.Resource] = []
        if account:
            args = {"enable_default_standards": False, "auto_enable_controls": True, **changes}
            depends.append(aws.securityhub.Account("hub", **args))
        for index, arn in enumerate(standards):
            aws.securityhub.StandardsSubscription(f"standard-{index}", standards_arn=arn,
                                                  opts=pulumi.ResourceOptions(depends_on=depends))
    return named(f"hub(standards={len(standards)}, account={account}, {label(changes)})", build)


def recorder(**group: Any) -> Build:
    return named(f"recorder({label(group)})", lambda: aws.cfg.Recorder(
        "recorder", role_arn=ROLE_ARN, recording_group={**RECORDING_ALL, **group}))


def recorder_status(enabled: bool) -> Build:
    return named(f"recorder_status({enabled})", lambda: aws.cfg.RecorderStatus("status", name="default",
                                                                                is_enabled=enabled))


def channel(frequency: str | None) -> Build:
    snapshots = {"snapshot_delivery_properties": {"delivery_frequency": frequency}} if frequency else {}
    return named(f"channel({frequency})", lambda: aws.cfg.DeliveryChannel("channel", s3_bucket_name="audit",
                                                                          **snapshots))


def config_service(channel_: bool = True, enabled: bool = True) -> Build:
    def build() -> None:
        found = aws.cfg.Recorder("recorder", name="default", role_arn=ROLE_ARN, recording_group=RECORDING_ALL)
        after = [found]
        if channel_:
            after.append(aws.cfg.DeliveryChannel("channel", name="default", s3_bucket_name="audit",
                                                 opts=pulumi.ResourceOptions(depends_on=[found])))
        aws.cfg.RecorderStatus("status", name=found.name, is_enabled=enabled,
                               opts=pulumi.ResourceOptions(depends_on=after))
    return named(f"config_service(channel={channel_}, enabled={enabled})", build)


def enabler(*types: str) -> Build:
    return named(f"enabler({', '.join(types)})", lambda: aws.inspector2.Enabler(
        "inspector", account_ids=[ACCOUNT], resource_types=list(types)))


SECURE_DETECTOR = detector()
SECURE_HUB = hub()
SECURE_RECORDER = recorder()
RECORDING = config_service()
SCANNING = enabler("EC2", "ECR", "LAMBDA")

CASES = [
    Case("guardduty-detector-enabled", SECURE_DETECTOR, detector(enable=False),
         "the detector is suspended: enable is False"),
    Case("guardduty-detector-publishing-frequency", SECURE_DETECTOR, detector(finding_publishing_frequency=None),
         "findingPublishingFrequency is unset (AWS default SIX_HOURS)"),
    Case("guardduty-detector-publishing-frequency", detector(finding_publishing_frequency="ONE_HOUR"),
         detector(finding_publishing_frequency="SIX_HOURS"), "findingPublishingFrequency is 'SIX_HOURS'"),
    Case("guardduty-detector-publishing-frequency", detector(finding_publishing_frequency=None),
         detector(finding_publishing_frequency="ONE_HOUR"), "allowed: SIX_HOURS",
         config={"guardduty-detector-publishing-frequency": {"allowed": ["SIX_HOURS"]}}),
    Case("guardduty-detectorfeature-enabled", feature("ENABLED"), feature("DISABLED"),
         "GuardDuty feature S3_DATA_EVENTS is 'DISABLED', not 'ENABLED'"),
    Case("guardduty-detector-exists", SECURE_DETECTOR, NO_TRAIL, "the stack has no enabled GuardDuty detector"),
    Case("guardduty-detector-exists", SECURE_DETECTOR, detector(enable=False), "no enabled GuardDuty detector"),
    Case("guardduty-detector-required-features", guarded(), guarded(features=FEATURES[1:]),
         "features not enabled: S3_DATA_EVENTS"),
    Case("guardduty-detector-required-features", guarded(features=FEATURES[1:], legacy_s3=True),
         guarded(disabled="RDS_LOGIN_EVENTS"), "features not enabled: RDS_LOGIN_EVENTS"),
    Case("securityhub-account-auto-enable-controls", hub(auto_enable_controls=None),
         hub(auto_enable_controls=False), "autoEnableControls is False, not true"),
    Case("securityhub-standards-subscribed", SECURE_HUB, hub(standards=(FSBP,)),
         "not subscribed to cis-aws-foundations-benchmark"),
    Case("securityhub-standards-subscribed", hub(standards=(), enable_default_standards=None),
         hub(standards=()),
         "not subscribed to aws-foundational-security-best-practices, cis-aws-foundations-benchmark"),
    Case("securityhub-standards-subscribed", SECURE_HUB, hub(account=False),
         "the stack has no aws.securityhub.Account"),
    Case("config-recorder-all-resources", SECURE_RECORDER, recorder(include_global_resource_types=None),
         "IAM and other global resources are not recorded"),
    Case("config-recorder-all-resources", recorder(all_supported=None), recorder(all_supported=False),
         "only the listed resource types are recorded: recordingGroup.allSupported is False"),
    Case("config-recorderstatus-enabled", recorder_status(True), recorder_status(False),
         "the recorder is stopped: isEnabled is False"),
    Case("config-deliverychannel-snapshot-frequency", channel("TwentyFour_Hours"), channel(None),
         "snapshotDeliveryProperties.deliveryFrequency is unset"),
    Case("config-deliverychannel-snapshot-frequency", channel("One_Hour"), channel("Six_Hours"),
         "deliveryFrequency is 'Six_Hours'; allowed: One_Hour",
         config={"config-deliverychannel-snapshot-frequency": {"allowed": ["One_Hour"]}}),
    Case("config-recorder-active", RECORDING, config_service(enabled=False), "no RecorderStatus with is_enabled=True"),
    Case("config-recorder-active", RECORDING, config_service(channel_=False), "no delivery channel"),
    Case("config-recorder-active", RECORDING, NO_TRAIL, "no configuration recorder"),
    Case("inspector-enabler-resource-types", SCANNING, enabler("EC2"), "Inspector does not scan ECR"),
    Case("inspector-enabler-resource-types", SCANNING, enabler("EC2", "ECR"), "does not scan LAMBDA",
         config={"inspector-enabler-resource-types": {"resourceTypes": ["EC2", "ECR", "LAMBDA"]}}),
    Case("inspector-enabler-exists", SCANNING, NO_TRAIL, "the stack has no aws.inspector2.Enabler"),
]
