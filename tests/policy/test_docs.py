"""docs/policy.md documents every key of the policy and every lint code."""

from __future__ import annotations

import re

from garant.policy.models import Policy
from tests.conftest import REPO

DOC = (REPO / "docs" / "policy.md").read_text(encoding="utf-8")


def test_every_top_level_key_is_documented() -> None:
    missing = [k for k in Policy.model_fields if f"`{k}`" not in DOC]
    assert missing == []


def test_every_lint_code_is_documented() -> None:
    folder = REPO / "src" / "garant" / "policy"
    source = "".join(p.read_text(encoding="utf-8") for p in folder.glob("lint*.py"))
    codes = set(re.findall(r'Finding\(\s*"(?:error|warning)",\s*"([a-z0-9-]+)"', source))
    assert len(codes) >= 20
    assert sorted(c for c in codes if f"`{c}`" not in DOC) == []
