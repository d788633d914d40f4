"""S3: buckets, the split bucket resources, and the account-wide public access block."""

from __future__ import annotations

POLICIES: list = []
