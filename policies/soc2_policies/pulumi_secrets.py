"""Secrets in resource inputs, whatever the provider.

A credential passed as a plain string is written to the state file and shown by `pulumi preview
--diff` in clear text; wrapped in pulumi.Output.secret (or read with config.require_secret) it is
encrypted in the state and masked in output. Findings name the resource and the property path,
never the value.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from .checks import list_schema
from .conventions import CREDENTIAL_KEYS, NOT_CREDENTIALS, REFERENCE_SUFFIXES, UNKNOWN, key_kind
from .declare import Service
from .framework import Stack

SERVICE = Service("pulumi", "Secrets in any resource")

PARAMETER = "aws:ssm/parameter:Parameter"
# Tags are plain metadata in every AWS API: marking them secret would not protect them.
PLAIN_METADATA = ("tags", "tagsAll")


def _plain(value: Any) -> bool:
    """A literal string that could be a credential (ARNs and computed values are neither)."""
    return isinstance(value, str) and bool(value.strip()) and value != UNKNOWN and not value.startswith("arn:")


def _credential_paths(value: Any, path: str, secret: frozenset[str],
                      kind: Callable[[str], str]) -> Iterable[str]:
    """Dotted paths of plain credentials under `value`; `kind(key)` is credential, reference or other."""
    if path in secret:
        return
    items = value.items() if isinstance(value, Mapping) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        child = f"{path}.{key}" if path else str(key)
        what = kind(str(key)) if isinstance(key, str) else "other"
        if what == "reference" or (not path and key in PLAIN_METADATA):
            continue
        if what == "credential":
            for leaf, leaf_path in [(item, child)] if not isinstance(item, list) else \
                    [(v, f"{child}.{i}") for i, v in enumerate(item)]:
                if _plain(leaf) and leaf_path not in secret:
                    yield leaf_path
        yield from _credential_paths(item, child, secret, kind)


def _classifier(config: Mapping[str, Any]) -> tuple[Callable[[str], str], list[str]]:
    patterns, invalid = [], []
    for pattern in config.get("credentialKeyPatterns") or []:
        try:
            patterns.append(re.compile(str(pattern), re.IGNORECASE))
        except re.error:
            invalid.append(str(pattern))
    suffixes = [str(s).lower() for s in config.get("referenceSuffixes") or []]
    ignored = {str(k).lower() for k in config.get("notCredentials") or []}
    return (lambda key: key_kind(key, patterns, suffixes, ignored)), invalid


@SERVICE.stack_policy(
    name="pulumi-input-secrets-encrypted", severity="critical", criteria=["CC6.1", "C1.1"],
    description="Credentials in resource inputs are Pulumi secrets, encrypted in the state.",
    remediation="Read the value with pulumi.Config().require_secret(...) (set it with `pulumi config set --secret`), "
                "or wrap it in pulumi.Output.secret(...); better, let the service generate and keep it "
                "(manage_master_user_password=True, Secrets Manager). For SSM SecureString parameters set value, "
                "never insecure_value. Rotate any credential that was committed or deployed in plain text.",
    config={"credentialKeyPatterns": list_schema(CREDENTIAL_KEYS, "Case-insensitive regular expressions over "
                                                "snake_case property keys (apiKey is api_key) that hold "
                                                "credentials."),
           "referenceSuffixes": list_schema(REFERENCE_SUFFIXES, "Last words of keys that refer to a "
                                            "credential rather than hold one (secret_arn, password_length)."),
           "notCredentials": list_schema(NOT_CREDENTIALS, "snake_case keys that match a credential pattern "
                                         "but never hold one (lock_token).")})
def _encrypted(stack: Stack, config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    kind, invalid = _classifier(config)
    for pattern in invalid:
        yield f"credentialKeyPatterns entry {pattern!r} is not a valid regular expression", ""
    for r in stack:
        for path in _credential_paths(r.props, "", r.secret_paths, kind):
            yield (f"{r.type} {r.name}: {path} holds a credential in plain text; it is stored unencrypted in the "
                   "state and shown in diffs", r.urn)
    for r in stack.of_type(PARAMETER):
        if r.props.get("type") != "SecureString":
            continue
        for path in ("value", "insecureValue"):
            if _plain(r.props.get(path)) and path not in r.secret_paths:
                yield (f"{r.type} {r.name}: the SecureString parameter's {path} is in plain text; it is stored "
                       "unencrypted in the state and shown in diffs", r.urn)
