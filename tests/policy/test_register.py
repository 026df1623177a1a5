"""The register of processing (Art. 30(1)) in the CNIL's columns (DEF-A1)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from garant.app import Garant
from garant.policy.loader import parse_policy
from garant.policy.models import Policy
from garant.policy.register import export_register
from tests.policy.helpers import run


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_def_a1_french_cnil_headings_by_default_one_row_per_activity(dn: Policy) -> None:
    rows = _csv(export_register(dn, "csv"))
    assert len(rows) == len(dn.activities)
    headings = set(rows[0])
    for heading in (
        "Référence",
        "Nom du traitement",
        "Finalité principale",
        "Base légale",
        "Catégories de personnes concernées",
        "Données sensibles",
        "Durées de conservation",
        "Destinataires internes",
        "Sous-traitants",
        "Transferts hors de l'UE",
        "Sécurité : contrôle d'accès",
        "Données de connexion (adresse IP, logs, etc.)",
    ):
        assert heading in headings
    customers = rows[0]
    assert customers["Référence"] == "customers"
    assert customers["Base légale"].startswith("Exécution d'un contrat")
    assert customers["Données sensibles"] == "non"


def test_def_s3_recipient_categories_in_the_register(dn: Policy) -> None:
    row = _csv(export_register(dn, "csv", lang="en"))[0]
    assert row["Internal recipients"] == "DEF Network employees, trained and authorised"
    assert "Lawyers, experts, agents, bailiffs" in row["External organizations"]
    assert "Courts" in row["External organizations"]


def test_retention_is_given_per_category_of_data(dn: Policy) -> None:
    row = _csv(export_register(dn, "csv", lang="en"))[0]
    parts = row["Retention periods"].split(" | ")
    banking = next(p for p in parts if p.startswith("Banking data"))
    assert "5 years (Code monétaire et financier, art. L561-12)" in banking
    orders = next(p for p in parts if p.startswith("Orders"))
    assert "10 years (Code de commerce, art. L123-22)" in orders


def test_def_o1_register_of_one_entity(dn: Policy) -> None:
    rows = _csv(export_register(dn, "csv", entity="def-events", lang="en"))
    assert [r["Reference"] for r in rows] == ["events"]
    assert rows[0]["Entity"] == "DEF Events"
    assert (
        "Eventbrite, United States, standard contractual clauses"
        in rows[0]["Transfers outside the EU"]
    )


def test_sensitive_yes_names_the_categories() -> None:
    policy = parse_policy("""\
controller: {name: Clinic}
special_categories: {processed: true}
activities:
  - id: care
    name: {fr: Soins, en: Care}
    purposes: [{fr: Soigner, en: Caring}]
    legal_basis: contract
    art9_condition: health_care
    data_subjects: [customers]
    data_categories: [identification, health, national_id]
    retention: care
retention_rules:
  - {id: care, duration: 20 years, start: collected}
""")
    row = _csv(export_register(policy, "csv"))[0]
    assert row["Données sensibles"] == ("oui : Données de santé, Numéro de sécurité sociale (NIR)")
    assert row["Condition de l'article 9"] == (
        "Médecine préventive, diagnostic médical, soins (RGPD art. 9(2)(h))"
    )


def test_xlsx_has_the_organization_and_the_register(dn: Policy, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(export_register(dn, "xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == ["Organisme", "Registre", *(a.id for a in dn.activities)]
    events = {r[0]: r[1] for r in book["events"].iter_rows(values_only=True)}
    assert events["Nom du traitement"] == "Gestion des événements"
    assert events["Entité"] == "DEF Events"
    org = {r[0]: r[1] for r in book["Organisme"].iter_rows(values_only=True)}
    assert org["Organisme"] == "COFLEC (DEF Network)"
    register = list(book["Registre"].iter_rows(values_only=True))
    assert register[0][0] == "Référence" and len(register) == len(dn.activities) + 1


def test_json_export_in_english(af: Policy) -> None:
    data = json.loads(export_register(af, "json", lang="en"))
    assert data["columns"][0] == {"key": "reference", "heading": "Reference"}
    assert [a["reference"] for a in data["activities"]][:2] == ["offers", "registration"]


def test_cli_register_export(make_garant: Callable[..., Garant], tmp_path: Path) -> None:
    garant = make_garant(example="def-network")
    ws = str(garant.workspace)
    out = tmp_path / "r.xlsx"
    code, _, _ = run("register", "export", "--workspace", ws, "--format", "xlsx", "--out", str(out))
    assert code == 0 and out.stat().st_size > 1000
    code, text, _ = run(
        "register", "export", "--workspace", ws, "--format", "csv", "--entity", "def-training"
    )
    assert code == 0 and "business_monitoring" in text and "events" not in text.split("\n", 2)[1]
    code, _, err = run("register", "export", "--workspace", ws, "--format", "xlsx")
    assert code == 2 and "give --out FILE" in err
    code, _, err = run("register", "export", "--workspace", ws, "--entity", "acme")
    assert code == 2 and 'no entity "acme"' in err
