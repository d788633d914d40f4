"""Datadog monitors."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .checks import minimum_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("datadog", "Datadog", "Datadog monitors.")

MONITOR = SERVICE.resource_type("datadog:index/monitor:Monitor", kind="Datadog monitor")
HANDLE = r"@[A-Za-z0-9_.+-]+"


@SERVICE.resource_policy(
    name="datadog-monitor-notifies", types=[MONITOR], severity="high", criteria=["CC7.3", "CC7.2"],
    description="Datadog monitors notify someone when they alert.",
    remediation="Put at least one notification handle (@pagerduty-service, @slack-channel, @team-handle or an e-mail "
                "address) in the monitor's message (Monitoring does, from datadog.notify).",
    config={"handlePattern": {
           "type": "string", "minLength": 1, "default": HANDLE,
           "description": "Regular expression a notification handle in the message must match."}})
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


@SERVICE.resource_policy(
    name="datadog-monitor-renotifies", types=[MONITOR], severity="low", criteria=["CC7.3", "CC7.4"],
    description="Datadog monitors notify again while an alert stays unresolved.",
    remediation="Set renotify_interval (minutes, e.g. 60) at or below maxMinutes, so an alert that was missed or "
                "silently acknowledged is raised again until it is resolved.",
    config={"maxMinutes": minimum_schema(1440, "Longest renotify_interval accepted, in "
           "minutes.", 1)})
def _renotifies(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    interval = r.number("renotifyInterval")
    if not interval:
        yield f"an unresolved alert is never sent again: renotifyInterval is {shown(r.get('renotifyInterval'))}"
    elif interval > config["maxMinutes"]:
        yield (f"an unresolved alert waits too long to be sent again: renotifyInterval is {shown(interval)} minutes, "
               f"above the maximum of {shown(config['maxMinutes'])}")
