"""IAM: users, groups, policies, roles, the password policy and Access Analyzer."""

from __future__ import annotations

POLICIES: list = []
