"""The policy model: strict, both examples load, lookups, the taxonomy, legal bases."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta

from garant.errors import LocatedError, NotFound
from garant.policy.activity_model import LEGAL_BASES
from garant.policy.loader import parse_policy
from garant.policy.models import Policy
from garant.policy.taxonomy import CATEGORIES, RegisterGroup, category

BASE = """\
controller:
  name: Test
"""


def test_both_examples_load_with_every_section(af: Policy, dn: Policy) -> None:
    for policy in (af, dn):
        assert policy.activities and policy.retention_rules and policy.forms
        assert policy.rights is not None and policy.breaches is not None
        assert policy.timezone == "Europe/Paris" and policy.country == "FR"
        assert policy.languages == ["fr", "en"]
    assert af.controller.name == "Alliance Française de Paris"


def test_af_p1_one_activity_per_published_purpose(af: Policy) -> None:
    """AF-P1: offers, registration, newsletter, contact requests, member area."""
    ids = {a.id for a in af.activities}
    assert {"offers", "registration", "newsletter", "contact", "member_area"} <= ids


def test_def_p1_eleven_purposes_in_the_register(dn: Policy) -> None:
    """DEF-P1: eleven purposes, from file processing to rights requests."""
    tagged = [a for a in dn.activities if "DEF-P1" in a.promises]
    assert len(tagged) == 11
    assert tagged[0].name.en == "File processing"
    assert tagged[-1].id == "rights_requests"


def test_def_o1_every_activity_belongs_to_an_entity_of_the_group(dn: Policy) -> None:
    """DEF-O1: one policy for several entities."""
    assert dn.controller.kind == "group"
    entities = {e.id for e in dn.entities}
    assert entities == {"def-network", "def-training", "def-events"}
    assert all(a.entity in entities for a in dn.activities)
    assert [a.id for a in dn.activities_of("def-events")] == ["events"]


def test_def_o1_a_group_activity_without_entity_is_refused() -> None:
    text = """\
controller:
  kind: group
  name: G
  entities: [{id: a, name: A}]
activities:
  - id: x
    name: {fr: X, en: X}
    purposes: [{fr: x, en: x}]
    legal_basis: contract
    data_subjects: [customers]
    data_categories: [contact]
"""
    with pytest.raises(LocatedError) as err:
        parse_policy(text)
    assert "policy.yaml:6:5: activities[0].entity: is required" in str(err.value)


def test_af_l1_legal_bases_are_the_six_of_article_6(af: Policy) -> None:
    """AF-L1: one legal basis per activity, among the GDPR's six."""
    assert set(LEGAL_BASES) == {
        "consent",
        "contract",
        "legal_obligation",
        "vital_interests",
        "public_task",
        "legitimate_interests",
    }
    assert {a.legal_basis for a in af.activities} == {
        "consent",
        "contract",
        "legal_obligation",
        "legitimate_interests",
    }
    improvement = af.activity("service_improvement")
    assert improvement.legitimate_interest is not None


def test_lookups_raise_not_found_naming_what_exists(af: Policy) -> None:
    assert af.activity("newsletter").consent_purpose == "newsletter"
    assert af.consent_purpose("newsletter").activity == "newsletter"
    assert af.form("registration").activity == "registration"
    assert af.processor("mailer").name == "Brevo"
    with pytest.raises(NotFound, match='no processing activity "nope".*known: offers'):
        af.activity("nope")
    with pytest.raises(NotFound, match="retention rule"):
        af.retention_rule("nope")
    with pytest.raises(NotFound, match="entity"):
        af.entity("nope")


def test_durations_are_relativedeltas(af: Policy) -> None:
    assert af.retention_rule("registration").duration.delta == relativedelta(months=14)
    assert af.retention_rule("newsletter").duration.delta == relativedelta(years=3)
    assert af.rights is not None
    assert af.rights.deadlines.reply.delta == relativedelta(months=1)


def test_def_c2_taxonomy_covers_the_published_categories() -> None:
    """DEF-C2, DEF-C3: identification, contact, photo, professional life, banking, personal
    life; technical IP, logs and consent clicks; Art. 9 and Art. 10 flagged."""
    for cid in (
        "identification",
        "contact",
        "image",
        "professional",
        "financial",
        "personal_life",
        "connection",
        "consent_proof",
        "internet",
    ):
        assert cid in CATEGORIES
    assert category("connection").technical and category("consent_proof").technical
    assert category("health").art9 and category("criminal").art10
    assert category("national_id").nir and category("national_id").sensitive
    assert category("financial").group is RegisterGroup.ECONOMIC_FINANCIAL
    with pytest.raises(NotFound):
        category("shoe_size")


def test_def_c2_photo_is_bound_to_an_image_rights_consent(dn: Policy) -> None:
    """DEF-C2: a photo only when the right is granted."""
    events = dn.activity("events")
    assert "image" in events.data_categories
    assert dn.consent_purpose("image_rights").activity == "events"


def test_def_c4_the_policy_declares_no_special_categories(dn: Policy) -> None:
    assert dn.processes_special_categories is False
    assert "DEF-C4" in dn.special_categories.promises


def test_flat_contract_keys_are_accepted() -> None:
    policy = parse_policy(
        BASE + "hosting_country: FR\nprocesses_special_categories: false\n"
        "exclusive_recipient: true\n"
    )
    assert policy.hosting_country == "FR"
    assert policy.exclusive_recipient and not policy.processes_special_categories


def test_af_f1_mandatory_fields_carry_a_legal_nature_and_consequence(af: Policy) -> None:
    """AF-F1, AF-C2: mandatory fields say why and what happens without them."""
    for form in af.forms:
        for fld in form.fields:
            if fld.mandatory:
                assert fld.legal_nature == "contractual" and fld.consequence is not None


def test_def_s3_recipient_categories(dn: Policy) -> None:
    """DEF-S3: employees, providers, lawyers and bailiffs, courts, administration."""
    kinds = {r.id: r.kind for r in dn.recipients}
    assert kinds == {
        "staff": "internal",
        "providers": "processor",
        "legal_professionals": "external",
        "courts": "authority",
        "administration": "authority",
    }


def test_def_d2_identity_document_required_per_entity(dn: Policy, af: Policy) -> None:
    """DEF-D2: identity proof configurable per entity; AF-X1: a customer number."""
    assert dn.rights is not None and af.rights is not None
    assert dn.rights.for_entity("def-events")[0] == "document"
    assert af.rights.for_entity(None)[0] == "customer_number"
    assert af.rights.channels == ["web", "email", "post"]


def test_af_x2_deadlines_one_month_plus_two(af: Policy) -> None:
    assert af.rights is not None
    assert str(af.rights.deadlines.reply) == "1 month"
    assert str(af.rights.deadlines.extension) == "2 months"


def test_af_sec2_def_sp1_processors_have_article_28_contracts(af: Policy, dn: Policy) -> None:
    """AF-SEC2, DEF-SP1: processors register with contract, clauses, dates, audits."""
    for policy in (af, dn):
        for p in policy.processors:
            assert p.contract.signed is not None and len(p.contract.clauses) == 8
    assert dn.processor("hosting").audits[0].result == "conforme"


def test_af_p2_purpose_compatibility(af: Policy) -> None:
    """AF-P2: data collected for A serves B only if B declares A compatible (else consent)."""
    assert af.compatible("registration", "service_improvement")
    assert af.compatible("newsletter", "newsletter")
    assert not af.compatible("registration", "offers")
    assert not af.compatible("service_improvement", "registration")
    with pytest.raises(NotFound):
        af.compatible("nope", "offers")


def test_af_r5_rules_over_garants_own_records(af: Policy) -> None:
    rule = af.rule_governing("rights_requests")
    assert rule is not None and rule.id == "rights_requests"
    assert af.rule_governing("nothing") is None
