"""The policy pack's metadata, for all policy tests (the pack itself is started once in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pack_policies(soc2_pack):
    return {p.name: p for p in soc2_pack.info().policies}
