"""KMS: customer-managed keys and aliases."""

from __future__ import annotations

POLICIES: list = []
