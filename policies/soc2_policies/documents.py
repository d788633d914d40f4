"""Reading IAM-style policy documents (IAM, S3, KMS, SNS) without trusting their shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Conditions that pin a wildcard principal to this organization, account, network or source.
RESTRICTING_CONDITION_KEYS = {
    "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid", "aws:principalaccount",
    "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:principalorgpaths",
    "kms:calleraccount", "kms:viaservice", "aws:securetransport",
}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document; empty for anything that is not one."""
    if not isinstance(document, Mapping):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, Mapping):
        return [str(p) for values in principal.values() for p in as_list(values)]
    return []


def is_allow(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


def is_deny(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Deny"


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [a for a in as_list(statement.get("Action")) if isinstance(a, str)]


def resources(statement: Mapping[str, Any]) -> list[str]:
    return [r for r in as_list(statement.get("Resource")) if isinstance(r, str)]


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return set()
    return {str(key).lower() for block in condition.values() if isinstance(block, Mapping) for key in block}


def is_public_allow(statement: Mapping[str, Any]) -> bool:
    """An Allow to everyone (`*`) not narrowed by a condition on account, organization, network or source."""
    if not is_allow(statement) or "*" not in principals(statement):
        return False
    return not (condition_keys(statement) & RESTRICTING_CONDITION_KEYS)


def grants(statement: Mapping[str, Any], action: str) -> bool:
    """Whether an Allow statement's actions include `action`, through wildcards too."""
    if not is_allow(statement):
        return False
    service = action.split(":")[0]
    return any(a == "*" or a.lower() == action.lower() or a.lower() == f"{service}:*".lower()
               or (a.endswith("*") and action.lower().startswith(a[:-1].lower())) for a in actions(statement))


def denies_insecure_transport(document: Any) -> bool:
    """A Deny of all actions to everyone when aws:SecureTransport is false."""
    for statement in statements(document):
        condition = statement.get("Condition")
        if not is_deny(statement) or "*" not in principals(statement) or not isinstance(condition, Mapping):
            continue
        for operator, block in condition.items():
            if str(operator).startswith("Bool") and isinstance(block, Mapping):
                if str(block.get("aws:SecureTransport", "")).lower() == "false" and actions(statement):
                    if any(a in ("*",) or a.endswith(":*") for a in actions(statement)):
                        return True
    return False
