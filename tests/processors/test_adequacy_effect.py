"""Adequacy decisions count from their date of effect, not of adoption (issue 17's review).

The decisions under Directive 95/46/EC (Art. 25(6)) were addressed to the Member States
and took effect on notification (Art. 254(3) EC, Art. 297(2) TFEU); Art. 45(9) GDPR kept
them in force. ``processors/data/adequacy.yaml`` gives each date with its source.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from garant.policy.countries import adequacy_gap
from garant.policy.lint import Finding, check_policy
from garant.policy.loader import parse_policy
from garant.processors.rules import DATA, adequacy_decisions, transfer_problems

POLICY = """\
controller: {name: Test}
rights: {channels: [email], identity_proof: code}
activities:
  - id: shop
    name: {fr: B, en: Shop}
    purposes: [{fr: V, en: Sell}]
    legal_basis: contract
    data_subjects: [customers]
    data_categories: [contact]
    retention: shop
    transfers: [{country: CH, recipient: Host, mechanism: adequacy}]
retention_rules:
  - {id: shop, duration: 3 years, start: collected}
"""
PRE_GDPR = sorted(code for code, d in adequacy_decisions().items() if d.adopted.year < 2019)


def _transfer_findings(day: date) -> list[Finding]:
    found = check_policy(parse_policy(POLICY), day=day)
    return [f for f in found if f.code.startswith("transfer-")]


def test_every_pre_gdpr_decision_has_a_sourced_date_of_effect_after_adoption() -> None:
    assert PRE_GDPR == ["AD", "AR", "CA", "CH", "FO", "GG", "IL", "IM", "JE", "NZ", "UY"]
    for code in PRE_GDPR:
        decision = adequacy_decisions()[code]
        assert decision.effective is not None and decision.effective >= decision.adopted
        assert decision.effect_source and "notification" in decision.effect_source
        assert f"DPV Adequacy-EU-{code}" in decision.effect_source
    # the dates that differ from adoption: the old file used adoption for all of them
    moved = [
        c for c in PRE_GDPR if adequacy_decisions()[c].effective != adequacy_decisions()[c].adopted
    ]
    assert moved == ["AD", "AR", "CA", "CH", "FO", "IL", "IM", "JE", "NZ", "UY"]
    text = DATA.read_text(encoding="utf-8")
    assert "Art. 297(2) TFEU" in text and "Art. 45(9) GDPR" in text
    assert "time:hasBeginning" in text and "https://raw.githubusercontent.com/w3c/dpv/" in text


def test_policy_lint_counts_switzerland_from_its_date_of_effect_not_adoption() -> None:
    """Decision 2000/518/EC: adopted 26 July 2000, in effect (DPV; OJ L 215 of 25 August
    2000) from 25 August 2000. A transfer relying on it in between is an error."""
    switzerland = adequacy_decisions()["CH"]
    assert (switzerland.adopted, switzerland.effective) == (date(2000, 7, 26), date(2000, 8, 25))
    between = _transfer_findings(date(2000, 8, 1))
    assert [f.code for f in between] == ["transfer-no-adequacy"]
    assert between[0].severity == "error"
    assert "not in effect on" in between[0].message and "2000" in between[0].message
    assert _transfer_findings(date(2000, 8, 25)) == []
    assert _transfer_findings(date(2026, 12, 6)) == []


@pytest.mark.parametrize("code", PRE_GDPR)
def test_each_decision_starts_on_its_effect_day(code: str) -> None:
    decision = adequacy_decisions()[code]
    assert decision.effective is not None
    scope = decision.scope == "partial"
    assert adequacy_gap(code, within_scope=scope, day=decision.effective) is None
    if decision.effective > decision.adopted:
        gap = adequacy_gap(code, within_scope=scope, day=decision.effective - timedelta(days=1))
        assert gap is not None and gap[0] == "error"


def test_processors_register_uses_the_same_date() -> None:
    """The processors register's transfer check reads the same dates as the lint."""

    class Processor:
        countries = ["CH"]
        mechanism = "adequacy"
        dpf_certified = False
        scc_module = None
        tia_date = None

    before = transfer_problems(Processor(), date(2000, 8, 24))
    after = transfer_problems(Processor(), date(2000, 8, 25))
    assert any("no adequacy decision in force" in p for p in before), before
    assert after == []
