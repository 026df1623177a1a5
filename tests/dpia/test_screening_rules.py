"""DPIA screening: Art. 35(3) cases, the CNIL's two lists (Art. 35(4), 35(5))."""

from __future__ import annotations

import pytest

from garant.dpia.rules import ART35_3, CNIL_EXEMPT, CNIL_LIST, cnil_label, screen


@pytest.mark.parametrize("case", sorted(ART35_3))
def test_art_35_3_cases_can_never_be_screened_out(case: str) -> None:
    """GDPR Art. 35(3): a DPIA "shall in particular be required" in cases (a) to (c); unlike
    the WP248 presumption, no reason sets it aside, and no CNIL exemption either."""
    result = screen([case], [], "we consider the risk low")
    assert result.required and not any("exception" in r for r in result.reasons)
    assert screen([case], ["supplier_relations"], None).required


def test_cnil_list_2018_327_as_amended_has_14_items_with_two_alert_schemes() -> None:
    """CNIL délibération n° 2018-327 (as amended by 2019-011): 14 types of processing always
    needing a DPIA; social/health alerts and professional alerts are two items."""
    assert len(CNIL_LIST) == 14
    assert {"social_health_alerts", "professional_alerts"} <= set(CNIL_LIST)
    assert "vulnerable" in CNIL_LIST["biometric_vulnerable"]
    assert screen([], ["social_health_alerts"], "reason").required
    # a screening stored before the split still reads
    assert screen([], ["whistleblowing"], None).required
    assert cnil_label("whistleblowing") == CNIL_LIST["professional_alerts"]


def test_cnil_no_dpia_list_2019_118_is_encoded() -> None:
    """CNIL délibération n° 2019-118 of 12 September 2019 (Art. 35(5)): 12 types of processing
    needing no DPIA; one of them exempts a processing the WP248 presumption would catch.
    Items 1-10 as quoted by two sources; item 12 (breathalysers) confirmed by a summary only,
    item 11 (access control and working hours) by none read (see the sources in rules.py)."""
    assert len(CNIL_EXEMPT) == 12
    presumed = ["sensitive_data", "vulnerable_subjects"]
    assert screen(presumed, [], None).required
    exempt = screen(presumed, ["individual_health_professional"], None)
    assert not exempt.required and "CNIL no-DPIA list" in exempt.reasons[-1]


def test_wp248_presumption_may_still_be_set_aside_with_a_reason() -> None:
    """WP248 rev.01: two criteria presume a DPIA; a reasoned exception is recorded."""
    result = screen(["large_scale", "matching_datasets"], [], "documented reason")
    assert not result.required and result.presumed


def test_screening_reasons_in_the_readers_language_and_a_cnil_item_imposed_in_any() -> None:
    """The reasons are read on French pages and in the dossier: in French there; whether
    the CNIL's list imposes the DPIA (policy check's error) never depends on their words."""
    from garant.i18n import language

    with language("fr"):
        result = screen(["sensitive_data", "large_scale"], ["social_health_alerts"], None)
    assert result.required and result.imposed
    assert result.reasons[0].startswith("Liste de la CNIL")
    assert "des neuf critères du CEPD" in result.reasons[1]
    assert not screen(["sensitive_data", "large_scale"], [], None).imposed
