"""The `requireCustomerKey` option of the policies that check a data store's encryption at rest.

On (the default), a policy also requires a customer-managed KMS key: one whose policy, rotation and
deletion the account controls and whose use CloudTrail records per key, not the AWS-owned key or the
AWS-managed `alias/aws/<service>` key.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .framework import Resource, ResourceCheck

OPTION = "requireCustomerKey"
SCHEMA: dict[str, Any] = {OPTION: {
    "type": "boolean", "default": True,
    "description": "Also require a customer-managed key, not the AWS-owned or AWS-managed one."}}
AWS_MANAGED = "alias/aws/"
"""What an AWS-managed key's alias, or its alias ARN, contains."""


def required(config: Mapping[str, Any]) -> bool:
    return config.get(OPTION) is not False


def problem_if_required(r: Resource, config: Mapping[str, Any], path: str) -> str | None:
    """problem(), when the policy's config requires a customer-managed key; else None."""
    return problem(r, path) if required(config) else None


def check(path: str, what: str) -> ResourceCheck:
    """With requireCustomerKey on, `path` must name a customer-managed key (not unset, not alias/aws/...)."""
    def judge(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        if found := problem_if_required(r, config, path):
            yield f"{what}: {found}"
    return judge


def problem(r: Resource, path: str) -> str | None:
    """Why the key at `path` is not a customer-managed one, or None if it is.

    A key computed at deploy time comes from a key resource of the program, so it counts as one;
    whether that key rotates is kms-key-customer-managed-rotation's question.
    """
    if not r.is_set(path):
        return f"{path} is not set, so an AWS-owned or AWS-managed key is used"
    value = r.peek(path)
    if isinstance(value, str) and AWS_MANAGED in value:
        return f"{path} is {value!r}, an AWS-managed key whose policy the account cannot restrict"
    return None
