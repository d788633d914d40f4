"""What the policy pack's resource-type catalog says about a type, for the components.

A component registers its resources with the backup plan and with the alarms as the catalog says
(which types AWS Backup must protect, which CloudWatch dimension names a resource), so what the
components build and what the pack requires come from one place and cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def _catalog() -> Any:
    try:
        from soc2_policies import catalog
    except ImportError:  # a checkout: the pack lives beside the components, as it does for preflight
        sys.path.append(str(Path(__file__).resolve().parent.parent / "policies"))
        from soc2_policies import catalog
    return catalog


def dimension_key(resource_type: str) -> str:
    """The CloudWatch metric dimension that names a resource of this type."""
    entry = _catalog().get(resource_type)
    if entry is None or entry.dimension is None:
        raise ValueError(f"the resource-type catalog names no CloudWatch dimension for {resource_type}")
    return entry.dimension.key


def needs_backup(resource_type: str) -> bool:
    """Whether the pack requires resources of this type in an AWS Backup selection."""
    entry = _catalog().get(resource_type)
    return bool(entry and entry.backup)
