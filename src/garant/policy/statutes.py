"""Statutes a retention's archive phase may cite, with the minimum period each requires.

A policy may add its own under ``statutes:``; these are the French texts the two seed
organizations rely on. Lint compares an archive phase's duration with its statute's
minimum (AF-R0, DEF-R3) and Garant keeps the longer of the two.
"""

from __future__ import annotations

from typing import Literal

from garant.policy.common import DurationField, Element, Identifier, Text, parse_duration

CountedFrom = Literal["document", "financial_year_end", "end_of_relationship", "delivery"]


class Statute(Element):
    id: Identifier
    reference: str
    label: Text
    minimum: DurationField
    counted_from: CountedFrom = "document"
    """When the statute's period starts: the record's date, the close of the financial year
    it belongs to, the end of the business relationship or operation, the delivery."""
    applies_to: Text | None = None
    """Who the statute binds, when not every organization (CMF L561-12: L561-2 entities)."""
    url: str | None = None


def _s(
    id_: str,
    reference: str,
    fr: str,
    en: str,
    minimum: str,
    counted_from: CountedFrom = "document",
    applies_to: Text | None = None,
    url: str | None = None,
) -> Statute:
    return Statute(
        id=id_,
        reference=reference,
        label=Text(fr=fr, en=en),
        minimum=parse_duration(minimum),
        counted_from=counted_from,
        applies_to=applies_to,
        url=url,
    )


L561_2 = Text(
    fr="les personnes assujetties de l'article L561-2 du Code monétaire et financier "
    "(établissements de crédit, de paiement, de monnaie électronique, assurances, ...)",
    en="the entities listed in article L561-2 of the Code monétaire et financier (credit, "
    "payment and e-money institutions, insurers, ...)",
)


BUILTIN_STATUTES: dict[str, Statute] = {
    s.id: s
    for s in (
        _s(
            "civil_code_2224",
            "Code civil, art. 2224",
            "prescription des actions personnelles ou mobilières",
            "limitation period of personal actions",
            "5 years",
        ),
        _s(
            "commercial_code_l110_4",
            "Code de commerce, art. L110-4",
            "prescription des obligations entre commerçants",
            "limitation period of commercial obligations",
            "5 years",
        ),
        # D213-1 sets the 120 euro threshold; D213-2 the 10 years, counted from the
        # conclusion of the contract when the delivery is immediate, else from the delivery
        # of the goods or the performance of the service.
        _s(
            "consumer_code_l213_1",
            "Code de la consommation, art. L213-1, D213-1 et D213-2",
            "conservation des contrats conclus par voie électronique d'un montant d'au moins "
            "120 euros",
            "keeping of electronic contracts of 120 euros or more",
            "10 years",
            counted_from="delivery",
            url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000032807952",
        ),
        # L561-12 binds only the entities of L561-2 and runs from the closing of the account
        # or the end of the relationship (identity), or from the operation (operations).
        _s(
            "monetary_code_l561_12",
            "Code monétaire et financier, art. L561-12",
            "conservation des documents relatifs à l'identité des clients et à leurs opérations "
            "(lutte contre le blanchiment)",
            "keeping of customers' identity and operations records (anti-money laundering)",
            "5 years",
            counted_from="end_of_relationship",
            applies_to=L561_2,
            url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000042648535",
        ),
        # L123-22: "Les documents comptables et les pièces justificatives sont conservés
        # pendant dix ans": counted from the closing of the financial year (the accounts
        # are closed then), not from each document's date.
        _s(
            "commercial_code_l123_22",
            "Code de commerce, art. L123-22",
            "conservation des documents comptables et pièces justificatives (commandes, factures)",
            "keeping of accounting records and vouchers (orders, invoices)",
            "10 years",
            counted_from="financial_year_end",
            url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006219327",
        ),
        _s(
            "criminal_procedure_9",
            "Code de procédure pénale, art. 9",
            "prescription des contraventions",
            "limitation period of petty offences",
            "1 year",
        ),
    )
}
