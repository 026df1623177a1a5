"""Fixtures of the policy tests: the two example policies, a workspace per example."""

from __future__ import annotations

from pathlib import Path

import pytest

from garant.policy.loader import load_policy
from garant.policy.models import Policy
from tests.conftest import EXAMPLES, write_workspace


@pytest.fixture(scope="session")
def af() -> Policy:
    return load_policy(EXAMPLES / "alliance-francaise" / "policy.yaml")


@pytest.fixture(scope="session")
def dn() -> Policy:
    return load_policy(EXAMPLES / "def-network" / "policy.yaml")


@pytest.fixture
def af_ws(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "af", example="alliance-francaise")


@pytest.fixture
def def_ws(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "def", example="def-network")
