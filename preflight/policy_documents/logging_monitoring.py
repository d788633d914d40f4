"""Logging and monitoring policy: audit trail, log retention, alarms and who is paged (CC7.2, CC7.3, CC2.1)."""

from __future__ import annotations

from collections import Counter

from ..document import Document
from .facts import Facts, value, yes

CRITERIA = ["CC7.2", "CC7.3", "CC4.1", "CC2.1", "PI1.5"]


def build(facts: Facts) -> Document:
    doc = facts.document("Logging and monitoring policy", CRITERIA, [
        "Every API call in every region is recorded in a tamper-evident trail kept for at least a year.",
        "Security-relevant events and service health raise alarms that notify an owned topic with subscribers.",
        "Logs are encrypted and kept for a defined retention."])
    doc.heading(2, "Audit trail")
    doc.table(["Trail", "Multi-region", "Global events", "Log file validation", "Encrypted", "CloudWatch Logs"], [
        [t.name, yes(value(t, "isMultiRegionTrail", None)), yes(value(t, "includeGlobalServiceEvents", None)),
         yes(value(t, "enableLogFileValidation", None)), yes(bool(value(t, "kmsKeyId"))),
         yes(bool(value(t, "cloudWatchLogsGroupArn")))] for t in facts.of("aws:cloudtrail/trail:Trail")])
    locks = [f"{l.name}: {value(l, 'rule.defaultRetention.mode')} for {value(l, 'rule.defaultRetention.days')} days"
             for l in facts.of("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")]
    recorders = facts.of("aws:cfg/recorder:Recorder")
    everything = bool(recorders) and all(value(r, "recordingGroup.allSupported", None) is True for r in recorders)
    doc.items([f"Object lock on audit log storage: {'; '.join(locks) or 'none'}",
               f"AWS Config recorders: {len(recorders)}, recording all resource types: {yes(everything)}"])
    doc.paragraph(facts.enforcement("cloudtrail-trail-multi-region-exists", "cloudtrail-trail-log-validation",
                                    "s3-bucket-object-lock-retention", "config-recorder-active"))
    doc.heading(2, "Log retention")
    doc.table(["Log group", "Retention (days)", "Encrypted"], [
        [value(g, "name", g.name), str(value(g, "retentionInDays", "never expires")), yes(bool(value(g, "kmsKeyId")))]
        for g in facts.of("aws:cloudwatch/logGroup:LogGroup")])
    doc.paragraph(facts.enforcement("cloudwatch-loggroup-retention", "cloudwatch-loggroup-kms-encrypted"))
    doc.heading(2, "Alarms and notification")
    alarms = facts.of("aws:cloudwatch/metricAlarm:MetricAlarm")
    protocols = Counter(value(s, "protocol") for s in facts.of("aws:sns/topicSubscription:TopicSubscription"))
    monitors = facts.of("datadog:index/monitor:Monitor")
    doc.items([f"CloudWatch alarms: {len(alarms)}, of which {sum(bool(value(a, 'alarmActions', [])) for a in alarms)} "
               "notify a topic when they fire and "
               f"{sum(bool(value(a, 'okActions', [])) for a in alarms)} when they recover",
               f"CIS metric filters: {len(facts.of('aws:cloudwatch/logMetricFilter:LogMetricFilter'))}",
               "Alert topic subscriptions: " + (", ".join(f"{n} {p}" for p, n in sorted(protocols.items())) or "none"),
               f"Datadog monitors: {len(monitors)}"])
    doc.table(["Alarm", "Metric", "Threshold"], [
        [a.name, f"{value(a, 'namespace')} {value(a, 'metricName')}", f"{value(a, 'comparisonOperator')} "
                                                                      f"{value(a, 'threshold')}"] for a in alarms])
    doc.paragraph(facts.enforcement("cloudwatch-alarm-has-actions", "cloudwatch-alarm-covers-lb-and-db",
                                    "cloudwatch-metricfilter-cis-coverage", "sns-topic-alerts-subscribed",
                                    "datadog-monitor-notifies"))
    doc.heading(2, "Responsibilities")
    doc.items(["On-call acknowledges alerts and opens an `incident` issue for each real event.",
               "Alarm thresholds are reviewed each quarter against the dashboard."])
    return doc
