"""CloudWatch policy cases: log groups, alarms, alarm coverage of load balancers and databases, and
the CIS metric filters on CloudTrail's log group."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.cis_alarms import CIS_FILTERS
from tests.policies.cases_cloudtrail import KEY, SECURE_TRAIL, TOPIC_ARN, label, named
from tests.policies.harness import Build, Case

SECURE_ALARM: dict[str, Any] = dict(
    comparison_operator="GreaterThanThreshold", evaluation_periods=1, metric_name="CPUUtilization",
    namespace="AWS/RDS", period=60, statistic="Average", threshold=80, alarm_actions=[TOPIC_ARN],
    ok_actions=[TOPIC_ARN], actions_enabled=True,
)


def log_group(**changes: Any) -> Build:
    args = {"retention_in_days": 365, "kms_key_id": KEY, **changes}
    return named(f"log_group({label(changes)})", lambda: aws.cloudwatch.LogGroup("logs", **args))


def alarm(**changes: Any) -> Build:
    return named(f"alarm({label(changes)})", lambda: aws.cloudwatch.MetricAlarm("alarm", **{**SECURE_ALARM, **changes}))


def composite(**changes: Any) -> Build:
    args = {"alarm_name": "app-down", "alarm_rule": 'ALARM("db-cpu")', "alarm_actions": [TOPIC_ARN],
            "ok_actions": [TOPIC_ARN], **changes}
    return named(f"composite({label(changes)})", lambda: aws.cloudwatch.CompositeAlarm("composite", **args))


def watched(lb_alarm: str = "actions", db_alarm: str = "actions", literal_db: bool = False) -> Build:
    """A load balancer and a database; each alarm is 'actions', 'silent' (no alarmActions) or 'none'."""
    def build() -> None:
        lb = aws.lb.LoadBalancer("lb", load_balancer_type="application", subnets=["subnet-a", "subnet-b"])
        db = aws.rds.Instance("db", identifier="app-db", engine="postgres", instance_class="db.t4g.medium",
                              allocated_storage=20)
        dimensions = {"lb": {"LoadBalancer": lb.arn_suffix},
                      "db": {"DBInstanceIdentifier": "app-db" if literal_db else db.identifier}}
        for key, kind in (("lb", lb_alarm), ("db", db_alarm)):
            if kind != "none":
                actions = {"alarm_actions": [TOPIC_ARN]} if kind == "actions" else {}
                aws.cloudwatch.MetricAlarm(f"{key}-alarm", **{**SECURE_ALARM, "alarm_actions": None, **actions},
                                           dimensions=dimensions[key])
    return named(f"watched(lb={lb_alarm}, db={db_alarm}, literal_db={literal_db})", build)


def cis(drop: str = "", silent: str = "", other_group: bool = False, trail_logs: bool = True,
        literal: bool = False) -> Build:
    """A trail delivering to a log group with the CIS filters and their alarms, minus what is asked."""
    def build() -> None:
        group = aws.cloudwatch.LogGroup("trail-logs", name="/audit/cloudtrail", retention_in_days=365, kms_key_id=KEY)
        elsewhere = aws.cloudwatch.LogGroup("app-logs", name="/app", retention_in_days=365, kms_key_id=KEY)
        target = elsewhere if other_group else group
        # literal: the trail names its log group by ARN (SECURE_TRAIL), the filters by name
        logs = {} if literal else {"cloud_watch_logs_group_arn": pulumi.Output.concat(group.arn, ":*")}
        if not trail_logs:
            logs = {"cloud_watch_logs_group_arn": None, "cloud_watch_logs_role_arn": None}
        aws.cloudtrail.Trail("trail", **{**SECURE_TRAIL, **logs})
        for key, pattern in CIS_FILTERS.items():
            if key == drop:
                continue
            metric_filter = aws.cloudwatch.LogMetricFilter(
                f"cis-{key}", log_group_name="/audit/cloudtrail" if literal and not other_group else target.name,
                pattern=pattern, metric_transformation={"name": key, "namespace": "CISBenchmark", "value": "1"})
            metric = key if literal else metric_filter.metric_transformation.name
            actions = {} if key == silent else {"alarm_actions": [TOPIC_ARN]}
            aws.cloudwatch.MetricAlarm(f"cis-{key}-alarm", namespace="CISBenchmark", metric_name=metric,
                                       statistic="Sum", period=300, evaluation_periods=1, threshold=1,
                                       comparison_operator="GreaterThanOrEqualToThreshold", **actions)
    return named(f"cis(drop={drop!r}, silent={silent!r}, other_group={other_group}, trail_logs={trail_logs}, "
                 f"literal={literal})", build)


SECURE_GROUP = log_group()
SECURE_ALARM_BUILD = alarm()
COVERED = watched()
CIS_COMPLETE = cis()

CASES = [
    Case("cloudwatch-loggroup-retention", SECURE_GROUP, log_group(retention_in_days=30),
         "retentionInDays is 30, below the minimum of 365"),
    Case("cloudwatch-loggroup-retention", SECURE_GROUP, log_group(retention_in_days=None),
         "no retention set: retentionInDays is unset"),
    Case("cloudwatch-loggroup-retention", log_group(retention_in_days=731), log_group(retention_in_days=400),
         "retentionInDays is 400, below the minimum of 731",
         config={"cloudwatch-loggroup-retention": {"minDays": 731}}),
    Case("cloudwatch-loggroup-kms-encrypted", SECURE_GROUP, log_group(kms_key_id=None), "kmsKeyId is not set"),
    Case("cloudwatch-alarm-has-actions", SECURE_ALARM_BUILD, alarm(alarm_actions=[]),
         "the alarm notifies no one: alarmActions is not set"),
    Case("cloudwatch-alarm-has-actions", composite(), composite(alarm_actions=None), "alarmActions is not set"),
    Case("cloudwatch-alarm-ok-actions", SECURE_ALARM_BUILD, alarm(ok_actions=None), "okActions is not set"),
    Case("cloudwatch-alarm-actions-enabled", alarm(actions_enabled=None), alarm(actions_enabled=False),
         "actionsEnabled is False, not true"),
    Case("cloudwatch-alarm-covers-lb-and-db", COVERED, watched(lb_alarm="none"),
         "load balancer lb has no alarm with actions"),
    Case("cloudwatch-alarm-covers-lb-and-db", watched(literal_db=True), watched(db_alarm="silent"),
         "database db has no alarm with actions"),
    Case("cloudwatch-metricfilter-cis-coverage", CIS_COMPLETE, cis(drop="cloudtrail-changes"),
         "no metric filter on the trail's log group matches 'StopLogging'"),
    Case("cloudwatch-metricfilter-cis-coverage", cis(literal=True), cis(silent="root-account-usage", literal=True),
         "metric filter cis-root-account-usage (matching 'Root') has no alarm with actions"),
    Case("cloudwatch-metricfilter-cis-coverage", CIS_COMPLETE, cis(other_group=True),
         "no metric filter on the trail's log group matches 'UnauthorizedOperation'"),
    Case("cloudwatch-metricfilter-cis-coverage", CIS_COMPLETE, cis(trail_logs=False),
         "no trail delivers to CloudWatch Logs"),
    Case("cloudwatch-metricfilter-cis-coverage", CIS_COMPLETE, cis(drop="console-signin-failures"),
         "matches 'Failed authentication'",
         config={"cloudwatch-metricfilter-cis-coverage": {"requiredPatterns": ["Failed authentication"]}}),
]
