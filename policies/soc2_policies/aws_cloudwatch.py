"""CloudWatch: log groups and alarms, an alarm on every resource the catalog says must have one (load
balancers, databases), and the CIS metric filters on CloudTrail's log group."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import catalog
from .aws_cloudtrail import TRAIL
from .checks import flag_on, is_set, list_schema, minimum_schema, shown
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("cloudwatch", "CloudWatch", "Log groups, metric alarms and metric filters.")

LOG_GROUP = SERVICE.resource_type("aws:cloudwatch/logGroup:LogGroup", kind="log group", key="kmsKeyId")
METRIC_ALARM = SERVICE.resource_type("aws:cloudwatch/metricAlarm:MetricAlarm", kind="alarm")
ALARMS = [METRIC_ALARM, SERVICE.resource_type("aws:cloudwatch/compositeAlarm:CompositeAlarm", kind="composite alarm")]
METRIC_FILTER = SERVICE.resource_type("aws:cloudwatch/logMetricFilter:LogMetricFilter", kind="metric filter")
# One distinctive fragment of each CIS AWS Foundations monitoring filter (components/cis_alarms.py).
CIS_PATTERNS = ["UnauthorizedOperation", "MFAUsed", "Root", "PutUserPolicy", "StopLogging", "Failed authentication",
                "ScheduleKeyDeletion", "PutBucketPolicy", "PutConfigurationRecorder", "AuthorizeSecurityGroupIngress",
                "CreateNetworkAcl", "CreateCustomerGateway", "CreateRoute", "CreateVpc", "organizations.amazonaws.com"]


@SERVICE.resource_policy(
    name="cloudwatch-loggroup-retention", types=[LOG_GROUP], severity="medium", criteria=["CC7.2", "C1.2"],
    description="CloudWatch log groups keep events for a set period of at least the minimum.",
    remediation="Set retention_in_days to at least the configured minimum (365 for audit logs), e.g. 365 or 731.",
    config={"minDays": minimum_schema(365, "Fewest days log events are kept.", 1)})
def _retention(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    value = r.get("retentionInDays")
    days = r.number("retentionInDays")
    if value in (None, 0):
        yield f"no retention set: retentionInDays is {shown(value)}, so events never expire"
    elif days is None or days < config["minDays"]:
        yield f"retentionInDays is {shown(value)}, below the minimum of {shown(config['minDays'])}"


def _notifies(alarm: Resource) -> bool:
    """The alarm tells someone: it has alarm actions, and they are not switched off."""
    return alarm.is_set("alarmActions") and alarm.peek("actionsEnabled") is not False


def _query_paths(alarm: Resource, leaf: str) -> list[str]:
    queries = alarm.peek("metricQueries")
    return [f"metricQueries.{i}.metric.{leaf}" for i in range(len(queries) if isinstance(queries, list) else 0)]


def _watches(alarm: Resource, subject: Resource) -> bool:
    """The alarm's dimensions were computed from `subject`, or name it literally."""
    if any(d is subject for path in ("dimensions", "metricQueries") for d in alarm.depends_on(path)):
        return True
    entry = catalog.get(subject.type)
    dimension = entry.dimension if entry else None
    name = subject.peek(dimension.name) if dimension else None
    return isinstance(name, str) and name not in ("", UNKNOWN) and any(
        alarm.peek(path) == name for path in [f"dimensions.{dimension.key}",
                                              *_query_paths(alarm, f"dimensions.{dimension.key}")])


def _alarmed_types() -> list[str]:
    return [METRIC_ALARM, *(entry.token for entry in catalog.alarmed())]


@SERVICE.stack_policy(
    name="cloudwatch-alarm-covers-lb-and-db", severity="high", criteria=["CC7.2", "A1.1"],
    description="Every load balancer and database (each type the catalog marks as alarmed) has at least one "
                "CloudWatch alarm with actions.",
    remediation="Add an aws.cloudwatch.MetricAlarm with alarm_actions whose dimensions use the resource's outputs "
                "(LoadBalancer: lb.arn_suffix; DBInstanceIdentifier: db.identifier); the Monitoring component does "
                "this.",
    examines=_alarmed_types)
def _lb_and_db_alarmed(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    alarms = [a for a in stack.of_type(METRIC_ALARM) if _notifies(a)]
    for entry in catalog.alarmed():
        for subject in stack.of_type(entry.token):
            if not any(_watches(alarm, subject) for alarm in alarms):
                yield (f"{entry.kind} {subject.name} has no alarm with actions on its metrics (no MetricAlarm with "
                       f"alarmActions has dimensions computed from it)"), subject.urn


def _trail_filters(stack: Stack, trails: list[Resource]) -> list[Resource] | None:
    """Metric filters on a log group a trail delivers to; None when no trail delivers to CloudWatch Logs."""
    groups: set[str] = set()
    names: set[str] = set()
    for trail in trails:
        linked = [g for g in trail.depends_on("cloudWatchLogsGroupArn") if g.type == LOG_GROUP]
        groups |= {g.urn for g in linked}
        names |= {n for g in linked if isinstance(n := g.peek("name"), str) and n != UNKNOWN}
        arn = trail.peek("cloudWatchLogsGroupArn")
        if isinstance(arn, str) and ":log-group:" in arn:
            names.add(arn.split(":log-group:", 1)[1].split(":")[0])
        elif arn == UNKNOWN and not linked:
            return stack.of_type(METRIC_FILTER)  # delivered to a group we cannot name before deploy: any filter counts
    if not groups and not names:
        return None
    return [f for f in stack.of_type(METRIC_FILTER) if any(g.urn in groups for g in f.depends_on("logGroupName"))
            or (isinstance(name := f.peek("logGroupName"), str) and name in names)]


def _metrics(alarm: Resource) -> list[tuple[Any, Any]]:
    pairs = [(alarm.peek("namespace"), alarm.peek("metricName"))]
    return pairs + [(alarm.peek(n), alarm.peek(m)) for n, m in
                    zip(_query_paths(alarm, "namespace"), _query_paths(alarm, "metricName"))]


def _alarmed(metric_filter: Resource, alarms: list[Resource]) -> bool:
    """Some alarm with actions watches the filter's metric, by reference or by namespace and name."""
    metric = (metric_filter.peek("metricTransformation.namespace"), metric_filter.peek("metricTransformation.name"))
    known = all(isinstance(part, str) and part not in ("", UNKNOWN) for part in metric)
    return any(any(d is metric_filter for path in ("metricName", "metricQueries") for d in alarm.depends_on(path))
               or (known and metric in _metrics(alarm)) for alarm in alarms)


@SERVICE.stack_policy(
    name="cloudwatch-metricfilter-cis-coverage", severity="high", criteria=["CC7.2", "CC7.3"],
    description="CloudTrail's log group has the CIS metric filters, each with an alarm that notifies someone.",
    remediation="Add an aws.cloudwatch.LogMetricFilter per CIS pattern on the trail's log group and a MetricAlarm "
                "with alarm_actions on each filter's metric_transformation name and namespace (AuditLogging does, "
                "from components/cis_alarms.py).",
    config={"requiredPatterns": list_schema(CIS_PATTERNS, "A distinctive fragment of each required filter "
           "pattern; a filter matches when its pattern contains "
           "the fragment.")},
    examines=[TRAIL, METRIC_FILTER])
def _cis_coverage(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    trails = stack.of_type(TRAIL)
    if not trails:
        return
    filters = _trail_filters(stack, trails)
    if filters is None:
        yield ("no trail delivers to CloudWatch Logs (cloudWatchLogsGroupArn), so none of the CIS metric filters "
               "can see its events"), trails[0].urn
        return
    alarms = [a for a in stack.of_type(METRIC_ALARM) if _notifies(a)]
    unalarmed: dict[str, str] = {}
    for fragment in config["requiredPatterns"]:
        matching = [f for f in filters if isinstance(p := f.peek("pattern"), str) and str(fragment) in p]
        if not matching:
            yield f"no metric filter on the trail's log group matches {fragment!r}", trails[0].urn
        elif not any(_alarmed(f, alarms) for f in matching):
            unalarmed.setdefault(matching[0].urn, f"metric filter {matching[0].name} (matching {fragment!r}) has "
                                                  "no alarm with actions on its metric")
    for urn, message in unalarmed.items():
        yield message, urn


SERVICE.resource_policy(
    name="cloudwatch-loggroup-kms-encrypted", types=[LOG_GROUP], severity="medium", criteria=["CC6.1", "C1.1"],
    description="CloudWatch log groups are encrypted with a customer-managed KMS key.",
    remediation="Set kms_key_id to a customer-managed key whose policy admits logs.<region>.amazonaws.com.",
)(is_set("kmsKeyId", "events are encrypted only with the service key"))

SERVICE.resource_policy(
    name="cloudwatch-alarm-has-actions", types=ALARMS, severity="high", criteria=["CC7.3", "CC7.2"],
    description="CloudWatch alarms notify someone when they fire.",
    remediation="Set alarm_actions to the alert SNS topic ARN (Monitoring's topic).",
)(is_set("alarmActions", "the alarm notifies no one"))

SERVICE.resource_policy(
    name="cloudwatch-alarm-ok-actions", types=ALARMS, severity="low", criteria=["CC7.4"],
    description="CloudWatch alarms announce recovery.",
    remediation="Set ok_actions to the same topic as alarm_actions, so responders learn when the condition clears.",
)(is_set("okActions", "recovery is not announced"))

SERVICE.resource_policy(
    name="cloudwatch-alarm-actions-enabled", types=ALARMS, severity="medium", criteria=["CC7.3"],
    description="CloudWatch alarm actions are enabled.",
    remediation="Remove actions_enabled=False (the default is true).",
)(flag_on("actionsEnabled", "the alarm's actions are switched off", default=True))
