"""When the ten years of an electronic consumer contract start (Code de la consommation).

L213-1: a professional who concludes a contract by electronic means for a sum at least
equal to an amount set by decree keeps the writing that records it for a period set by
the same decree. D213-1 sets the amount at 120 euros. D213-2 sets the period at ten years
"à compter de la conclusion du contrat lorsque la livraison du bien ou l'exécution de la
prestation est immédiate. Dans le cas contraire, le délai court à compter de la
conclusion du contrat jusqu'à la date de livraison du bien ou de l'exécution de la
prestation et pendant une durée de dix ans à compter de celle-ci" (Code de la
consommation, partie réglementaire, livre II, titre Ier, chapitre III, art. D213-1 and
D213-2, as in force since the décret n° 2016-884 of 29 June 2016).

So a rule citing these articles must start at the delivery of the good or the performance
of the service (or later: the end of the contract), or at the conclusion only when the
delivery is immediate. A start at the conclusion (an order, a signature, an invoice's
issue) is a warning: right only for an immediate delivery, which the policy cannot say. A
start at an event that is neither (collection, a login) is an error: the contract can be
destroyed before its ten years are up, which the law forbids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy.findings import Finding

if TYPE_CHECKING:
    from garant.policy.models import Policy
    from garant.policy.retention_model import RetentionRule

CITES = re.compile(r"\b[LD]\.?\s*213-[12]\b", re.IGNORECASE)
"""L213-1, D213-1, D213-2 as a policy's legal reference writes them."""

DELIVERY_IDS = frozenset(
    {
        "delivered",
        "delivery",
        "performed",
        "performance",
        "executed",
        "execution",
        "fulfilled",
        "shipped",
        "completed",
        "ended",
        "contract_end",
        "contract_ended",
        "last_contract",
        "service_end",
    }
)
DELIVERY_WORDS: tuple[str, ...] = ("livr", "deliver", "exécution", "execution", "performance")
DELIVERY_WORDS += ("fin du contrat", "end of the contract", "end of the last contract")
DELIVERY_WORDS += ("expédi", "shipping")
CONCLUSION_IDS = frozenset(
    {"concluded", "conclusion", "signed", "signature", "ordered", "order", "purchased"}
) | frozenset({"purchase", "sold", "sale", "subscribed", "subscription", "issued", "paid"})
CONCLUSION_WORDS: tuple[str, ...] = (
    "conclusion",
    "signature",
    "commande",
    "order",
    "achat",
    "purchase",
)
CONCLUSION_WORDS += ("date of issue", "émission", "souscription", "subscription", "paiement")


def cites_d213(policy: Policy, rule: RetentionRule) -> bool:
    """The rule's archive cites a statute counted from the delivery (the built-in
    ``consumer_code_l213_1``), or one of its legal references names L213-1 or D213-1/2."""
    if rule.archive is not None:
        try:
            if policy.statute(rule.archive.statute).counted_from == "delivery":
                return True
        except Exception:  # an unknown statute is reported by its own check
            pass
    texts = [f"{r.text} {r.article or ''}" for r in rule.legal_references]
    return any(CITES.search(t) for t in texts)


def _kind(policy: Policy, event: str) -> str:
    """delivery, conclusion or other, from the event's id and its labels."""
    tokens = set(re.split(r"[_.\-]", event)) | {event}
    labels = " ".join(
        label.lower() for lang in ("fr", "en") if (label := policy.event_label(event, lang))
    )
    if tokens & DELIVERY_IDS or any(w in labels for w in DELIVERY_WORDS):
        return "delivery"
    if tokens & CONCLUSION_IDS or any(w in labels for w in CONCLUSION_WORDS):
        return "conclusion"
    return "other"


def consumer_contract_start(policy: Policy) -> Iterator[Finding]:
    """Code de la consommation L213-1, D213-1, D213-2 (module docstring): the start event
    of a rule citing them, checked against the delivery or performance."""
    from garant.policy.wording import event as words

    for i, rule in enumerate(policy.retention_rules):
        if not cites_d213(policy, rule):
            continue
        events = list(rule.start.latest)
        if rule.start.related is not None:
            events.append(rule.start.related.event)
        kinds = {_kind(policy, e) for e in events}
        if "delivery" in kinds:
            continue
        name = rule.label.get(current_language()) if rule.label else rule.id
        named = ", ".join(words(e, policy) for e in events)
        at = ("retention_rules", i, "start")
        if "conclusion" in kinds:
            yield Finding(
                "warning",
                "consumer-contract-start",
                _(
                    'rule "{rule}" starts at {events}: the ten years of an electronic contract '
                    "of 120 euros or more run from its conclusion only when the delivery or "
                    "the performance is immediate (Code de la consommation D213-2); otherwise "
                    "from the delivery of the good or the performance of the service: start "
                    "the rule there"
                ).format(rule=name, events=named),
                at,
            )
            continue
        yield Finding(
            "error",
            "consumer-contract-start",
            _(
                'rule "{rule}" starts at {events}, which is neither the delivery of the good, '
                "the performance of the service nor the conclusion of the contract: the "
                "contract could be destroyed before the ten years the law requires (Code de "
                "la consommation L213-1, D213-1, D213-2); start the rule at the delivery or "
                "the performance"
            ).format(rule=name, events=named),
            at,
        )
