"""Inspector v2."""

from __future__ import annotations

POLICIES: list = []
