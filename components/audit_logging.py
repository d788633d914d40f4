"""Audit logging: a multi-region CloudTrail with global events and log file validation, encrypted
with KMS, written to an object-locked secure bucket and to CloudWatch Logs with at least a year
of retention; the 15 CIS metric filters with alarms; and an AWS Config recorder with its
delivery channel (CC4.1, CC7.1, CC7.2, CC7.3, PI1.5).
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .cis_alarms import CIS_FILTERS
from .iam_documents import arn_from_name, assume_role_policy, policy_document
from .secure_bucket import SecureBucket

CIS_NAMESPACE = "CISBenchmark"


class AuditLoggingArgs(TypedDict):
    account_id: pulumi.Input[str]
    """Account whose activity is recorded."""
    region: str
    """Home region of the trail."""
    bucket_name: str
    """Name of the object-locked bucket created for trail and Config delivery."""
    server_access_log_bucket: pulumi.Input[str]
    """Bucket receiving the audit bucket's server access logs."""
    kms_key_arn: pulumi.Input[str]
    """Key (allowing CloudTrail and CloudWatch Logs) for the trail, its log group and the bucket."""
    log_retention_days: pulumi.Input[int]
    """Days the trail's CloudWatch log group keeps events (at least 365)."""
    object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"]
    """Object lock mode of the audit bucket."""
    object_lock_days: int
    """Object lock retention of every log file."""
    alert_topic_arn: pulumi.Input[str]
    """Topic the CIS alarms notify."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource."""


class AuditLogging(pulumi.ComponentResource):
    trail_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: AuditLoggingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:audit:AuditLogging", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        account, region, bucket_name = args["account_id"], args["region"], args["bucket_name"]
        trail_name = f"{name}-trail"
        trail_arn = pulumi.Output.concat("arn:aws:cloudtrail:", region, ":", account, ":trail/", trail_name)
        bucket_arn = f"arn:aws:s3:::{bucket_name}"

        bucket = SecureBucket(f"{name}-logs", {
            "bucket_name": bucket_name, "kms_key_arn": args["kms_key_arn"],
            "object_lock": {"mode": args["object_lock_mode"], "days": args["object_lock_days"]},
            "access_log_bucket": args["server_access_log_bucket"], "access_log_prefix": f"{bucket_name}/",
            "policy_statements": [
                {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": bucket_arn,
                 "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
                {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": pulumi.Output.concat(bucket_arn, "/AWSLogs/", account, "/*"),
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                                "aws:SourceArn": trail_arn}}},
                {"Sid": "ConfigAclCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
                 "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": bucket_arn,
                 "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
                {"Sid": "ConfigWrite", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
                 "Action": "s3:PutObject",
                 "Resource": pulumi.Output.concat(bucket_arn, "/config/AWSLogs/", account, "/Config/*"),
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                                "aws:SourceAccount": account}}},
            ],
            "tags": tags,
        }, opts=child)

        log_group = aws.cloudwatch.LogGroup(f"{name}-trail-logs", name=f"/soc2/{name}/cloudtrail",
                                            kms_key_id=args["kms_key_arn"], retention_in_days=args["log_retention_days"],
                                            tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=True))
        role = aws.iam.Role(f"{name}-trail-role", assume_role_policy=assume_role_policy("cloudtrail.amazonaws.com"),
                            tags=tags, opts=child)
        log_group_arn = arn_from_name(log_group.name, "arn:aws:logs:{region}:{account}:log-group:{name}",
                                      region=region, account=account)
        aws.iam.RolePolicy(f"{name}-trail-role-policy", role=role.id, policy=policy_document([{
            "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": pulumi.Output.concat(log_group_arn, ":*")}]), opts=child)
        trail = aws.cloudtrail.Trail(
            f"{name}-trail", name=trail_name, s3_bucket_name=bucket.bucket_name, is_multi_region_trail=True,
            include_global_service_events=True, enable_log_file_validation=True, enable_logging=True,
            kms_key_id=args["kms_key_arn"], cloud_watch_logs_group_arn=pulumi.Output.concat(log_group_arn, ":*"),
            cloud_watch_logs_role_arn=role.arn,
            event_selectors=[{"read_write_type": "All", "include_management_events": True}], tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=True, depends_on=[bucket]))

        for key, pattern in CIS_FILTERS.items():
            aws.cloudwatch.LogMetricFilter(f"{name}-cis-{key}", log_group_name=log_group.name, pattern=pattern,
                                           metric_transformation={"name": key, "namespace": CIS_NAMESPACE, "value": "1"},
                                           opts=child)
            aws.cloudwatch.MetricAlarm(f"{name}-cis-{key}-alarm", alarm_description=f"CIS: {key.replace('-', ' ')}",
                                       namespace=CIS_NAMESPACE, metric_name=key, statistic="Sum", period=300,
                                       evaluation_periods=1, threshold=1, comparison_operator="GreaterThanOrEqualToThreshold",
                                       treat_missing_data="notBreaching", alarm_actions=[args["alert_topic_arn"]],
                                       ok_actions=[args["alert_topic_arn"]], tags=tags, opts=child)

        self._config_recorder(name, bucket.bucket_name, tags)
        self.trail_arn = trail.arn
        self.bucket_name = bucket.bucket_name
        self.bucket_arn = bucket.arn
        self.log_group_name = log_group.name
        self.register_outputs({"trail_arn": self.trail_arn, "bucket_name": self.bucket_name})

    def _config_recorder(self, name: str, bucket: pulumi.Input[str], tags: dict[str, str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"{name}-config-role", assume_role_policy=assume_role_policy("config.amazonaws.com"),
                            tags=tags, opts=child)
        attachment = aws.iam.RolePolicyAttachment(f"{name}-config-role-policy", role=role.name,
                                                  policy_arn="arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
                                                  opts=child)
        recorder = aws.cfg.Recorder(f"{name}-config-recorder", name=f"{name}-recorder", role_arn=role.arn,
                                    recording_group={"all_supported": True, "include_global_resource_types": True},
                                    opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]))
        channel = aws.cfg.DeliveryChannel(f"{name}-config-delivery", name=f"{name}-delivery", s3_bucket_name=bucket,
                                          s3_key_prefix="config",
                                          snapshot_delivery_properties={"delivery_frequency": "TwentyFour_Hours"},
                                          opts=pulumi.ResourceOptions(parent=self, depends_on=[recorder]))
        aws.cfg.RecorderStatus(f"{name}-config-recorder-status", name=recorder.name, is_enabled=True,
                               opts=pulumi.ResourceOptions(parent=self, depends_on=[channel]))
