"""Datadog policy cases: a monitor that pages and re-pages, and monitors that do not."""

from __future__ import annotations

from typing import Any

import pulumi_datadog as datadog

from tests.policies.harness import Build, Case

MONITOR: dict[str, Any] = dict(
    name="Load balancer 5xx responses", type="metric alert",
    query="sum(last_5m):sum:aws.applicationelb.httpcode_elb_5xx{*}.as_count() >= 50",
    message="Load balancer 5xx responses. Follow the incident runbook. @pagerduty-platform @slack-prod-alerts",
    monitor_thresholds={"critical": "50"}, renotify_interval=60, include_tags=True, tags=["soc2"])


def monitor(**changes: Any) -> Build:
    def build() -> None:
        datadog.Monitor("lb-5xx", **{**MONITOR, **changes})
    build.__name__ = f"monitor({', '.join(f'{k}={v!r}' for k, v in changes.items()) or 'secure'})"
    return build


SECURE = monitor()

CASES = [
    Case("datadog-monitor-notifies", SECURE, monitor(message="Load balancer 5xx responses. Follow the runbook."),
         "message has no notification handle matching @[A-Za-z0-9_.+-]+"),
    Case("datadog-monitor-notifies", monitor(message="5xx {{#is_alert}}@oncall@example.com{{/is_alert}}"),
         monitor(message="5xx: email oncall"), "an alert reaches no one"),
    Case("datadog-monitor-notifies", monitor(message="5xx @pagerduty-platform"), monitor(message="5xx @slack-alerts"),
         "no notification handle matching @pagerduty-", config={"datadog-monitor-notifies": {
             "handlePattern": "@pagerduty-[a-z-]+"}}),
    Case("datadog-monitor-renotifies", SECURE, monitor(renotify_interval=None), "renotifyInterval is unset"),
    Case("datadog-monitor-renotifies", SECURE, monitor(renotify_interval=2880),
         "renotifyInterval is 2880 minutes, above the maximum of 1440"),
]
