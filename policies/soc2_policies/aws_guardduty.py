"""GuardDuty."""

from __future__ import annotations

POLICIES: list = []
