"""GitHub: repositories, branch protection, rulesets and organization settings."""

from __future__ import annotations

POLICIES: list = []
