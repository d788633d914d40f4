"""IAM least privilege by action: what a statement on every resource (`*`) lets a principal change
or read, in every carrier of a permissions document (aws_iam.DOCUMENTS).

An action that can be scoped to ARNs but is granted on `*` with no condition reaches every
resource of its kind in the account, those created tomorrow included. Actions that AWS lets
callers grant only on `*` (xray:PutTraceSegments, ecr:GetAuthorizationToken) are not findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, Iterable

from . import iam_actions
from .aws_iam import DOCUMENTS, SERVICE, _documents, _sid
from .checks import list_schema
from .documents import actions, as_list, is_allow, resources, statements
from .framework import Resource

SHOWN_ACTIONS = 5
DATA_READ_ACTIONS = [
    "s3:GetObject", "s3:GetObjectVersion", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue", "ec2:GetPasswordData", "dynamodb:GetItem", "dynamodb:BatchGetItem",
    "dynamodb:Query", "dynamodb:Scan", "lambda:GetFunction", "codeartifact:GetAuthorizationToken",
]
"""Read actions that return customer data, secrets or credentials (object contents, parameters, secret values,
instance passwords, table items, functions' environments)."""
EVERY_ACTION = ("*", "*:*")


def _unconstrained(r: Resource) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Allow statements on every resource (Resource '*' or NotResource) with no condition."""
    for where, document in _documents(r):
        for statement in statements(document):
            broad = "*" in resources(statement) or "NotResource" in statement
            if is_allow(statement) and broad and not statement.get("Condition"):
                yield where, statement


def _patterns(statement: Mapping[str, Any]) -> tuple[bool, tuple[str, ...]]:
    """(NotAction?, the action patterns) of a statement."""
    negated = "NotAction" in statement
    found = as_list(statement.get("NotAction")) if negated else actions(statement)
    return negated, tuple(sorted({a for a in found if isinstance(a, str)}))


@lru_cache(maxsize=4096)
def _scoped_writes(negated: bool, patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Write and permissions-management actions, scopable to ARNs, that the patterns grant (or all but, with
    NotAction); cached, since the same statements recur across a stack's roles and policies."""
    granted = iam_actions.all_but(list(patterns)) if negated else iam_actions.matching(list(patterns))
    return tuple(a.name for a in granted if a.writes and a.restrictable)


def _listed(names: list[str]) -> str:
    shown = ", ".join(sorted(names)[:SHOWN_ACTIONS])
    return shown if len(names) <= SHOWN_ACTIONS else f"{shown} and {len(names) - SHOWN_ACTIONS} more"


@SERVICE.resource_policy(
    name="iam-policy-no-unconstrained-write", types=DOCUMENTS, severity="high", criteria=["CC6.3", "CC6.1"],
    description="IAM policies do not allow write or permissions-management actions on every resource without a "
                "condition.",
    remediation="In the policy= document (or inline_policies[].policy of the Role), replace Resource '*' with the "
                "ARNs the principal writes to (the bucket's objects, the one queue, the log group), or add a Condition "
                "(aws:ResourceTag/..., aws:RequestedRegion, a service's own keys such as cloudwatch:namespace).",
    checkov=["CKV_AWS_290", "CKV_AWS_289", "CKV_AWS_355"])
def _unconstrained_write(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for where, statement in _unconstrained(r):
        if any(a in EVERY_ACTION for a in actions(statement)):
            yield f"{where}: {_sid(statement)} allows every action ('*'), writes included, on every resource ('*')"
            continue
        if writes := list(_scoped_writes(*_patterns(statement))):
            yield (f"{where}: {_sid(statement)} allows {len(writes)} write or permissions-management action(s) that "
                   f"can be scoped to ARNs on every resource ('*') with no condition: {_listed(writes)}")


@lru_cache(maxsize=4096)
def _scoped_reads(negated: bool, patterns: tuple[str, ...], listed: tuple[str, ...]) -> tuple[str, ...]:
    """The listed read actions, scopable to ARNs, that the patterns grant (or all but, with NotAction)."""
    def named(action: str) -> bool:
        return any(fnmatchcase(action.lower(), p.lower()) for p in patterns) != negated
    reads = [a for a in listed if named(a)]
    restrictable = {a.name.lower() for a in iam_actions.matching(reads) if a.restrictable}
    return tuple(a for a in reads if a.lower() in restrictable)


@SERVICE.resource_policy(
    name="iam-policy-no-unconstrained-data-read", types=DOCUMENTS, severity="high", criteria=["CC6.3", "C1.1"],
    description="IAM policies do not let a principal read every object, secret, parameter or table item in the "
                "account.",
    remediation="In the policy= document, scope s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter* and "
                "the table reads to the ARNs the workload reads (arn:aws:s3:::bucket/prefix/*, the secret's ARN, "
                "arn:aws:ssm:region:account:parameter/app/*), or add a Condition that narrows them.",
    config={"actions": list_schema(DATA_READ_ACTIONS, "Read actions that return data, secrets or credentials; "
                                   "granting them on every resource exposes all of it.")},
    checkov=["CKV_AWS_288", "CKV_AWS_287"])
def _unconstrained_read(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    for where, statement in _unconstrained(r):
        if found := list(_scoped_reads(*_patterns(statement), tuple(config["actions"]))):
            yield (f"{where}: {_sid(statement)} allows {_listed(found)} on every resource ('*') with no condition, "
                   f"so every such object, secret or item in the account can be read")
