"""Secrets in resource inputs, whatever the provider."""

from __future__ import annotations

POLICIES: list = []
