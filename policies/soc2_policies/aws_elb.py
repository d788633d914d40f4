"""Load balancers (ALB and classic ELB): load balancers, listeners, target groups."""

from __future__ import annotations

POLICIES: list = []
