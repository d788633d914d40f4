"""Datadog monitors."""

from __future__ import annotations

POLICIES: list = []
