"""KMS: customer-managed keys and aliases, and which keys encrypted resources actually use."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import documents
from .checks import is_set, list_schema, minimum_schema, shown
from .framework import UNKNOWN, Resource, Soc2ResourcePolicy, Soc2StackPolicy, Stack

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
# Properties, anywhere in a resource's inputs, that name the key encrypting it.
KEY_PROPERTIES = {"kmsKeyId", "kmsKeyArn", "kmsMasterKeyId", "performanceInsightsKmsKeyId", "masterUserSecretKmsKeyId",
                  "kmsKeyIdentifier", "keyArn", "encryptionKey", "sseKmsKeyId", "kmsEncryptionKey"}
KEY_OWNERS_EXEMPT = {KEY, ALIAS, "aws:kms/grant:Grant", "aws:kms/keyPolicy:KeyPolicy"}
SYMMETRIC = {None, "SYMMETRIC_DEFAULT"}


def _rotation(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.str("customerMasterKeySpec") not in SYMMETRIC or r.str("keyUsage") not in (None, "ENCRYPT_DECRYPT"):
        return  # AWS rotates only symmetric encryption keys
    if r.get("enableKeyRotation") is not True:
        yield f"automatic rotation is off: enableKeyRotation is {shown(r.get('enableKeyRotation'))}"


def _deletion_window(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    days = r.number("deletionWindowInDays")
    if r.get("deletionWindowInDays") is not None and (days is None or days < config["minDays"]):
        yield (f"deletionWindowInDays is {shown(r.get('deletionWindowInDays'))}: a scheduled deletion could not be "
               f"cancelled after {shown(days)} days (minimum {shown(config['minDays'])})")


def _no_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, statement in enumerate(documents.statements(r.document("policy"))):
        if documents.is_public_allow(statement):
            yield f"key policy statement {statement.get('Sid', index)!s} allows everyone ('*') without a condition"


def _key_references(value: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    """(dotted path, value) of every key property at any depth."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            here = f"{path}{key}"
            if key in KEY_PROPERTIES:
                yield here, child
            else:
                yield from _key_references(child, here + ".")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _key_references(child, f"{path}{index}.")


def _keys_behind(resource: Resource, top: str) -> list[Resource]:
    """Keys the property `top` was computed from, directly or through an alias."""
    keys = []
    for dependency in resource.depends_on(top):
        if dependency.type == KEY:
            keys.append(dependency)
        elif dependency.type == ALIAS:
            keys += [d for d in dependency.depends_on("targetKeyId") if d.type == KEY]
    return keys


def _customer_managed(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    trusted = set(config["externalKeys"])
    for resource in stack:
        if resource.type in KEY_OWNERS_EXEMPT:
            continue
        for path, value in _key_references(resource.props):
            if value in (None, ""):
                continue
            keys = _keys_behind(resource, path.split(".")[0])
            if keys:
                for key in keys:
                    spec = key.peek("customerMasterKeySpec")
                    if key.peek("enableKeyRotation") is not True and (spec is None or spec == "SYMMETRIC_DEFAULT"):
                        yield f"{path} uses key {key.name}, whose rotation is off", resource.urn
            elif isinstance(value, str) and "alias/aws/" in value:
                yield f"{path} uses the AWS-managed key {value}; use a customer-managed key", resource.urn
            elif isinstance(value, str) and value not in trusted and value != UNKNOWN:
                yield (f"{path} names key {value}, which this stack does not manage, so its rotation cannot be "
                       "verified; manage it here or list it in externalKeys"), resource.urn


def _has_alias(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    aliased = {key.urn for alias in stack.of_type(ALIAS) for key in alias.depends_on("targetKeyId")}
    for key in stack.of_type(KEY):
        if key.urn not in aliased:
            yield f"key {key.name} has no alias, so operators and auditors cannot tell what it protects", key.urn


POLICIES = [
    Soc2ResourcePolicy(
        name="kms-key-rotation-enabled", resource_types=[KEY], severity="high", criteria=["CC6.1", "C1.1"],
        description="Customer-managed KMS keys rotate automatically every year.",
        remediation="Set enable_key_rotation=True on the aws.kms.Key (EncryptionKey does this).", check=_rotation),
    Soc2ResourcePolicy(
        name="kms-key-policy-defined", resource_types=[KEY], severity="medium", criteria=["CC6.1", "CC6.3"],
        description="KMS keys carry an explicit key policy.",
        remediation="Set policy to a document that names the administering account and each service that may "
                    "use the key.", check=is_set("policy", "the key falls back to the default key policy")),
    Soc2ResourcePolicy(
        name="kms-key-policy-no-public-access", resource_types=[KEY], severity="critical", criteria=["CC6.1"],
        description="KMS key policies grant nothing to everyone.",
        remediation="Name principals in every Allow, or narrow `*` with kms:CallerAccount or aws:SourceAccount.",
        check=_no_public),
    Soc2ResourcePolicy(
        name="kms-key-deletion-window", resource_types=[KEY], severity="medium", criteria=["CC6.5", "A1.2"],
        description="A scheduled KMS key deletion can be cancelled for long enough.",
        remediation="Set deletion_window_in_days to 30 (the maximum) or at least the configured minimum.",
        check=_deletion_window, config={"minDays": minimum_schema(14, "Fewest days a deletion can be cancelled.", 7)}),
    Soc2StackPolicy(
        name="kms-key-customer-managed-rotation", severity="high", criteria=["CC6.1", "C1.1"],
        description="Every encrypted resource uses a customer-managed key from this stack, with rotation on.",
        remediation="Pass the ARN of an aws.kms.Key created in the program (with enable_key_rotation=True) to the "
                    "resource's key property; list keys managed elsewhere in externalKeys.",
        check=_customer_managed,
        config={"externalKeys": list_schema([], "Key ARNs managed outside this stack that are trusted to rotate.")}),
    Soc2StackPolicy(
        name="kms-key-has-alias", severity="low", criteria=["CC6.1"],
        description="Every KMS key has an alias that says what it protects.",
        remediation="Add an aws.kms.Alias (alias/<purpose>) targeting the key.", check=_has_alias),
]
