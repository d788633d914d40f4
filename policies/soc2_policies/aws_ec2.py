"""EC2 and VPC: security groups and rules, subnets, flow logs, EBS and instances."""

from __future__ import annotations

POLICIES: list = []
