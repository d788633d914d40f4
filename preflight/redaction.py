"""Secrets never leave in plain text, whatever a policy pack writes in its messages.

The plaintext of every secret in a check (resource inputs and outputs, provider inputs, stack
outputs, secret config) and of every credential-looking key given in plain text is collected, and
any occurrence in a message, a diagnostic or report data is replaced by "[secret]", as the Pulumi
CLI masks secrets in its output. Like the CLI, values shorter than three characters and
true/false are not masked (they would mask ordinary text); JSON-escaped forms are, since a policy
may quote properties as JSON; so are the escaped forms documents use (HTML, XML, Markdown tables).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from soc2_policies.conventions import is_credential_key

from . import properties as props
from .project import SECRET_PLACEHOLDER

MIN_LENGTH = 3
NEVER_MASKED = {"true", "false", props.UNKNOWN, props.REDACTED, SECRET_PLACEHOLDER}


def _escaped_forms(text: str) -> set[str]:
    """The forms `text` takes inside JSON strings, Python reprs, HTML/XML and Markdown table cells."""
    forms = {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1], repr(text)[1:-1],
             html.escape(text), html.escape(text, quote=False), text.replace("|", "\\|").replace("\n", "<br>")}
    xml = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    forms |= {xml, xml.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#09;")}
    go = json.dumps(text, ensure_ascii=False)[1:-1]  # Go's encoding/json also escapes <, > and &
    forms.add(go.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return forms


class Redactor:
    """Replaces known secret plaintexts, and values of credential-looking keys, with "[secret]"."""

    def __init__(self, plaintexts: Iterable[str] = ()):
        self.plaintexts = frozenset(t for t in plaintexts if len(t) >= MIN_LENGTH and t.lower() not in NEVER_MASKED
                                    and t not in NEVER_MASKED)
        forms = {form for text in self.plaintexts for form in _escaped_forms(text) if len(form) >= MIN_LENGTH}
        # Longest first, so a secret that contains another is masked whole.
        self._pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))) \
            if forms else None

    def with_plaintexts(self, more: Iterable[str]) -> "Redactor":
        return Redactor(self.plaintexts | set(more))

    def text(self, text: str) -> str:
        return self._pattern.sub(props.REDACTED, text) if self._pattern is not None and text else text

    def strings(self, value: Any) -> Any:
        """JSON-like data with every string masked (a copy, unless there is nothing to mask)."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.strings(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.strings(v) for v in value]
        return value

    def properties(self, value: Any) -> Any:
        """Resource properties safe to write: secrets and plain values of credential-looking keys masked too."""
        if props.is_secret(value):
            return props.REDACTED
        if isinstance(value, dict):
            return {k: props.REDACTED if _credential(k, v) else self.properties(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.properties(v) for v in value]
        return self.strings(value)


def _credential(key: str, value: Any) -> bool:
    """A credential-looking key holding a plain value (or a list of them), which no report may show."""
    leaves = value if isinstance(value, list) else [value]
    return bool(leaves) and all(_plain(leaf) for leaf in leaves) and _is_credential_key(key)


_is_credential_key = lru_cache(maxsize=8192)(is_credential_key)  # the same few hundred keys, on every resource


def _plain(value: Any) -> bool:
    """A literal string that may be a credential, as the pack's secrets policy judges it: numbers under such
    keys are ages and counts (maxPasswordAge), computed values and ARNs name a credential at most."""
    return isinstance(value, str) and value.strip() != "" and value != props.UNKNOWN and not value.startswith("arn:")


def secret_plaintexts(value: Any, inside_secret: bool = False) -> set[str]:
    """Plaintexts in engine-encoded properties: every scalar under a secret (and its JSON), and every plain
    value of a credential-looking key."""
    if props.is_secret(value):
        inner = value.get("value")
        found = secret_plaintexts(inner, True)
        if isinstance(inner, (dict, list)):
            plain = props.unwrap(inner)
            found |= {json.dumps(plain), json.dumps(plain, separators=(",", ":")), str(plain)}
        return found
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            if _credential(key, item):
                found |= {str(leaf) for leaf in (item if isinstance(item, list) else [item])}
            found |= secret_plaintexts(item, inside_secret)
        return found
    if isinstance(value, list):
        return {text for item in value for text in secret_plaintexts(item, inside_secret)}
    if inside_secret and isinstance(value, str):
        return {value} | _json_leaves(value)
    if inside_secret and isinstance(value, (int, float)) and not isinstance(value, bool):
        return {str(value)}
    return set()


def _json_leaves(text: str) -> set[str]:
    """A secret string holding a JSON document (a Secrets Manager secret string): its values are secret too."""
    if not text.lstrip().startswith(("{", "[")):
        return set()
    try:
        return secret_plaintexts(props.secret(json.loads(text)))
    except ValueError:
        return set()
