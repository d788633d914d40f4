"""The shape of one resource in a `pulumi stack export` (deployment version 3), checked strictly.

Fields follow the CLI's apitype.ResourceV3; fields preflight does not read are let through. A
wrong shape anywhere is refused with where it is and what is allowed, rather than read as
something else (a string "true" is not `protect`, a map is not a list of dependencies).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .project import PreflightInputError


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class CustomTimeouts(_Strict):
    """Seconds, as the state stores them."""

    create: float | None = None
    update: float | None = None
    delete: float | None = None


class ExportResource(_Strict):
    urn: str
    type: str
    custom: bool | None = None
    delete: bool | None = None
    id: str | None = None
    parent: str | None = None
    provider: str | None = None
    inputs: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None
    dependencies: list[str] | None = None
    propertyDependencies: dict[str, list[str]] | None = None
    protect: bool | None = None
    ignoreChanges: list[str] | None = None
    additionalSecretOutputs: list[str] | None = None
    aliases: list[str] | None = None
    customTimeouts: CustomTimeouts | None = None
    retainOnDelete: bool | None = None
    deletedWith: str | None = None

    @field_validator("urn")
    @classmethod
    def _is_a_urn(cls, urn: str) -> str:
        if not urn.startswith("urn:pulumi:") or len(urn.split("::")) < 4:
            raise ValueError("not a URN (urn:pulumi:<stack>::<project>::<type>::<name>)")
        return urn


def parse_resource(resource: Any, where: str) -> ExportResource:
    """`resource` checked against the export's shape; `where` names it in the error (file and index)."""
    if not isinstance(resource, dict):
        raise PreflightInputError(f"{where} is not a resource: a {type(resource).__name__}, not an object "
                                  "with `urn` and `type`")
    try:
        return ExportResource.model_validate(resource)
    except ValidationError as err:
        first = err.errors()[0]
        if first["type"] == "missing":
            raise PreflightInputError(f"{where} is not a resource: it has no `{first['loc'][0]}` "
                                      "(every resource needs `urn` and `type`)") from None
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise PreflightInputError(f"{where}{field}: {_reason(first)}") from None


def _reason(error: dict[str, Any]) -> str:
    got = error.get("input")
    shown = repr(got) if isinstance(got, (str, int, float, bool)) or got is None else f"a {type(got).__name__}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{message[:1].lower()}{message[1:]} (got {shown})"
