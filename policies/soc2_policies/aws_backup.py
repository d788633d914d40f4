"""AWS Backup: encrypted, locked vaults; daily plans that keep recovery points long enough; and
selections that cover every stateful resource the catalog says AWS Backup can protect."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any, Iterable, Mapping

from . import catalog
from .checks import at_least, is_set, minimum_schema, shown
from .conventions import STATEFUL_TAG, UNKNOWN
from .declare import Service
from .documents import as_list
from .framework import Resource, Stack

SERVICE = Service("backup", "AWS Backup", "Backup vaults, vault locks, plans and selections.")

VAULT = SERVICE.resource_type("aws:backup/vault:Vault", kind="backup vault", key="kmsKeyArn", public=True)
VAULT_LOCK = SERVICE.resource_type("aws:backup/vaultLockConfiguration:VaultLockConfiguration", kind="vault lock")
PLAN = SERVICE.resource_type("aws:backup/plan:Plan", kind="backup plan")
SELECTION = SERVICE.resource_type("aws:backup/selection:Selection", kind="backup selection")
RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)")
MINUTES = {"minute": 1, "hour": 60, "day": 1440}
CONDITION_TESTS = {"stringEquals": lambda value, want: value == want,
                   "stringNotEquals": lambda value, want: value != want,
                   "stringLikes": fnmatchcase, "stringNotLikes": lambda value, want: not fnmatchcase(value, want)}
DAYS = {"minDays": minimum_schema(7, "Fewest days a recovery point is kept.", 1)}


def _runs_daily(schedule: Any) -> bool:
    """An AWS cron that fires every day of every month, or a rate of at most one day."""
    if not isinstance(schedule, str):
        return False
    text = schedule.strip().lower()
    if match := RATE.fullmatch(text):
        return 0 < int(match[1]) * MINUTES[match[2]] <= MINUTES["day"]
    if text.startswith("cron(") and text.endswith(")"):
        fields = text[5:-1].split()
        return len(fields) == 6 and fields[2] in ("*", "?") and fields[3] == "*" and fields[4] in ("*", "?") \
            and fields[5] == "*"
    return False


@SERVICE.resource_policy(
    name="backup-plan-daily", types=[PLAN], severity="high", criteria=["A1.2", "CC7.5"],
    description="Backup plans have a rule that runs at least daily.",
    remediation="Give a rule schedule='cron(0 5 * * ? *)' (every day at 05:00 UTC) or rate(1 day) or more often.")
def _daily(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    schedules = [r.peek(f"rules.{i}.schedule") for i in range(len(r.list("rules")))]
    if any(_runs_daily(s) for s in schedules):
        return
    if UNKNOWN in schedules:
        r.get(f"rules.{schedules.index(UNKNOWN)}.schedule")  # computed at deploy time: raises, so not judged now
    shown_schedules = ", ".join(shown(s) for s in schedules) or "none"
    yield f"no rule runs at least daily (schedules: {shown_schedules})"


@SERVICE.resource_policy(
    name="backup-plan-retention", types=[PLAN], severity="high", criteria=["A1.2", "CC7.5"],
    description="Backup plan rules and their copies keep recovery points for at least the minimum.",
    remediation="Set lifecycle.delete_after (and each copy_actions lifecycle.delete_after) to at least the minimum "
                "days, or leave it unset to keep recovery points until deleted.",
    config=DAYS)
def _retention(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    for i in range(len(r.list("rules"))):
        rule = f"rules.{i}"
        name = r.peek(f"{rule}.ruleName")
        label = f"rule {name}" if isinstance(name, str) and name != UNKNOWN else f"rule {i}"
        paths = [(label, f"{rule}.lifecycle.deleteAfter")] + [
            (f"{label} copy {j}", f"{rule}.copyActions.{j}.lifecycle.deleteAfter")
            for j in range(len(r.list(f"{rule}.copyActions")))]
        for where, path in paths:
            value = r.get(path)
            days = r.number(path)
            if value is not None and (days is None or days < config["minDays"]):
                yield (f"{where} deletes recovery points after {shown(value)} days, below the minimum of "
                       f"{shown(config['minDays'])}")


def _has_conditions(r: Resource) -> bool:
    return r.is_unknown("conditions") or any(
        r.is_set(f"conditions.{i}.{kind}") for i in range(len(r.list("conditions"))) for kind in CONDITION_TESTS)


@SERVICE.resource_policy(
    name="backup-selection-has-resources", types=[SELECTION], severity="medium", criteria=["A1.2"],
    description="Backup selections select resources.",
    remediation="Set resources (ARNs), selection_tags or conditions on the aws.backup.Selection.")
def _selects_something(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if not (r.is_set("resources") or r.is_set("selectionTags") or _has_conditions(r)):
        yield "the selection backs up nothing: resources, selectionTags and conditions are all empty"


def _tags(resource: Resource) -> Mapping[str, Any]:
    tags = resource.peek("tags")
    return tags if isinstance(tags, Mapping) else {}


def _names(selection: Resource, path: str, subject: Resource) -> bool:
    """The selection's `path` was computed from `subject`, or holds an ARN pattern matching it."""
    if any(d is subject for d in selection.depends_on(path)):
        return True
    arn = _arn_of(subject)
    name = subject.peek(arn.name) if arn else None
    if not isinstance(name, str) or name in ("", UNKNOWN):
        return "*" in as_list(selection.peek(path))
    for pattern in as_list(selection.peek(path)):
        parts = pattern.split(":", 5) if isinstance(pattern, str) else []
        if pattern == "*" or (len(parts) == 6 and fnmatchcase(arn.service, parts[2])
                              and fnmatchcase(arn.resource + name, parts[5])):
            return True
    return False


def _arn_of(subject: Resource) -> catalog.Arn | None:
    entry = catalog.get(subject.type)
    return entry.arn if entry else None


def _conditions_hold(selection: Resource, subject: Resource) -> bool:
    """Conditions narrow `resources` (all must hold); each tests a tag as aws:ResourceTag/<key>."""
    tags = _tags(subject)
    for block in as_list(selection.peek("conditions")):
        for kind, test in CONDITION_TESTS.items():
            for condition in as_list(block.get(kind) if isinstance(block, Mapping) else None):
                if not isinstance(condition, Mapping):
                    continue
                key, want = str(condition.get("key", "")), condition.get("value")
                value = tags.get(key.removeprefix("aws:ResourceTag/"))
                if not isinstance(want, str) or not test(value if isinstance(value, str) else "", want):
                    return False
    return True


def selects(selection: Resource, subject: Resource) -> bool:
    """Whether the backup selection takes in `subject`, by ARN (with its conditions) or by tag."""
    if _names(selection, "notResources", subject):
        return False
    if _names(selection, "resources", subject) and _conditions_hold(selection, subject):
        return True
    tags = _tags(subject)
    return any(isinstance(t, Mapping) and str(t.get("type", "")).upper() == "STRINGEQUALS"
               and isinstance(t.get("key"), str) and tags.get(t["key"]) == t.get("value")
               for t in as_list(selection.peek("selectionTags")))


def _stateful(stack: Stack, exempt: Mapping[str, Any]) -> list[tuple[catalog.ResourceType, Resource]]:
    """Resources of every type AWS Backup protects, but replicas (their source is backed up) and those tagged
    as holding no data of their own."""
    return [(entry, r) for entry in catalog.backed_up() for r in stack.of_type(entry.token)
            if not (entry.replica and r.is_set(entry.replica))
            and not any(str(_tags(r).get(k)).lower() == str(v).lower() for k, v in exempt.items())]


def _backed_up_types() -> list[str]:
    return [SELECTION, *(entry.token for entry in catalog.backed_up())]


@SERVICE.stack_policy(
    name="backup-selection-covers-stateful", severity="high", criteria=["A1.2", "CC7.5"],
    description="Every stateful resource AWS Backup can protect (databases, buckets, tables, file systems...) is in "
                "an AWS Backup selection.",
    remediation="Add the resource's ARN output to resources of an aws.backup.Selection (BackupPlan resources), or tag "
                f"log-only buckets {STATEFUL_TAG}=false (SecureBucket stateful=False).",
    config={"statelessTags": {"type": "object", "additionalProperties": {"type": "string"},
                              "default": {STATEFUL_TAG: "false"},
                              "description": "Tags (key: value) marking a resource that holds no data of its own, "
                                             "such as a log bucket; such resources need no backup."}},
    examines=_backed_up_types)
def _covers_stateful(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    selections = stack.of_type(SELECTION)
    for entry, subject in _stateful(stack, config["statelessTags"]):
        if not any(selects(s, subject) for s in selections):
            yield f"{entry.kind} {subject.name} is in no AWS Backup selection", subject.urn


SERVICE.resource_policy(
    name="backup-vault-kms-encrypted", types=[VAULT], severity="high", criteria=["CC6.1", "C1.1", "A1.2"],
    description="Backup vaults encrypt recovery points with a customer-managed KMS key.",
    remediation="Set kms_key_arn on the aws.backup.Vault to a customer-managed key (BackupPlan does).",
)(is_set("kmsKeyArn", "recovery points use the AWS-managed aws/backup key"))

SERVICE.resource_policy(
    name="backup-vaultlock-min-retention", types=[VAULT_LOCK], severity="high", criteria=["A1.2", "CC7.5"],
    description="Vault locks stop recovery points being deleted before the minimum retention.",
    remediation="Set min_retention_days on the aws.backup.VaultLockConfiguration to at least the minimum.",
    config=DAYS,
)(at_least("minRetentionDays", "minDays", "recovery points can be deleted too soon"))
