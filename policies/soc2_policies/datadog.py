"""Datadog monitors."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .checks import minimum_schema, shown
from .framework import Resource, Soc2ResourcePolicy

MONITOR = "datadog:index/monitor:Monitor"
HANDLE = r"@[A-Za-z0-9_.+-]+"


def _notifies(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    pattern = config.get("handlePattern")
    try:
        handle = re.compile(pattern if isinstance(pattern, str) else HANDLE)
    except re.error:
        yield f"handlePattern {pattern!r} is not a valid regular expression"
        return
    message = r.get("message")
    if not isinstance(message, str):
        yield f"an alert reaches no one: message is {shown(message)}"
    elif not handle.search(message):
        yield f"an alert reaches no one: message has no notification handle matching {handle.pattern}"


def _renotifies(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    interval = r.number("renotifyInterval")
    if not interval:
        yield f"an unresolved alert is never sent again: renotifyInterval is {shown(r.get('renotifyInterval'))}"
    elif interval > config["maxMinutes"]:
        yield (f"an unresolved alert waits too long to be sent again: renotifyInterval is {shown(interval)} minutes, "
               f"above the maximum of {shown(config['maxMinutes'])}")


POLICIES = [
    Soc2ResourcePolicy(
        name="datadog-monitor-notifies", resource_types=[MONITOR],
        description="Datadog monitors notify someone when they alert.", severity="high", criteria=["CC7.3", "CC7.2"],
        remediation="Put at least one notification handle (@pagerduty-service, @slack-channel, @team-handle or an "
                    "e-mail address) in the monitor's message (Monitoring does, from datadog.notify).",
        check=_notifies, config={"handlePattern": {
            "type": "string", "minLength": 1, "default": HANDLE,
            "description": "Regular expression a notification handle in the message must match."}}),
    Soc2ResourcePolicy(
        name="datadog-monitor-renotifies", resource_types=[MONITOR],
        description="Datadog monitors notify again while an alert stays unresolved.", severity="low",
        criteria=["CC7.3", "CC7.4"],
        remediation="Set renotify_interval (minutes, e.g. 60) at or below maxMinutes, so an alert that was missed "
                    "or silently acknowledged is raised again until it is resolved.",
        check=_renotifies, config={"maxMinutes": minimum_schema(1440, "Longest renotify_interval accepted, in "
                                                                      "minutes.", 1)}),
]
