"""The real policy pack, started once for all policy tests."""

from __future__ import annotations

import pytest

from preflight.analyzer import PolicyPack
from tests.policies.harness import REPO


@pytest.fixture(scope="session")
def soc2_pack():
    with PolicyPack(REPO / "policies") as pack:
        pack.connect()
        yield pack


@pytest.fixture(scope="session")
def pack_policies(soc2_pack):
    return {p.name: p for p in soc2_pack.info().policies}
