"""Statutes a retention's archive phase may cite, with the minimum period each requires.

A policy may add its own under ``statutes:``; these are the French texts the two seed
organizations rely on. Lint compares an archive phase's duration with its statute's
minimum (AF-R0, DEF-R3) and Garant keeps the longer of the two.
"""

from __future__ import annotations

from garant.policy.common import DurationField, Element, Identifier, Text, parse_duration


class Statute(Element):
    id: Identifier
    reference: str
    label: Text
    minimum: DurationField


def _s(id_: str, reference: str, fr: str, en: str, minimum: str) -> Statute:
    return Statute(
        id=id_, reference=reference, label=Text(fr=fr, en=en), minimum=parse_duration(minimum)
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
        _s(
            "consumer_code_l213_1",
            "Code de la consommation, art. L213-1 et D213-2",
            "conservation des contrats conclus par voie électronique d'un montant d'au moins "
            "120 euros",
            "keeping of electronic contracts of 120 euros or more",
            "10 years",
        ),
        _s(
            "monetary_code_l561_12",
            "Code monétaire et financier, art. L561-12",
            "conservation des documents relatifs aux opérations bancaires",
            "keeping of banking records",
            "5 years",
        ),
        _s(
            "commercial_code_l123_22",
            "Code de commerce, art. L123-22",
            "conservation des documents comptables et pièces justificatives (commandes, factures)",
            "keeping of accounting records and vouchers (orders, invoices)",
            "10 years",
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
