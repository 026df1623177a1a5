"""Issue 17's legal review: each correction with the primary source it follows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from garant.dpia.from_policy import screen_policy
from garant.policy.common import parse_duration
from garant.policy.countries import adequacy_gap
from garant.policy.lint import Finding, check_policy
from garant.policy.lint_law import consent_alone
from garant.policy.loader import parse_policy
from garant.policy.models import Policy
from garant.policy.statutes import BUILTIN_STATUTES
from garant.processors.rules import DATA, adequacy_decisions
from garant.retention.rules import archive_expiry, cutoffs, last_close, rule_spec, year_close

HEAD = """\
controller: {name: Test}
rights: {channels: [email], identity_proof: code}
"""
RULE = "retention_rules:\n  - {id: shop, duration: 3 years, start: collected}\n"


def _activity(**extra: str) -> str:
    lines = {
        "id": "shop",
        "name": "{fr: B, en: Shop}",
        "purposes": "[{fr: V, en: Sell}]",
        "legal_basis": "contract",
        "data_subjects": "[customers]",
        "data_categories": "[contact]",
        "retention": "shop",
    } | extra
    body = "\n".join(f"    {k}: {v}" for k, v in lines.items() if v != "-")
    return "activities:\n  - " + body.lstrip() + "\n"


def _codes(text: str, day: date | None = None) -> dict[str, Finding]:
    return {f.code: f for f in check_policy(parse_policy(text), day=day)}


# --- adequacy (GDPR Art. 45) ------------------------------------------------------------
def test_brazil_adequacy_implementing_decision_2026_179_from_its_date_of_effect() -> None:
    """Commission Implementing Decision (EU) 2026/179 of 26 January 2026 (Brazil), published
    in the OJ on 28 January 2026: in the lint's adequate set, counted from its date of
    effect, not of adoption."""
    brazil = adequacy_decisions()["BR"]
    assert brazil.decision == "Implementing Decision (EU) 2026/179"
    assert brazil.adopted == date(2026, 1, 26) and brazil.effective == date(2026, 1, 28)
    assert adequacy_gap("BR", within_scope=False, day=date(2026, 2, 1)) is None
    early = adequacy_gap("BR", within_scope=False, day=date(2026, 1, 27))
    assert early is not None and early[0] == "error" and "not in effect" in early[1]


def test_us_transfer_without_safeguard_fails_unless_dpf_certified() -> None:
    """Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework) covers only
    certified recipients: a US transfer with no safeguard is an error."""
    plain = "[{country: US, recipient: Mailer, mechanism: none}]"
    found = _codes(HEAD + _activity(transfers=plain) + RULE)
    assert found["transfer-no-safeguard"].severity == "error"
    assert "Data Privacy Framework" in found["transfer-no-safeguard"].message
    certified = (
        "[{country: US, recipient: Mailer, mechanism: adequacy, within_adequacy_scope: true}]"
    )
    assert "transfer-no-adequacy" not in _codes(HEAD + _activity(transfers=certified) + RULE)


def test_japan_and_korea_are_partial_scope_decisions() -> None:
    """Implementing Decisions (EU) 2019/419 (Japan: APPI business operators) and 2022/254
    (Korea: not credit information under FSC supervision) are partial: the DPO confirms the
    recipient is within scope."""
    for country in ("JP", "KR"):
        decision = adequacy_decisions()[country]
        assert decision.scope == "partial" and decision.note
        gap = adequacy_gap(country, within_scope=False, day=date(2026, 12, 6))
        assert gap is not None and gap[0] == "warning"
        assert adequacy_gap(country, within_scope=True, day=date(2026, 12, 6)) is None


def test_adequacy_list_is_dated_and_sourced() -> None:
    """processors/data/adequacy.yaml says when the list was read and where from."""
    text = DATA.read_text(encoding="utf-8")
    assert "List dated 2026-12-06" in text and "https://" in text
    assert all(d.effective is not None for d in adequacy_decisions().values())


# --- retention statutes -------------------------------------------------------------------
def _accounting_rule(year_end: str = "12-31") -> tuple[Policy, object]:
    text = (
        "controller: {name: T, financial_year_end: '" + year_end + "'}\n"
        "rights: {channels: [email], identity_proof: code}\n"
        "retention_rules:\n"
        "  - {id: invoices, duration: 0 days, start: issued,\n"
        "     archive: {duration: 10 years, statute: commercial_code_l123_22}}\n"
    )
    policy = parse_policy(text)
    return policy, rule_spec(policy.retention_rules[0], policy)


def test_l123_22_ten_years_from_the_close_of_the_financial_year() -> None:
    """Code de commerce art. L123-22: "Les documents comptables et les pièces justificatives
    sont conservés pendant dix ans", counted from the closing of the financial year: an
    invoice of 3 February 2020 is kept until the 31 December 2030, not 3 February 2030."""
    assert BUILTIN_STATUTES["commercial_code_l123_22"].counted_from == "financial_year_end"
    _, rule = _accounting_rule()
    assert archive_expiry(rule, date(2020, 2, 3)) == date(2030, 12, 31)  # type: ignore[arg-type]
    _, june = _accounting_rule("06-30")
    assert archive_expiry(june, date(2020, 2, 3)) == date(2030, 6, 30)  # type: ignore[arg-type]
    assert archive_expiry(june, date(2020, 7, 1)) == date(2031, 6, 30)  # type: ignore[arg-type]


def test_l123_22_set_based_cutoff_agrees_with_each_rows_expiry() -> None:
    """The sweep's bound on the start date (one comparison in SQL) ends exactly the rows
    whose own expiry has come, for every day of four years and both year ends."""
    for year_end in ("12-31", "06-30"):
        _, rule = _accounting_rule(year_end)
        today = date(2031, 3, 15)
        bound = cutoffs(rule, today).archive  # type: ignore[arg-type]
        assert bound is not None
        for n in range(0, 4 * 366):
            start = date(2019, 1, 1) + timedelta(days=n)
            ended = archive_expiry(rule, start) <= today  # type: ignore[arg-type]
            assert ended == (start <= bound), (year_end, start)


def test_year_close_helpers() -> None:
    assert year_close(date(2025, 3, 1), (12, 31)) == date(2025, 12, 31)
    assert year_close(date(2025, 8, 1), (6, 30)) == date(2026, 6, 30)
    assert last_close(date(2025, 3, 1), (6, 30)) == date(2024, 6, 30)
    assert last_close(date(2025, 6, 30), (6, 30)) == date(2025, 6, 30)


def test_cmf_l561_12_binds_only_l561_2_entities_from_the_end_of_the_relationship() -> None:
    """Code monétaire et financier art. L561-12 obliges the persons of art. L561-2 (banks,
    payment institutions, insurers...) and runs from the end of the relationship or the
    operation: a shop citing it gets a warning, a declared L561-2 entity does not."""
    statute = BUILTIN_STATUTES["monetary_code_l561_12"]
    assert statute.applies_to is not None and "L561-2" in statute.applies_to.en
    assert statute.counted_from == "end_of_relationship"
    rule = (
        "retention_rules:\n  - {id: shop, duration: 3 years, start: collected,\n"
        "     archive: {duration: 5 years, statute: monetary_code_l561_12}}\n"
    )
    found = _codes(HEAD + _activity() + rule)
    assert found["statute-not-applicable"].severity == "warning"
    assert found["statute-start"].severity == "warning"
    bank = HEAD.replace("{name: Test}", "{name: Bank, aml_obliged: true}")
    ended = rule.replace("start: collected", "start: relationship_end")
    assert not {"statute-not-applicable", "statute-start"} & set(_codes(bank + _activity() + ended))


def test_consumer_code_threshold_in_d213_1_ten_years_from_delivery() -> None:
    """Code de la consommation art. D213-1 sets the 120 euro threshold; the 10 years run from
    the delivery of the goods or the performance of the service when it is not immediate."""
    statute = BUILTIN_STATUTES["consumer_code_l213_1"]
    assert "D213-1" in statute.reference
    assert statute.counted_from == "delivery"


# --- minors (Loi 78-17 art. 45) -----------------------------------------------------------
def test_minors_consent_alone_from_15_in_france_joint_below() -> None:
    """Loi n° 78-17 art. 45: a minor may consent alone to an information society service
    from 15; below, consent is given jointly with the holder(s) of parental authority."""
    assert consent_alone(15) and not consent_alone(14)
    purpose = (
        "consent_purposes:\n  - {id: news, activity: shop, label: {fr: N, en: N}, "
        "text: {fr: T, en: T}}\n"
    )
    activity = _activity(legal_basis="consent", consent_purpose="news", data_subjects="[minors]")
    found = _codes(HEAD + activity + RULE + purpose)
    assert found["minors-consent"].severity == "warning" and "15" in found["minors-consent"].message
    joint = purpose.replace(
        "text: {fr: T, en: T}}", "text: {fr: T, en: T}, minors_joint_consent: true}"
    )
    assert "minors-consent" not in _codes(HEAD + activity + RULE + joint)


# --- DPO (Art. 37) and DPIA (Art. 35) -----------------------------------------------------
def test_public_body_without_dpo_is_an_error() -> None:
    """GDPR Art. 37(1)(a): a public authority or body designates a DPO."""
    public = HEAD.replace("{name: Test}", "{name: Mairie, kind: public_body}")
    found = _codes(public + _activity() + RULE)
    assert found["dpo-required"].severity == "error" and "37(1)(a)" in found["dpo-required"].message
    with_dpo = public + "contacts: {dpo: {name: DPO, email: dpo@example.org}}\n"
    assert "dpo-required" not in _codes(with_dpo + _activity() + RULE)


def test_core_activity_of_art9_data_at_scale_needs_a_dpo() -> None:
    """GDPR Art. 37(1)(c): core activities of large-scale Art. 9 or 10 data."""
    text = (
        HEAD
        + "special_categories: {processed: true}\n"
        + _activity(
            data_categories="[contact, health]",
            art9_condition="health_care",
            large_scale="true",
            core_activity="true",
        )
        + RULE
    )
    assert "37(1)(c)" in _codes(text)["dpo-required"].message


def test_minors_and_health_data_at_scale_flag_a_dpia_from_the_policy() -> None:
    """GDPR Art. 35(3)(b): Art. 9 data on a large scale always needs a DPIA; screened from the
    activity's own declarations, never set aside by a reason."""
    activity = _activity(
        data_subjects="[minors, guardians]",
        data_categories="[contact, health]",
        art9_condition="substantial_public_interest",
        large_scale="true",
        dpia_exception="'we think it is fine'",
    )
    text = HEAD + "special_categories: {processed: true}\n" + activity + RULE
    found = _codes(text)
    assert found["dpia-required"].severity == "error"
    assert "Art. 35(3)(b)" in found["dpia-required"].message
    screening = screen_policy(parse_policy(text))[0]
    assert {"sensitive_data", "vulnerable_subjects", "large_scale"} <= set(screening.criteria)
    recorded = text + "accountability: {dpias: [{id: d1, activity: shop}]}\n"
    assert "dpia-required" not in _codes(recorded)


# --- durations ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "fr", "en"),
    [
        ("30 minutes", "30 minutes", "30 minutes"),
        ("1 an", "1 an", "1 year"),
        ("2 hours 30 minutes", "2 heures et 30 minutes", "2 hours and 30 minutes"),
    ],
)
def test_durations_from_minutes_to_years(text: str, fr: str, en: str) -> None:
    duration = parse_duration(text)
    assert duration.words("fr") == fr and duration.words("en") == en
