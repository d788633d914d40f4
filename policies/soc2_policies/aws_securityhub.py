"""Security Hub."""

from __future__ import annotations

POLICIES: list = []
