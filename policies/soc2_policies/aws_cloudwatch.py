"""CloudWatch: log groups, alarms and CIS metric filters."""

from __future__ import annotations

POLICIES: list = []
