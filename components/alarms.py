"""CloudWatch alarms that page someone, for the components that watch their own resources.

Each alarm notifies the alert topic when it fires and when it clears (CC7.2, CC7.3). The metric
dimension that names a resource comes from the policy pack's resource-type catalog, so the alarm
a component creates is the one `cloudwatch-alarm-covers-lb-and-db` looks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .catalog_facts import dimension_key


@dataclass(frozen=True)
class Alarm:
    """One condition worth waking someone for."""

    key: str
    summary: str
    namespace: str
    metric: str
    statistic: str
    comparison: str
    threshold: float
    period_seconds: int = 60
    evaluation_periods: int = 5
    datapoints: int = 3


def watch(name: str, dimensions: dict[str, pulumi.Input[str]], alarms: list[Alarm], topic_arn: pulumi.Input[str],
          tags: dict[str, str], opts: pulumi.ResourceOptions) -> list[aws.cloudwatch.MetricAlarm]:
    """One MetricAlarm per condition on the metric `dimensions`; each alarm and each recovery notifies the topic."""
    return [aws.cloudwatch.MetricAlarm(
        f"{name}-{alarm.key}", alarm_description=alarm.summary, namespace=alarm.namespace,
        metric_name=alarm.metric, dimensions=dimensions, statistic=alarm.statistic, period=alarm.period_seconds,
        evaluation_periods=alarm.evaluation_periods, datapoints_to_alarm=alarm.datapoints,
        comparison_operator=alarm.comparison, threshold=alarm.threshold, treat_missing_data="notBreaching",
        alarm_actions=[topic_arn], ok_actions=[topic_arn], tags=tags, opts=opts) for alarm in alarms]


def watch_resource(name: str, resource_type: str, identity: pulumi.Input[str], alarms: list[Alarm],
                   topic_arn: pulumi.Input[str], tags: dict[str, str],
                   opts: pulumi.ResourceOptions) -> list[aws.cloudwatch.MetricAlarm]:
    """Alarms on one resource, named by `identity` in the dimension the catalog gives its type."""
    return watch(name, {dimension_key(resource_type): identity}, alarms, topic_arn, tags, opts)
