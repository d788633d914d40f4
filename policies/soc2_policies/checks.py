"""Check builders for the common shapes: a flag that must be on or off, a value that must be set,
a number that must reach a configured threshold, a value from an allowed list."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .framework import Resource, ResourceCheck


def shown(value: Any) -> str:
    """A property value as a message shows it (numbers arrive from protobuf as floats)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "unset" if value is None else repr(value)


def flag_on(path: str, what: str, default: bool = False) -> ResourceCheck:
    """`path` must be true; a missing value is the AWS default `default`."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        value = r.get(path)
        if (value if isinstance(value, bool) else (default if value is None else False)) is not True:
            yield f"{what}: {path} is {shown(value)}, not true"
    return check


def flag_off(path: str, what: str) -> ResourceCheck:
    """`path` must not be true (missing means false)."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        if r.get(path) is True:
            yield f"{what}: {path} is true"
    return check


def is_set(path: str, what: str) -> ResourceCheck:
    """`path` must be set; a value computed at deploy time counts as set."""
    def check(r: Resource, _: Mapping[str, Any]) -> Iterable[str]:
        if not r.is_set(path):
            yield f"{what}: {path} is not set"
    return check


def at_least(path: str, key: str, what: str, missing: float | None = None) -> ResourceCheck:
    """The number at `path` must reach config[key]; `missing` is the AWS default when unset."""
    def check(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        value = r.number(path) if r.get(path) is not None else missing
        if value is None or value < config[key]:
            yield f"{what}: {path} is {shown(r.get(path))}, below the minimum of {shown(config[key])}"
    return check


def at_most(path: str, key: str, what: str) -> ResourceCheck:
    def check(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        value = r.number(path)
        if value is None or value > config[key]:
            yield f"{what}: {path} is {shown(r.get(path))}, above the maximum of {shown(config[key])}"
    return check


def one_of(path: str, key: str, what: str) -> ResourceCheck:
    """The value at `path` must be one of config[key]."""
    def check(r: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        value = r.get(path)
        if value not in config[key]:
            yield f"{what}: {path} is {shown(value)}; allowed: {', '.join(map(str, config[key]))}"
    return check


def minimum_schema(default: float, description: str, floor: float = 0) -> dict[str, Any]:
    return {"type": "number", "minimum": floor, "default": default, "description": description}


def list_schema(default: list[Any], description: str, item_type: str = "string") -> dict[str, Any]:
    return {"type": "array", "items": {"type": item_type}, "default": default, "description": description}
