"""Which resources a production-only rule (Multi-AZ, failover, dedicated masters) applies to: those
whose soc2:environment tag names a production environment, and untagged ones, taken as production."""

from __future__ import annotations

from typing import Any, Mapping

from .checks import list_schema
from .conventions import ENVIRONMENT_TAG
from .framework import Resource

PRODUCTION = ["prod", "production"]


def schema(what: str) -> dict[str, Any]:
    return {"environments": list_schema(PRODUCTION, f"Environments ({ENVIRONMENT_TAG} tag) where {what} is "
                                                    "required; untagged resources too.")}


def scope(r: Resource, config: Mapping[str, Any]) -> str | None:
    """How a message names the resource's environment, or None when the rule does not apply to it."""
    environment = r.str(f"tags.{ENVIRONMENT_TAG}")
    if environment is not None and environment not in config["environments"]:
        return None
    return f"environment {environment}" if environment else "untagged (taken as production)"
