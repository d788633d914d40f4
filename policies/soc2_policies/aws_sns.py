"""SNS: topics, topic policies and subscriptions."""

from __future__ import annotations

POLICIES: list = []
