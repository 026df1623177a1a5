"""MDPH demo database (the public-body example): disabled persons and children with their
legal guardians, requests by benefit (AEEH, AAH, PCH...), medical certificates (Art. 9),
CDAPH decisions and PCH payments. Column names are French, as a French public body's
schema writes them (``nom``, ``prenom``, ``sexe``, ``date_naissance``, ``lieu_naissance``,
``nir``), so that ``garant datamap infer`` can be tried on it.

Shared rows on purpose: a guardian represents several children of one family; a decision
names the request it answers.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

from garant.demo.truth import Builder

metadata = MetaData()
S = String(200)
BENEFITS = ["AEEH", "AAH", "PCH", "CMI", "RQTH", "ORIENTATION_SCOLAIRE"]

representants = Table(
    "representants_legaux", metadata,
    Column("id", Integer, primary_key=True), Column("nom", S), Column("prenom", S),
    Column("lien", String(40)), Column("telephone", String(40)), Column("courriel", S),
    Column("adresse", S),
)  # fmt: skip
usagers = Table(
    "usagers", metadata,
    Column("id", Integer, primary_key=True), Column("numero_dossier", String(20), unique=True),
    Column("nom", S), Column("prenom", S), Column("sexe", String(1)),
    Column("date_naissance", Date), Column("lieu_naissance", S), Column("nir", String(15)),
    Column("adresse", S), Column("telephone", String(40)), Column("courriel", S, index=True),
    Column("representant_id", Integer, ForeignKey("representants_legaux.id")),
    Column("cree_le", DateTime), Column("dossier_clos_le", DateTime),
)  # fmt: skip
demandes = Table(
    "demandes", metadata,
    Column("id", Integer, primary_key=True),
    Column("usager_id", Integer, ForeignKey("usagers.id"), index=True),
    Column("recue_le", DateTime), Column("canal", String(20)), Column("prestation", String(30)),
    Column("statut", String(20)),
)  # fmt: skip
certificats = Table(
    "certificats_medicaux", metadata,
    Column("id", Integer, primary_key=True),
    Column("demande_id", Integer, ForeignKey("demandes.id"), index=True),
    Column("diagnostic", Text), Column("date_certificat", Date),
)  # fmt: skip
decisions = Table(
    "decisions_cdaph", metadata,
    Column("id", Integer, primary_key=True),
    Column("demande_id", Integer, ForeignKey("demandes.id"), index=True),
    Column("decidee_le", DateTime), Column("code_prestation", String(30)),
    Column("decision", String(20)), Column("fin_droits_le", DateTime),
)  # fmt: skip
paiements = Table(
    "paiements_pch", metadata,
    Column("id", Integer, primary_key=True),
    Column("usager_id", Integer, ForeignKey("usagers.id"), index=True),
    Column("montant_cents", Integer), Column("paye_le", DateTime), Column("iban", String(34)),
)  # fmt: skip


def populate(b: Builder, persons: int) -> None:
    guardians: list[int] = []
    for n in range(1, persons + 1):
        child = b.rng.random() < 0.4
        guardian = None
        if child:
            if guardians and b.rng.random() < 0.3:  # a sibling: the same guardian
                guardian = b.rng.choice(guardians)
            else:
                guardian = _guardian(b)
                guardians.append(guardian)
        _usager(b, n, child, guardian)


def _guardian(b: Builder) -> int:
    fake = b.fake
    return b.add(representants, {"nom": fake.last_name(), "prenom": fake.first_name(),
                                 "lien": b.rng.choice(["mère", "père", "tuteur"]),
                                 "telephone": fake.phone_number(), "courriel": b.unique_email(),
                                 "adresse": fake.address().replace("\n", ", ")})  # fmt: skip


def _usager(b: Builder, n: int, child: bool, guardian: int | None) -> None:
    fake, rng = b.fake, b.rng
    email, number = b.unique_email(), f"MDPH76-{n:07d}"
    person = b.person({"email": email, "customer_number": number})
    years = rng.randrange(2, 17) if child else rng.randrange(18, 80)
    born = (b.moment(days_back=10) - timedelta(days=365 * years + rng.randrange(365))).date()
    created = b.moment(days_back=2000)
    uid = b.add(usagers, {"numero_dossier": number, "nom": fake.last_name(), "prenom":
                          fake.first_name(), "sexe": rng.choice("FM"), "date_naissance": born,
                          "lieu_naissance": fake.city(), "nir": fake.ssn(), "adresse":
                          fake.address().replace("\n", ", "), "telephone": fake.phone_number(),
                          "courriel": email, "representant_id": guardian, "cree_le": created,
                          "dossier_clos_le": None}, owner=person)  # fmt: skip
    if guardian is not None:
        b.context(person, representants, guardian)
    for _ in range(rng.randrange(1, 3)):
        _demande(b, person, uid, child)


def _demande(b: Builder, person: int, uid: int, child: bool) -> None:
    rng = b.rng
    benefit = "AEEH" if child else rng.choice(BENEFITS[1:])
    received = b.moment(days_back=1500)
    did = b.add(demandes, {"usager_id": uid, "recue_le": received, "canal":
                           rng.choice(["courrier", "teleservice", "accueil"]), "prestation":
                           benefit, "statut": "decidee"}, owner=person)  # fmt: skip
    b.add(certificats, {"demande_id": did, "diagnostic": b.fake.sentence(),
                        "date_certificat": (received - timedelta(days=20)).date()},
          owner=person)  # fmt: skip
    decided = received + timedelta(days=rng.randrange(60, 150))
    b.add(decisions, {"demande_id": did, "decidee_le": decided, "code_prestation": benefit,
                      "decision": rng.choice(["accord", "rejet"]), "fin_droits_le":
                      decided + timedelta(days=365 * rng.randrange(1, 6))},
          owner=person)  # fmt: skip
    if benefit == "PCH":
        for month in range(rng.randrange(1, 4)):
            b.add(paiements, {"usager_id": uid, "montant_cents": rng.randrange(10_000, 120_000),
                              "paye_le": decided + timedelta(days=30 * (month + 1)),
                              "iban": b.fake.iban()}, owner=person)  # fmt: skip
