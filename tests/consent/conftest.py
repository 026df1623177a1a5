"""Fixtures of the consent tests: a Garant on the consent test policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from garant.app import Garant
from tests.consent.policy import POLICY


@pytest.fixture
def cg(make_garant: Callable[..., Garant], store_url: str) -> Garant:
    """On SQLite and PostgreSQL."""
    return make_garant(policy=POLICY, url=store_url)


@pytest.fixture
def sg(make_garant: Callable[..., Garant], tmp_path: Path) -> Garant:
    """On SQLite only (surfaces, cookies, tokens: the store does not change their logic)."""
    return make_garant(policy=POLICY, url=f"sqlite:///{tmp_path / 'consent.db'}")
