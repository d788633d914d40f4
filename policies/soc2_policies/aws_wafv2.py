"""WAF v2 web ACLs and their associations."""

from __future__ import annotations

POLICIES: list = []
