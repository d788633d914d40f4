"""Secrets Manager."""

from __future__ import annotations

POLICIES: list = []
