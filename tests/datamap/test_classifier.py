"""The column classifier: categories from names and sampled values, with their evidence."""

from __future__ import annotations

from datetime import date

import pytest

from garant.datamap.classifier import classify_column, split_name
from garant.policy.taxonomy import ART9, ART10, CATEGORIES


def test_split_name_reads_camel_case_and_separators() -> None:
    assert split_name("BillingPostalCode") == "billing_postal_code"
    assert split_name("e-mail Address") == "e_mail_address"
    assert split_name("customerID") == "customer_id"


@pytest.mark.parametrize(
    ("name", "family", "values", "kind", "category"),
    [
        (
            "email",
            "text",
            ["MARY.SMITH@sakilacustomer.org", "a@b.fr", "x@y.com"],
            "email",
            "contact",
        ),
        (
            "Phone",
            "text",
            ["+1 (780) 428-9482", "+55 (12) 3923-5555", "6172235589"],
            "phone",
            "contact",
        ),
        ("first_name", "text", ["MARY", "PATRICIA", "Linda"], "first_name", "identification"),
        ("LastName", "text", ["Smith", "Martin", "Garcia"], "last_name", "identification"),
        (
            "address",
            "text",
            ["47 MySakila Drive", "12 rue de la Paix", "1913 Hanoi Way"],
            "postal_address",
            "contact",
        ),
        ("PostalCode", "text", ["75001", "T6G 2C7", "12227-000"], "postal_code", "contact"),
        (
            "date_of_birth",
            "date",
            [date(1980, 5, 1), date(1975, 1, 2), date(2001, 3, 4)],
            "birth_date",
            "identification",
        ),
        (
            "password",
            "text",
            ["8cb2237d0679ca88db6464eac60da96345513964"] * 3,
            "password_hash",
            "credentials",
        ),
        (
            "notes",
            "text",
            ["Called twice about the delivery, asked for a refund next week"] * 3,
            "free_text",
            "communications",
        ),
    ],
)
def test_names_confirmed_by_values(
    name: str, family: str, values: list[object], kind: str, category: str
) -> None:
    proposal = classify_column(name, family, values)
    assert (proposal.kind, proposal.category) == (kind, category)
    assert category in CATEGORIES
    assert proposal.confidence == "high"
    assert any(e.startswith("name matches") for e in proposal.evidence)
    assert any(f"of {len(values)} sampled values" in e for e in proposal.evidence)


@pytest.mark.parametrize(
    ("values", "kind", "category"),
    [
        (["a@b.fr", "jean.dupont@example.org", "x@y.com", "z@w.de"], "email", "contact"),
        (
            ["FR1420041010050500013M02606", "DE89370400440532013000", "GB82WEST12345698765432"],
            "iban",
            "financial",
        ),
        (
            ["4111111111111111", "5500 0000 0000 0004", "4012888888881881"],
            "payment_card",
            "payment_card",
        ),
        (
            ["2 95 10 99 126 111 93", "295109912611193", "1 84 12 76 451 089 46"],
            "nir",
            "national_id",
        ),
        (["10.0.0.1", "2001:db8::1", "192.168.1.20"], "ip_address", "connection"),
        (
            ["$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"] * 3,
            "password_hash",
            "credentials",
        ),
    ],
)
def test_checked_values_alone_decide_under_any_name(
    values: list[object], kind: str, category: str
) -> None:
    proposal = classify_column("col7", "text", values)
    assert (proposal.kind, proposal.category) == (kind, category)
    assert proposal.evidence == (proposal.evidence[0],) and proposal.evidence[0].startswith(
        f"{len(values)} of {len(values)} sampled values"
    )


def test_luhn_failures_and_plain_numbers_are_not_cards() -> None:
    assert classify_column("ref", "text", ["4111111111111112"] * 5).kind is None
    assert classify_column("invoice_no", "text", ["12345678", "23456789", "34567890"]).kind is None
    assert classify_column("customer_id", "integer", [1, 2, 3, 4]).kind is None


def test_evidence_counts_partial_matches() -> None:
    proposal = classify_column("contact", "text", ["a@b.fr"] * 9 + ["not an email"])
    assert proposal.kind == "email"
    assert "9 of 10 sampled values are valid email addresses" in proposal.evidence[0]
    weak = classify_column("contact", "text", ["a@b.fr"] * 5 + ["n/a"] * 5)
    assert weak.kind is None  # half is not enough without a name saying so


def test_name_without_sample_is_medium_and_identity_proposed() -> None:
    proposal = classify_column("EmailAddress", "text", [])
    assert (proposal.kind, proposal.confidence, proposal.identity) == ("email", "medium", "email")
    assert classify_column("mobile_phone", "text", ["06 12 34 56 78"] * 3).identity == "phone"


def test_non_personal_columns_get_no_category() -> None:
    for name, family, values in [
        ("last_update", "datetime", []),
        ("rental_rate", "numeric", [2.99, 4.99]),
        ("title", "text", ["ACADEMY DINOSAUR", "ACE GOLDFINGER", "ADAPTATION HOLES"]),
    ]:
        proposal = classify_column(name, family, values)
        assert proposal.category is None and proposal.special == ()


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("health_condition", ["asthma"] * 3, "health"),
        ("religion", ["catholic", "muslim", "none"], "religious_beliefs"),
        ("political_party", ["x", "y", "z"], "political_opinions"),
        ("trade_union_member", [True, False, True], "trade_union"),
        ("sexual_orientation", ["x"] * 3, "sex_life"),
        ("ethnic_origin", ["x"] * 3, "racial_ethnic_origin"),
        ("criminal_record", ["x"] * 3, "criminal"),
    ],
)
def test_def_c4_art9_and_art10_columns_are_flagged(
    name: str, values: list[object], expected: str
) -> None:
    """DEF-C4: a discovery scan flags columns that look like Art. 9 (or Art. 10) data."""
    proposal = classify_column(name, "text", values)
    assert expected in proposal.special
    assert proposal.category == expected
    assert expected in ART9 | ART10
    assert any("column name matches" in e for e in proposal.special_evidence)


def test_def_c4_art9_words_inside_free_text_are_flagged_with_counts() -> None:
    """DEF-C4: free text naming diagnoses is flagged even when the column name is neutral."""
    values = ["Patient reports asthma since 2019, inhaler prescribed by her doctor"] * 4 + [
        "Asked to move the appointment to Tuesday morning please"
    ] * 4
    proposal = classify_column("remarks", "text", values)
    assert proposal.category == "communications"
    assert proposal.special == ("health",)
    assert "4 of 8 sampled values use words of health data" in proposal.special_evidence


def test_def_c4_table_name_flags_its_columns() -> None:
    """DEF-C4: a column of a table named after health data is flagged by the table's name."""
    proposal = classify_column("label", "text", ["a", "b", "c"], table="MedicalRecords")
    assert proposal.special == ("health",)
    assert proposal.special_evidence[0].startswith("table name matches")
    assert proposal.category is None  # the column itself: only the flag, for a person to read


def test_ordinary_columns_are_not_flagged_as_art9() -> None:
    for name in ("first_name", "email", "gender", "sex", "description", "reunion_date"):
        assert classify_column(name, "text", ["x"]).special == (), name


def test_key_columns_are_not_classified_by_their_name() -> None:
    assert classify_column("address_id", "integer", [1, 2, 3]).kind is None
    assert classify_column("AddressId", "integer", [1, 2, 3]).kind is None


def test_phone_named_column_counts_numbers_without_country_code() -> None:
    """Pagila's phones lack their country code: possible numbers and shapes both shown."""
    values = ["28303384290", "6172235589", "491271355190", "44864028525"]
    proposal = classify_column("phone", "text", values)
    assert proposal.kind == "phone" and proposal.confidence == "high"
    assert "4 of 4 sampled values are phone-shaped digit strings" in proposal.evidence
    assert any("possible phone numbers (phonenumbers)" in e for e in proposal.evidence)
    # Without the name, digit strings are not taken for phones.
    assert classify_column("code", "text", values).kind is None
