"""Retention as rules: durations, start events, holds, archive phases and statutes."""

from __future__ import annotations

from garant.policy.models import Policy


def test_af_r1_registration_kept_14_months_held_while_active(af: Policy) -> None:
    rule = af.retention_rule("registration")
    assert str(rule.duration) == "14 months"
    assert {"active_learner", "open_contract"} <= set(rule.held_while)


def test_af_r2_newsletter_three_years_from_the_latest_contact(af: Policy) -> None:
    """AF-R2: collection, last click or documentation request; opening an email or a mail
    sent by the organization do not count."""
    rule = af.retention_rule("newsletter")
    assert str(rule.duration) == "3 years"
    assert rule.start.latest == ["collected", "last_click", "documentation_request"]
    assert set(rule.start.ignored) == {"email_open", "mail_sent"}


def test_af_r3_contact_requests_one_year_after_processing(af: Policy) -> None:
    rule = af.retention_rule("contact")
    assert str(rule.duration) == "1 year" and rule.start.latest == ["handled"]


def test_af_r4_def_r2_audience_thirteen_months(af: Policy, dn: Policy) -> None:
    for policy in (af, dn):
        assert str(policy.retention_rule("audience").duration) == "13 months"
        assert policy.cookie_policy is not None
        assert str(policy.cookie_policy.consent_lifetime) == "13 months"


def test_af_r5_r6_r7_garants_own_records(af: Policy) -> None:
    """AF-R5 requests archived 5 years; AF-R6 identity checks 1 year; AF-R7 suppression 3."""
    requests = af.retention_rule("rights_requests")
    assert requests.governs == "rights_requests" and requests.archive is not None
    assert str(af.archive_duration(requests)) == "5 years"
    assert str(af.retention_rule("identity_checks").duration) == "1 year"
    assert af.retention_rule("identity_documents").duration.approx_days == 0
    assert str(af.retention_rule("suppression").duration) == "3 years"


def test_af_r0_statutory_limitation_is_an_archive_phase(af: Policy) -> None:
    rule = af.retention_rule("registration")
    assert rule.archive is not None and "AF-R0" in rule.archive.promises
    assert af.statute(rule.archive.statute).reference == "Code civil, art. 2224"


def test_def_r1_customer_data_three_years_from_collection(dn: Policy) -> None:
    rule = dn.retention_rule("customers")
    assert str(rule.duration) == "3 years" and "collected" in rule.start.latest


def test_def_r3_archive_durations_per_record_type(dn: Policy) -> None:
    """DEF-R3: contracts 5 years, banking 5, orders 10, billing 10 (Code de commerce
    L123-22); electronic contracts >= 120 EUR: the seed's 2 years, but Garant keeps the
    consumer code's 10."""
    kept = {
        r: str(dn.archive_duration(dn.retention_rule(r)))
        for r in ("contracts", "banking", "orders", "accounting", "electronic_contracts")
    }
    assert kept == {
        "contracts": "5 years",
        "banking": "5 years",
        "orders": "10 years",
        "accounting": "10 years",
        "electronic_contracts": "10 years",
    }
    electronic = dn.retention_rule("electronic_contracts")
    assert electronic.archive is not None and str(electronic.archive.duration) == "2 years"
    assert dn.statute("commercial_code_l123_22").reference == "Code de commerce, art. L123-22"


def test_def_r4_def_r6_held_under_legal_hold_then_deleted(dn: Policy) -> None:
    rule = dn.retention_rule("customers")
    assert "legal_hold" in rule.held_while and rule.then == "delete"
