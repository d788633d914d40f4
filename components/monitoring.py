"""Monitoring that pages someone: a KMS-encrypted SNS topic with subscriptions, CloudWatch alarms
on the load balancer and database with alarm and OK actions, a dashboard, and, when enabled,
Datadog monitors for the same signals (CC7.2, CC7.3, CC7.4, A1.1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .iam_documents import arn_from_name, policy_document
from .settings import Settings, setting


class Thresholds(Settings):
    """When the alarms fire: the defaults and limits of the stack settings `alerts.*` (which extend this)."""

    lb_5xx_per_minute: int = setting(10, ge=1, alias="lb5xxPerMinute", allowed="an integer of at least 1")
    """Load balancer and target 5xx responses per minute that raise an alarm."""
    latency_p99_seconds: float = setting(2.0, gt=0, le=60, allowed="a number of seconds above 0, at most 60")
    """p99 target response time that raises an alarm."""
    db_cpu_percent: int = setting(80, ge=10, le=100, allowed="an integer from 10 to 100")
    """Database CPU utilisation that raises an alarm."""
    db_free_storage_gb: int = setting(5, ge=1, allowed="an integer of at least 1 (GiB)")
    """Free database storage below which an alarm is raised."""
    db_free_memory_mb: int = setting(256, ge=16, allowed="an integer of at least 16 (MiB)")
    """Freeable database memory below which an alarm is raised."""
    db_connections: int = setting(200, ge=1, allowed="an integer of at least 1")
    """Database connections above which an alarm is raised."""


@dataclass(frozen=True)
class Signal:
    """One thing to watch, described once for CloudWatch and Datadog."""

    key: str
    summary: str
    namespace: str
    metric: str
    statistic: str
    comparison: str
    threshold: float
    datadog_query: str
    missing: str = "notBreaching"


class MonitoringArgs(TypedDict):
    topic_kms_key_arn: pulumi.Input[str]
    """Customer-managed key for the alert topic (its policy must admit CloudWatch and EventBridge)."""
    account_id: pulumi.Input[str]
    """Account allowed to publish to the topic."""
    region: str
    """Region of the topic, for its ARN (known at preview, so the topic policy can be checked offline)."""
    alert_emails: list[str]
    """Addresses subscribed to the alert topic."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """CloudWatch dimension of the load balancer."""
    target_group_arn_suffix: pulumi.Input[str]
    """CloudWatch dimension of the target group."""
    db_instance_identifier: pulumi.Input[str]
    """CloudWatch dimension of the database."""
    alert_https_endpoint: NotRequired[pulumi.Input[str] | None]
    """Paging webhook subscribed over HTTPS (keep it secret)."""
    thresholds: NotRequired[Thresholds]
    """Alarm thresholds."""
    datadog_notify: NotRequired[list[str]]
    """Datadog handles; when non-empty, Datadog monitors are created for the same signals."""
    tags: NotRequired[dict[str, str]]
    """Tags for every AWS resource."""


class Monitoring(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    alarm_names: pulumi.Output[list[str]]
    dashboard_name: pulumi.Output[str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("soc2:monitoring:Monitoring", name, None, opts)
        tags = args.get("tags", {})
        child = pulumi.ResourceOptions(parent=self)
        limits = args.get("thresholds", Thresholds())

        topic = aws.sns.Topic(f"{name}-alerts", name=f"{name}-alerts", kms_master_key_id=args["topic_kms_key_arn"],
                              tags=tags, opts=child)
        topic_arn = arn_from_name(topic.name, "arn:aws:sns:{region}:{account}:{name}", region=args["region"],
                                  account=args["account_id"])
        aws.sns.TopicPolicy(f"{name}-alerts-policy", arn=topic_arn, policy=policy_document([
            {"Sid": "AlarmsAndEventsPublish", "Effect": "Allow",
             "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
             "Action": "sns:Publish", "Resource": topic_arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": args["account_id"]}}},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
             "Resource": topic_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ]), opts=child)
        for index, email in enumerate(args["alert_emails"]):
            aws.sns.TopicSubscription(f"{name}-email-{index}", topic=topic_arn, protocol="email", endpoint=email, opts=child)
        if args.get("alert_https_endpoint"):
            aws.sns.TopicSubscription(f"{name}-pager", topic=topic_arn, protocol="https",
                                      endpoint=pulumi.Output.secret(args["alert_https_endpoint"]),
                                      endpoint_auto_confirms=True, opts=child)

        lb = {"LoadBalancer": args["load_balancer_arn_suffix"]}
        lb_targets = {**lb, "TargetGroup": args["target_group_arn_suffix"]}
        db = {"DBInstanceIdentifier": args["db_instance_identifier"]}
        alarms = []
        for signal, dimensions in _signals(limits):
            dims = {"lb": lb, "targets": lb_targets, "db": db}[dimensions]
            statistic = {"extended_statistic": signal.statistic} if signal.statistic.startswith("p") else \
                {"statistic": signal.statistic}
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-{signal.key}", alarm_description=signal.summary, namespace=signal.namespace,
                metric_name=signal.metric, dimensions=dims, period=60, evaluation_periods=5, datapoints_to_alarm=3,
                comparison_operator=signal.comparison, threshold=signal.threshold, treat_missing_data=signal.missing,
                alarm_actions=[topic_arn], ok_actions=[topic_arn], tags=tags, opts=child, **statistic)
            alarms.append(alarm.name)
        dashboard = aws.cloudwatch.Dashboard(f"{name}-dashboard", dashboard_name=f"{name}-soc2",
                                             dashboard_body=_dashboard(lb, lb_targets, db), opts=child)
        if args.get("datadog_notify"):
            self._datadog(name, limits, args)

        self.topic_arn = topic_arn
        self.alarm_names = pulumi.Output.all(*alarms)
        self.dashboard_name = dashboard.dashboard_name
        self.register_outputs({"topic_arn": self.topic_arn, "alarm_names": self.alarm_names})

    def _datadog(self, name: str, limits: Thresholds, args: MonitoringArgs) -> None:
        import pulumi_datadog as datadog  # imported only when used: the package takes seconds to load

        handles = " ".join(args["datadog_notify"])
        for signal, dimensions in _signals(limits):
            tag = {"lb": args["load_balancer_arn_suffix"], "targets": args["target_group_arn_suffix"],
                   "db": args["db_instance_identifier"]}[dimensions]
            datadog.Monitor(f"{name}-dd-{signal.key}", name=f"[{name}] {signal.summary}", type="metric alert",
                            query=pulumi.Output.from_input(tag).apply(lambda t, s=signal: s.datadog_query.format(t)),
                            message=f"{signal.summary}. Follow the incident runbook. {handles}",
                            monitor_thresholds={"critical": str(signal.threshold)}, notify_no_data=False,
                            renotify_interval=60, include_tags=True, tags=["soc2", f"monitor:{signal.key}"],
                            opts=pulumi.ResourceOptions(parent=self))


def _signals(t: Thresholds) -> list[tuple[Signal, str]]:
    gib, mib = 1024 ** 3, 1024 ** 2
    elb, rds = "AWS/ApplicationELB", "AWS/RDS"
    return [
        (Signal("lb-5xx", "Load balancer 5xx responses", elb, "HTTPCode_ELB_5XX_Count", "Sum",
                "GreaterThanOrEqualToThreshold", t.lb_5xx_per_minute,
                "sum(last_5m):sum:aws.applicationelb.httpcode_elb_5xx{{loadbalancer:{}}}.as_count() >= " +
                str(t.lb_5xx_per_minute * 5)), "lb"),
        (Signal("target-5xx", "Target 5xx responses", elb, "HTTPCode_Target_5XX_Count", "Sum",
                "GreaterThanOrEqualToThreshold", t.lb_5xx_per_minute,
                "sum(last_5m):sum:aws.applicationelb.httpcode_target_5xx{{loadbalancer:{}}}.as_count() >= " +
                str(t.lb_5xx_per_minute * 5)), "lb"),
        (Signal("unhealthy-hosts", "Unhealthy targets behind the load balancer", elb, "UnHealthyHostCount",
                "Maximum", "GreaterThanOrEqualToThreshold", 1,
                "max(last_5m):max:aws.applicationelb.un_healthy_host_count{{targetgroup:{}}} >= 1"), "targets"),
        (Signal("latency-p99", "p99 target response time", elb, "TargetResponseTime", "p99",
                "GreaterThanThreshold", t.latency_p99_seconds,
                "avg(last_5m):p99:aws.applicationelb.target_response_time{{loadbalancer:{}}} > " +
                str(t.latency_p99_seconds)), "lb"),
        (Signal("db-cpu", "Database CPU", rds, "CPUUtilization", "Average", "GreaterThanThreshold",
                t.db_cpu_percent, "avg(last_5m):avg:aws.rds.cpuutilization{{dbinstanceidentifier:{}}} > " +
                str(t.db_cpu_percent), missing="breaching"), "db"),
        (Signal("db-free-storage", "Database free storage", rds, "FreeStorageSpace", "Minimum", "LessThanThreshold",
                t.db_free_storage_gb * gib, "min(last_5m):min:aws.rds.free_storage_space{{dbinstanceidentifier:{}}} < " +
                str(t.db_free_storage_gb * gib), missing="breaching"), "db"),
        (Signal("db-free-memory", "Database freeable memory", rds, "FreeableMemory", "Minimum", "LessThanThreshold",
                t.db_free_memory_mb * mib, "min(last_5m):min:aws.rds.freeable_memory{{dbinstanceidentifier:{}}} < " +
                str(t.db_free_memory_mb * mib), missing="breaching"), "db"),
        (Signal("db-connections", "Database connections", rds, "DatabaseConnections", "Maximum",
                "GreaterThanThreshold", t.db_connections,
                "max(last_5m):max:aws.rds.database_connections{{dbinstanceidentifier:{}}} > " + str(t.db_connections)),
         "db"),
    ]


def _dashboard(lb: dict, targets: dict, db: dict) -> pulumi.Output[str]:
    def widget(title: str, namespace: str, metric: str, dims: dict, stat: str) -> dict:
        keys = [item for pair in dims.items() for item in pair]
        return {"type": "metric", "width": 12, "height": 6,
                "properties": {"title": title, "stat": stat, "period": 60, "metrics": [[namespace, metric, *keys]]}}

    def build(values: list) -> str:
        lb_v, targets_v, db_v = values
        widgets = [
            widget("5xx (load balancer)", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb_v, "Sum"),
            widget("5xx (targets)", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb_v, "Sum"),
            widget("Unhealthy targets", "AWS/ApplicationELB", "UnHealthyHostCount", targets_v, "Maximum"),
            widget("p99 latency", "AWS/ApplicationELB", "TargetResponseTime", lb_v, "p99"),
            widget("Database CPU", "AWS/RDS", "CPUUtilization", db_v, "Average"),
            widget("Database free storage", "AWS/RDS", "FreeStorageSpace", db_v, "Minimum"),
            widget("Database freeable memory", "AWS/RDS", "FreeableMemory", db_v, "Minimum"),
            widget("Database connections", "AWS/RDS", "DatabaseConnections", db_v, "Maximum"),
        ]
        return json.dumps({"widgets": widgets})

    return pulumi.Output.all(pulumi.Output.all(**lb), pulumi.Output.all(**targets), pulumi.Output.all(**db)).apply(build)
