"""Secrets Manager."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .checks import is_set, minimum_schema, shown
from .declare import Service
from .framework import Resource

SERVICE = Service("secretsmanager", "Secrets Manager", "Secrets, their keys and rotation.")

SECRET = SERVICE.resource_type("aws:secretsmanager/secret:Secret", kind="secret", key="kmsKeyId", public=True)
ROTATION = SERVICE.resource_type("aws:secretsmanager/secretRotation:SecretRotation", kind="secret rotation")
RATE = re.compile(r"^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$")
CRON = re.compile(r"^cron\((.*)\)$")


@SERVICE.resource_policy(
    name="secretsmanager-secret-recovery-window", types=[SECRET], severity="low", criteria=["CC6.5", "A1.2"],
    description="Deleted Secrets Manager secrets can be recovered for a while.",
    remediation="Remove recovery_window_in_days (30 days) or set it from 7 to 30.")
def _recovery_window(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.number("recoveryWindowInDays") == 0:
        yield "recoveryWindowInDays is 0: deleting the secret destroys it at once, with no recovery"


def _interval_days(schedule: str) -> float | None:
    """Longest gap between rotations a schedule expression allows, when it can be told."""
    if rate := RATE.match(schedule.strip()):
        return int(rate.group(1)) / (24 if rate.group(2).startswith("hour") else 1)
    cron = CRON.match(schedule.strip())
    fields = cron.group(1).split() if cron else []
    if len(fields) >= 4 and fields[3] == "*":  # every month: at most a month apart
        return 31
    return None


@SERVICE.resource_policy(
    name="secretsmanager-secretrotation-interval", types=[ROTATION], severity="medium", criteria=["CC6.1", "CC6.2"],
    description="Secrets Manager secrets rotate at least every maxDays days.",
    remediation="Set rotation_rules.automatically_after_days (or a rate()/monthly cron() schedule_expression) to at "
                "most maxDays.",
    config={"maxDays": minimum_schema(90, "Longest interval between rotations, in "
           "days.", 1)})
def _rotation_interval(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    days = r.number("rotationRules.automaticallyAfterDays")
    schedule = r.str("rotationRules.scheduleExpression")
    limit = config["maxDays"]
    if days is None and schedule is None:
        yield "rotationRules sets neither automaticallyAfterDays nor scheduleExpression"
    elif days is not None and days > limit:
        yield f"the secret rotates every {shown(days)} days (automaticallyAfterDays), above the maximum of {shown(limit)}"
    elif days is None and schedule is not None:
        interval = _interval_days(schedule)
        if interval is None or interval > limit:
            yield (f"scheduleExpression {schedule!r} does not rotate the secret at least every {shown(limit)} days; "
                   "use rate(N days) or a monthly cron()")


SERVICE.resource_policy(
    name="secretsmanager-secret-customer-managed-key", types=[SECRET], severity="medium", criteria=["CC6.1", "C1.1"],
    description="Secrets Manager secrets are encrypted with a customer-managed KMS key.",
    remediation="Set kms_key_id to a customer-managed key with rotation whose policy limits who may decrypt.",
)(is_set("kmsKeyId", "the secret uses the AWS-managed key aws/secretsmanager"))
