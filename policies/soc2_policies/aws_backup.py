"""AWS Backup: vaults, vault locks, plans and selections."""

from __future__ import annotations

POLICIES: list = []
