"""CloudTrail: every trail's settings, and one trail that records the whole account."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .checks import flag_on, is_set
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("cloudtrail", "CloudTrail", "Trails, and one trail that records the whole account.")

TRAIL = SERVICE.resource_type("aws:cloudtrail/trail:Trail", kind="trail", key="kmsKeyId")
TRAILS = [TRAIL]


@SERVICE.resource_policy(
    name="cloudtrail-trail-cloudwatch-logs", types=TRAILS, severity="medium", criteria=["CC7.2", "CC7.3"],
    description="CloudTrail trails deliver events to CloudWatch Logs.",
    remediation="Set cloud_watch_logs_group_arn (the log group ARN followed by :*) and cloud_watch_logs_role_arn (a "
                "role allowed logs:CreateLogStream and logs:PutLogEvents).")
def _cloudwatch_logs(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    missing = [path for path in ("cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn") if not r.is_set(path)]
    if missing:
        yield (f"events never reach CloudWatch Logs, so no metric filter or alarm sees them: "
               f"{' and '.join(missing)} not set")


def _records_everything(trail: Resource) -> bool:
    return (trail.peek("isMultiRegionTrail") is True and trail.peek("enableLogFileValidation") is True
            and trail.peek("enableLogging") in (None, True))


@SERVICE.stack_policy(
    name="cloudtrail-trail-multi-region-exists", severity="critical", criteria=["CC7.2", "CC4.1"],
    description="The stack has a multi-region CloudTrail trail that validates log files and is logging.",
    remediation="Add an aws.cloudtrail.Trail (or the AuditLogging component) with is_multi_region_trail=True, "
                "enable_log_file_validation=True and enable_logging=True. Disable this policy in stacks whose account "
                "is recorded by a trail managed elsewhere (an organization trail).",
    examines=TRAILS)
def _account_trail(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    trails = stack.of_type(TRAIL)
    if not trails:
        yield "the stack has no CloudTrail trail, so API activity in the account is not recorded", ""
    elif not any(_records_everything(t) for t in trails):
        names = ", ".join(t.name for t in trails)
        yield (f"no trail is multi-region, validates its log files and is logging (checked: {names})", trails[0].urn)


SERVICE.resource_policy(
    name="cloudtrail-trail-multi-region", types=TRAILS, severity="high", criteria=["CC7.2", "CC4.1"],
    description="CloudTrail trails record every region.",
    remediation="Set is_multi_region_trail=True on the aws.cloudtrail.Trail (AuditLogging does).",
)(flag_on("isMultiRegionTrail", "activity in other regions is not recorded"))

SERVICE.resource_policy(
    name="cloudtrail-trail-log-validation", types=TRAILS, severity="high", criteria=["PI1.5", "CC7.2"],
    description="CloudTrail trails sign their log files with digest files.",
    remediation="Set enable_log_file_validation=True so altered or deleted log files can be detected.",
)(flag_on("enableLogFileValidation", "log files could be altered undetected"))

SERVICE.resource_policy(
    name="cloudtrail-trail-kms-encrypted", types=TRAILS, severity="high", criteria=["CC6.1", "C1.1"],
    description="CloudTrail log files are encrypted with a customer-managed KMS key.",
    remediation="Set kms_key_id to a customer-managed key whose policy admits cloudtrail.amazonaws.com.",
)(is_set("kmsKeyId", "log files are only S3-encrypted"))

SERVICE.resource_policy(
    name="cloudtrail-trail-global-events", types=TRAILS, severity="medium", criteria=["CC7.2"],
    description="CloudTrail trails record global service events (IAM, STS).",
    remediation="Leave include_global_service_events at true (its default) on the multi-region trail.",
)(flag_on("includeGlobalServiceEvents", "IAM and STS activity is not recorded", default=True))

SERVICE.resource_policy(
    name="cloudtrail-trail-logging-enabled", types=TRAILS, severity="high", criteria=["CC7.2", "CC4.1"],
    description="CloudTrail trails are logging.",
    remediation="Leave enable_logging at true (its default); a stopped trail records nothing.",
)(flag_on("enableLogging", "the trail is stopped", default=True))
