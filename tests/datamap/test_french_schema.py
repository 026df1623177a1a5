"""``datamap infer`` on a French public body's schema (issue 17): French column names,
SIRET/SIREN/NIR/IBAN recognised before the card rule, the person table chosen by its
identity columns and references (not the contact-requests table), benefit codes flagged
as possible Art. 9 data, incident descriptions as possible Art. 10."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from stdnum import luhn
from stdnum.fr import siren, siret

from garant.datamap.classifier import classify_column, split_name
from garant.datamap.infer import infer_system
from garant.demo.generate import generate_database


def _valid_sirets() -> list[str]:
    """Real-shaped SIRETs: a SIREN with its Luhn key, a NIC, the SIRET's Luhn key."""
    out = []
    for n in range(100, 130):
        s = f"{n:08d}"
        s += luhn.calc_check_digit(s)
        body = s + "0001"
        out.append(body + luhn.calc_check_digit(body))
    return out


def test_accents_go_before_name_rules() -> None:
    assert split_name("Prénom") == "prenom" and split_name("Téléphone") == "telephone"


@pytest.mark.parametrize(
    ("column", "kind", "category"),
    [
        ("nom", "last_name", "identification"),
        ("prénom", "first_name", "identification"),
        ("sexe", "civility", "identification"),
        ("date_naissance", "birth_date", "identification"),
        ("lieu_naissance", "birth_place", "identification"),
        ("adresse", "postal_address", "contact"),
        ("téléphone", "phone", "contact"),
        ("courriel", "email", "contact"),
        ("numero_dossier", "account_number", "identification"),
    ],
)
def test_french_column_names(column: str, kind: str, category: str) -> None:
    found = classify_column(column, "text", [])
    assert (found.kind, found.category) == (kind, category)


def test_siret_is_not_a_payment_card() -> None:
    """A SIRET (14 digits) carries INSEE's Luhn key: it is checked with python-stdnum's SIRET
    rule before the card rule, and recognised from its values alone."""
    values = _valid_sirets()
    assert all(siret.is_valid(v) for v in values)
    found = classify_column("etablissement", "text", values)
    assert found.kind == "siret" and found.category == "professional"
    sirens = [v[:9] for v in values]
    assert classify_column("code_entreprise", "text", sirens).kind == "siren"


def test_allowance_codes_flag_possible_art_9() -> None:
    """AEEH, AAH, PCH: a disability benefit tells the person's health (GDPR Art. 9)."""
    found = classify_column("prestation", "text", ["AEEH", "AAH", "PCH", "AAH", "RQTH"])
    assert "health" in found.special and any("health" in e for e in found.special_evidence)


def test_incident_descriptions_flag_possible_art_10() -> None:
    """Free-text incident reports (CCTV) describing offences: possible Art. 10 data."""
    reports = [
        "Vol à l'étalage constaté par la caméra 3, individu interpellé par la sécurité",
        "Dégradation du portail nord, plainte déposée au commissariat le lendemain matin",
        "Agression verbale à l'accueil, la police est intervenue vers 18 heures ce jour",
    ]
    found = classify_column("description", "text", reports)
    assert "criminal" in found.special


def test_person_table_is_the_register_of_persons_not_the_contact_requests(
    tmp_path: Path,
) -> None:
    """The MDPH demo schema plus a contact-requests table with names and emails: the person
    table is ``usagers`` (identity columns, references pointing at it); the requests table
    is not taken for it; SIRET values in a partners table are no cards."""
    url = f"sqlite:///{tmp_path / 'mdph.db'}"
    generate_database("public-body", url, persons=40, seed=5, record=False)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "create table demandes_contact (id integer primary key, nom text, "
                    "prenom text, courriel text, telephone text, message text)"
                )
            )
            conn.execute(
                text("create table partenaires (id integer primary key, nom text, siret text)")
            )
            for i in range(30):
                conn.execute(
                    text("insert into demandes_contact values (:i, :n, :p, :e, :t, :m)"),
                    {"i": i, "n": "Martin", "p": "Julie", "e": f"julie{i}@exemple.fr",
                     "t": "06 12 34 56 78", "m": "Bonjour, où en est mon dossier ?"},
                )  # fmt: skip
            for i, value in enumerate(_valid_sirets()):
                conn.execute(
                    text("insert into partenaires values (:i, :n, :s)"),
                    {"i": i, "n": f"Association {i}", "s": value},
                )
        draft = infer_system(engine, system="mdph")
    finally:
        engine.dispose()
    assert draft.roles.primary == ["usagers"]
    assert draft.roles.role("demandes_contact") != "person"
    by_table = {c.info.name: c for c in draft.collections}
    usagers = {f.column.name: f for f in by_table["usagers"].fields}
    assert usagers["sexe"].category == "identification"
    assert usagers["lieu_naissance"].category == "identification"
    assert usagers["nir"].category == "national_id"
    assert all(siren.is_valid(v[:9]) for v in _valid_sirets())
