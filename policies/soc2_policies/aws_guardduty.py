"""GuardDuty: an enabled detector that publishes findings promptly, with its protection features on."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import flag_on, list_schema, shown
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("guardduty", "GuardDuty", "Threat detection: detectors and their protection features.")

DETECTOR = SERVICE.resource_type("aws:guardduty/detector:Detector", kind="GuardDuty detector")
FEATURE = SERVICE.resource_type("aws:guardduty/detectorFeature:DetectorFeature", kind="GuardDuty feature")
AWS_DEFAULT_FREQUENCY = "SIX_HOURS"
# Features older programs enable through the detector's legacy `datasources` block instead.
LEGACY_DATASOURCES = {
    "S3_DATA_EVENTS": "datasources.s3Logs.enable",
    "EKS_AUDIT_LOGS": "datasources.kubernetes.auditLogs.enable",
    "EBS_MALWARE_PROTECTION": "datasources.malwareProtection.scanEc2InstanceWithFindings.ebsVolumes.enable",
}


@SERVICE.resource_policy(
    name="guardduty-detector-publishing-frequency", types=[DETECTOR], severity="low", criteria=["CC7.3", "CC7.2"],
    description="GuardDuty publishes updated findings at least hourly.",
    remediation="Set finding_publishing_frequency='FIFTEEN_MINUTES' (or ONE_HOUR).",
    config={"allowed": list_schema(["FIFTEEN_MINUTES", "ONE_HOUR"], "Accepted finding publishing frequencies "
           "(AWS defaults to SIX_HOURS).")})
def _frequency(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    value = r.get("findingPublishingFrequency")
    if (AWS_DEFAULT_FREQUENCY if value is None else value) not in config["allowed"]:
        label = f"unset (AWS default {AWS_DEFAULT_FREQUENCY})" if value is None else shown(value)
        yield (f"findingPublishingFrequency is {label}, so updated findings reach alerts late; allowed: "
               f"{', '.join(map(str, config['allowed']))}")


def _label(r: Resource, path: str) -> str:
    value = r.peek(path)
    return value if isinstance(value, str) and value != UNKNOWN else "(unnamed)"


@SERVICE.resource_policy(
    name="guardduty-detectorfeature-enabled", types=[FEATURE], severity="medium", criteria=["CC7.2", "CC6.8"],
    description="Declared GuardDuty protection features are enabled.",
    remediation="Set status='ENABLED' on the aws.guardduty.DetectorFeature, or remove a feature deliberately left off.")
def _feature_enabled(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    status = r.get("status")
    if status != "ENABLED":
        yield f"GuardDuty feature {_label(r, 'name')} is {shown(status)}, not 'ENABLED'"


def _enabled(detector: Resource) -> bool:
    return detector.peek("enable") in (None, True)


@SERVICE.stack_policy(
    name="guardduty-detector-exists", severity="high", criteria=["CC7.2", "CC6.8", "CC3.2"],
    description="The stack has an enabled GuardDuty detector.",
    remediation="Add an aws.guardduty.Detector with enable=True (the ThreatDetection component does). Disable this "
                "policy in stacks whose account's detector is managed elsewhere.",
    examines=[DETECTOR])
def _detector_exists(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    detectors = stack.of_type(DETECTOR)
    if not any(_enabled(d) for d in detectors):
        yield ("the stack has no enabled GuardDuty detector, so threats to the account go undetected",
               detectors[0].urn if detectors else "")


@SERVICE.stack_policy(
    name="guardduty-detector-required-features", severity="medium", criteria=["CC7.2", "CC6.8"],
    description="GuardDuty's required protection features are enabled.",
    remediation="Add an aws.guardduty.DetectorFeature with status='ENABLED' for each missing feature, with "
                "detector_id set to the detector's id.",
    config={"features": list_schema(["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"],
           "GuardDuty feature names that must be enabled.")},
    examines=[DETECTOR, FEATURE])
def _required_features(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    detectors = [d for d in stack.of_type(DETECTOR) if _enabled(d)]
    if not detectors:
        return  # guardduty-detector-exists reports that
    enabled = {name for f in stack.of_type(FEATURE) if isinstance(name := f.peek("name"), str)
               and f.peek("status") == "ENABLED"}
    enabled |= {feature for feature, path in LEGACY_DATASOURCES.items() if any(d.peek(path) is True for d in detectors)}
    missing = [str(f) for f in config["features"] if str(f) not in enabled]
    if missing:
        yield f"GuardDuty protection features not enabled: {', '.join(missing)}", detectors[0].urn


SERVICE.resource_policy(
    name="guardduty-detector-enabled", types=[DETECTOR], severity="high", criteria=["CC7.2", "CC6.8"],
    description="GuardDuty detectors are enabled.",
    remediation="Remove enable=False from the aws.guardduty.Detector (the default is true).",
)(flag_on("enable", "the detector is suspended", default=True))
