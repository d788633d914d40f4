"""KMS: customer-managed keys and aliases, and which keys encrypted resources actually use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Mapping

from . import catalog, documents
from .checks import is_set, list_schema, minimum_schema, shown
from .conventions import UNKNOWN
from .declare import Service
from .framework import Resource, Stack

SERVICE = Service("kms", "KMS", "Customer-managed keys, aliases, and the keys encrypted resources use.")

KEY = SERVICE.resource_type("aws:kms/key:Key", kind="KMS key", public=True)
ALIAS = SERVICE.resource_type("aws:kms/alias:Alias", kind="KMS alias")
GRANT = SERVICE.resource_type("aws:kms/grant:Grant", kind="KMS grant")
KEY_POLICY = SERVICE.resource_type("aws:kms/keyPolicy:KeyPolicy", kind="KMS key policy")
# Properties, anywhere in a resource's inputs, that name the key encrypting it; the catalog's key
# properties are added to these (key_properties()).
KEY_PROPERTIES = {"kmsKeyId", "kmsKeyArn", "kmsMasterKeyId", "performanceInsightsKmsKeyId", "masterUserSecretKmsKeyId",
                  "kmsKeyIdentifier", "keyArn", "encryptionKey", "sseKmsKeyId", "kmsEncryptionKey"}
KEY_OWNERS_EXEMPT = {KEY, ALIAS, GRANT, KEY_POLICY}
SYMMETRIC = {None, "SYMMETRIC_DEFAULT"}


@SERVICE.resource_policy(
    name="kms-key-rotation-enabled", types=[KEY], severity="high", criteria=["CC6.1", "C1.1"],
    description="Customer-managed KMS keys rotate automatically every year.",
    remediation="Set enable_key_rotation=True on the aws.kms.Key (EncryptionKey does this).")
def _rotation(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    if r.str("customerMasterKeySpec") not in SYMMETRIC or r.str("keyUsage") not in (None, "ENCRYPT_DECRYPT"):
        return  # AWS rotates only symmetric encryption keys
    if r.get("enableKeyRotation") is not True:
        yield f"automatic rotation is off: enableKeyRotation is {shown(r.get('enableKeyRotation'))}"


@SERVICE.resource_policy(
    name="kms-key-deletion-window", types=[KEY], severity="medium", criteria=["CC6.5", "A1.2"],
    description="A scheduled KMS key deletion can be cancelled for long enough.",
    remediation="Set deletion_window_in_days to 30 (the maximum) or at least the configured minimum.",
    config={"minDays": minimum_schema(14, "Fewest days a deletion can be cancelled.", 7)})
def _deletion_window(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    days = r.number("deletionWindowInDays")
    if r.get("deletionWindowInDays") is not None and (days is None or days < config["minDays"]):
        yield (f"deletionWindowInDays is {shown(r.get('deletionWindowInDays'))}: a scheduled deletion could not be "
               f"cancelled after {shown(days)} days (minimum {shown(config['minDays'])})")


@SERVICE.resource_policy(
    name="kms-key-policy-no-public-access", types=[KEY], severity="critical", criteria=["CC6.1"],
    description="KMS key policies grant nothing to everyone.",
    remediation="Name principals in every Allow, or narrow `*` with kms:CallerAccount or aws:SourceAccount.")
def _no_public(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    for index, statement in enumerate(documents.statements(r.document("policy"))):
        if documents.is_public_allow(statement):
            yield f"key policy statement {statement.get('Sid', index)!s} allows everyone ('*') without a condition"


@lru_cache(maxsize=None)
def key_properties() -> frozenset[str]:
    """Every property name that names an encrypting key: the usual names, and each catalog type's key property."""
    return frozenset(KEY_PROPERTIES | {t.key_property for t in catalog.encrypted() if t.key_property})


def _encrypted_types() -> list[str]:
    return [t.token for t in catalog.encrypted()]


def _key_references(value: Any, names: frozenset[str], path: str = "") -> Iterable[tuple[str, Any]]:
    """(dotted path, value) of every key property at any depth."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            here = f"{path}{key}"
            if key in names:
                yield here, child
            else:
                yield from _key_references(child, names, here + ".")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _key_references(child, names, f"{path}{index}.")


def _keys_behind(resource: Resource, top: str) -> list[Resource]:
    """Keys the property `top` was computed from, directly or through an alias."""
    keys = []
    for dependency in resource.depends_on(top):
        if dependency.type == KEY:
            keys.append(dependency)
        elif dependency.type == ALIAS:
            keys += [d for d in dependency.depends_on("targetKeyId") if d.type == KEY]
    return keys


@SERVICE.stack_policy(
    name="kms-key-customer-managed-rotation", severity="high", criteria=["CC6.1", "C1.1"],
    description="Every encrypted resource uses a customer-managed key from this stack, with rotation on.",
    remediation="Pass the ARN of an aws.kms.Key created in the program (with enable_key_rotation=True) to the "
                "resource's key property; list keys managed elsewhere in externalKeys.",
    config={"externalKeys": list_schema([], "Key ARNs managed outside this stack that are trusted to rotate.")},
    examines=_encrypted_types)
def _customer_managed(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    trusted, names = set(config["externalKeys"]), key_properties()
    for resource in stack:
        if resource.type in KEY_OWNERS_EXEMPT:
            continue
        for path, value in _key_references(resource.props, names):
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


@SERVICE.stack_policy(
    name="kms-key-has-alias", severity="low", criteria=["CC6.1"],
    description="Every KMS key has an alias that says what it protects.",
    remediation="Add an aws.kms.Alias (alias/<purpose>) targeting the key.",
    examines=[KEY, ALIAS])
def _has_alias(stack: Stack, _: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    aliased = {key.urn for alias in stack.of_type(ALIAS) for key in alias.depends_on("targetKeyId")}
    for key in stack.of_type(KEY):
        if key.urn not in aliased:
            yield f"key {key.name} has no alias, so operators and auditors cannot tell what it protects", key.urn


SERVICE.resource_policy(
    name="kms-key-policy-defined", types=[KEY], severity="medium", criteria=["CC6.1", "CC6.3"],
    description="KMS keys carry an explicit key policy.",
    remediation="Set policy to a document that names the administering account and each service that may use the key.",
)(is_set("policy", "the key falls back to the default key policy"))
