"""What the pack, preflight and the components agree on, written once.

The pack publishes facts about its policies as tags and marks findings in their messages;
preflight reads them back. Components tag resources; policies read the tags. A credential-looking
key is recognized the same way by the secrets policy and by preflight's redaction. This module
imports nothing else from the pack, so any of them can import it cheaply.
"""

from __future__ import annotations

import re

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's sentinel for a value unknown until deploy."""

WAIVED_MARK = "[waived]"
"""A waived finding's message detail starts with this; it is reported at advisory level."""

TYPE_TAG = "type:"
"""A resource policy publishes every type token it examines as a `type:<token>` tag."""
EXAMINES_TAG = "examines:"
"""A stack policy publishes the types whose resources it judges as `examines:<token>` tags."""
SERVICE_TAG = "service:"
CHECKOV_TAG = "checkov:"

TAG_PREFIX = "soc2:"
"""Resource tags the components set and the policies read."""
ENVIRONMENT_TAG = "soc2:environment"
STATEFUL_TAG = "soc2:stateful"
PURPOSE_TAG = "soc2:purpose"

# Case-insensitive regular expressions over snake_case keys (apiKey is api_key) that hold credentials.
CREDENTIAL_KEYS = ["password", "passwd", "secret", "token", "private_?key", "api_?key", "credential",
                   "plaintext_?value", "secret_?string"]
# Last words of keys that name, locate, size or schedule a credential rather than hold one: kmsKeyId,
# secretArn, secretId, passwordLength, masterUserSecretKmsKeyId, tokenEndpoint, sharedCredentialsFiles...
REFERENCE_SUFFIXES = ["arn", "arns", "id", "ids", "name", "names", "version", "versions", "stage", "length",
                      "rotation", "type", "provider", "strategy", "file", "files", "path", "url", "uri", "endpoint",
                      "units", "validity", "policy", "ttl", "count", "days", "enabled", "required"]
# Keys that match a credential word but hold none: optimistic-lock and pagination tokens, token
# domains, provider flags (found in deployed state, e.g. a WAF web ACL's lockToken).
NOT_CREDENTIALS = ["lock_token", "next_token", "token_domains", "secret_scanning", "secret_scanning_push_protection"]


def snake(key: str) -> str:
    """apiKey, APIKey, api-key and API_KEY all become api_key."""
    key = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", key)
    key = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def key_kind(key: str, patterns: list[re.Pattern[str]], suffixes: list[str], ignored: set[str]) -> str:
    """"credential", "reference" (names or sizes a credential) or "other", for one property key."""
    name = snake(key)
    if name in ignored or not any(p.search(name) for p in patterns):
        return "other"
    return "reference" if any(name == s or name.endswith(f"_{s}") for s in suffixes) else "credential"


_DEFAULT_PATTERNS = [re.compile(p, re.IGNORECASE) for p in CREDENTIAL_KEYS]


def is_credential_key(key: str) -> bool:
    """Whether a key (a property or a config key, any casing) holds a credential by the defaults."""
    return key_kind(key.rsplit(":", 1)[-1], _DEFAULT_PATTERNS, REFERENCE_SUFFIXES, set(NOT_CREDENTIALS)) == "credential"
