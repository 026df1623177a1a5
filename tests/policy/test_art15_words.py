"""The Art. 15 page a person reads speaks the policy's words (issue 17): events, legal
texts, Art. 9 conditions and transfers in words, never ids."""

from __future__ import annotations

from garant.policy.loader import load_policy
from garant.subjects.art15 import describe_activity
from tests.conftest import EXAMPLES


def test_art15_page_reads_in_words_for_the_public_body() -> None:
    policy = load_policy(EXAMPLES / "public-body" / "policy.yaml")
    page = dict(describe_activity(policy, "pch", "fr")["items"])
    assert any("le décès de la personne" in v for v in page.values())
    basis = next(v for v in page.values() if "L245-1" in v)
    assert "employment" not in basis and "RGPD art. 9(2)(b)" in basis
    assert not any("last_measure_end" in v or "substantial_public" in v for v in page.values())
