"""Property values as the engine encodes them: secrets, unknowns and resource references.

The engine hands analyzers properties with unknowns kept as sentinel strings and secrets kept as
signature objects. Records here hold that JSON form; `redacted` is what reports may write.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
REDACTED = "[secret]"


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as plain JSON data, with integral numbers as ints and resource references downgraded."""
    return _normalize(json_format.MessageToDict(struct))


def to_struct(data: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(data)
    return struct


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def is_unknown(value: Any) -> bool:
    return value == UNKNOWN


def redacted(value: Any) -> Any:
    """A copy safe to write to disk: every secret's plaintext replaced by "[secret]"."""
    if is_secret(value):
        return REDACTED
    if isinstance(value, dict):
        return {k: redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


def unwrap(value: Any) -> Any:
    """The plain value, secrets opened; what a policy sees through the pulumi-policy SDK."""
    if is_secret(value):
        return unwrap(value.get("value"))
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def _normalize(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_SIG:
            # Analyzers never see resource references: the engine downgrades them to the id, else the URN.
            return value.get("id") or value.get("urn", "")
        return {k: _normalize(v) for k, v in value.items()}
    return value
