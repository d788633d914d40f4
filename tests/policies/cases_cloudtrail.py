"""CloudTrail policy cases (and the small builders the detection, monitoring and backup cases share)."""

from __future__ import annotations

from typing import Any, Callable

import pulumi_aws as aws

from tests.policies.harness import Build, Case

ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service"
TRAIL_LOGS_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/audit/cloudtrail:*"

SECURE_TRAIL: dict[str, Any] = dict(
    s3_bucket_name="audit", is_multi_region_trail=True, include_global_service_events=True,
    enable_log_file_validation=True, enable_logging=True, kms_key_id=KEY, cloud_watch_logs_group_arn=TRAIL_LOGS_ARN,
    cloud_watch_logs_role_arn=ROLE_ARN,
)


def named(name: str, build: Callable[[], Any]) -> Build:
    def run() -> None:
        build()
    run.__name__ = name
    return run


def label(changes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in changes.items()) or "secure"


def trail(**changes: Any) -> Build:
    return named(f"trail({label(changes)})", lambda: aws.cloudtrail.Trail("trail", **{**SECURE_TRAIL, **changes}))


def trails(*variants: dict[str, Any]) -> Build:
    def build() -> None:
        for index, changes in enumerate(variants):
            aws.cloudtrail.Trail(f"trail-{index}", **{**SECURE_TRAIL, **changes})
    return named(f"trails({'; '.join(label(v) for v in variants)})", build)


SECURE = trail()
NO_TRAIL = named("no_trail", lambda: aws.sns.Topic("unrelated", kms_master_key_id=KEY))

CASES = [
    Case("cloudtrail-trail-multi-region", SECURE, trail(is_multi_region_trail=False),
         "isMultiRegionTrail is False, not true"),
    Case("cloudtrail-trail-multi-region", SECURE, trail(is_multi_region_trail=None), "isMultiRegionTrail is unset"),
    Case("cloudtrail-trail-log-validation", SECURE, trail(enable_log_file_validation=None),
         "log files could be altered undetected"),
    Case("cloudtrail-trail-kms-encrypted", SECURE, trail(kms_key_id=None), "kmsKeyId is not set"),
    Case("cloudtrail-trail-cloudwatch-logs", SECURE, trail(cloud_watch_logs_role_arn=None),
         "cloudWatchLogsRoleArn not set"),
    Case("cloudtrail-trail-cloudwatch-logs", SECURE,
         trail(cloud_watch_logs_group_arn=None, cloud_watch_logs_role_arn=None),
         "cloudWatchLogsGroupArn and cloudWatchLogsRoleArn not set"),
    Case("cloudtrail-trail-global-events", trail(include_global_service_events=None),
         trail(include_global_service_events=False), "IAM and STS activity is not recorded"),
    Case("cloudtrail-trail-logging-enabled", trail(enable_logging=None), trail(enable_logging=False),
         "the trail is stopped"),
    Case("cloudtrail-trail-multi-region-exists", SECURE, trail(enable_log_file_validation=False),
         "no trail is multi-region, validates its log files and is logging"),
    Case("cloudtrail-trail-multi-region-exists", trails({"is_multi_region_trail": False}, {}),
         trails({"is_multi_region_trail": False}, {"enable_logging": False}), "checked: trail-0, trail-1"),
    Case("cloudtrail-trail-multi-region-exists", SECURE, NO_TRAIL, "the stack has no CloudTrail trail"),
]
