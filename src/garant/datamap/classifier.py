"""Proposes a data category for a column from its name and a sample of its values.

A proposal is never a decision: it carries the evidence a person needs to confirm it
(which name rule matched, how many sampled values passed which check), and
``datamap infer`` writes that evidence beside each field. Categories are the policy's
taxonomy ids (``garant.policy.taxonomy``). Columns that look like special categories of
data (GDPR Art. 9) or criminal data (Art. 10) are flagged, so that an organization whose
policy declares none (DEF-C4) sees where its databases may hold some.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from garant.datamap import detectors
from garant.datamap.signals import ART9_NAME_RULES, ART9_VALUE_WORDS, KINDS, NAME_RULES, Kind
from garant.policy.taxonomy import CATEGORIES

# Share of the non-empty sampled values a detector must accept.
STRONG = 0.9  # values alone are enough (checksummed or well-formed)
WITH_NAME = 0.5  # values confirm what the column's name says
MIN_VALUES = 3
NAME_FLOOR = 0.1  # a name with a loose check (names, addresses): at least this share fits


@dataclass(frozen=True)
class Proposal:
    """What the classifier thinks a column holds, and why."""

    column: str
    kind: str | None
    """email, phone, first_name, ... (``signals.KINDS``); None when nothing matched."""
    category: str | None
    """A taxonomy id, or None: no personal data recognised."""
    confidence: str = "low"
    """high (name and values agree, or checksummed values), medium (one of them), low."""
    evidence: tuple[str, ...] = ()
    special: tuple[str, ...] = ()
    """Art. 9 / Art. 10 taxonomy ids this column may hold (DEF-C4), with evidence."""
    special_evidence: tuple[str, ...] = ()

    @property
    def identity(self) -> str | None:
        """The identity kind a person can be found by, when the column is one."""
        spec = KINDS.get(self.kind or "")
        return spec.identity if spec and self.confidence != "low" else None

    @property
    def label(self) -> tuple[str, str] | None:
        spec = KINDS.get(self.kind or "")
        return (spec.fr, spec.en) if spec else None


@dataclass
class _Score:
    kind: str
    name_rule: str | None = None
    matched: int = 0
    checked: int = 0
    evidence: list[str] = field(default_factory=list)


def split_name(name: str) -> str:
    """``BillingPostalCode`` and ``billing-postal code`` both become ``billing_postal_code``;
    accents go (``prénom`` is ``prenom``, ``Téléphone`` is ``telephone``)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", plain)
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def classify_column(
    name: str,
    family: str,
    values: Sequence[object],
    *,
    table: str = "",
    region: str = "FR",
) -> Proposal:
    """The best proposal for one column; ``values`` is a bounded sample (None allowed)."""
    snake = split_name(name)
    present = [v for v in values if v is not None and v != ""]
    # A key column (address_id) names what it points at, not what it holds.
    is_key = family == "integer" and (snake == "id" or snake.endswith("_id"))
    candidates = [] if is_key else _name_candidates(snake, family)
    scored = [_score(kind, rule, present, region) for kind, rule in candidates]
    named = {s.kind for s in scored}
    for kind in _value_kinds(family):
        if kind not in named:
            scored.append(_score(kind, None, present, region))
    best = _pick(scored, family)
    special, special_ev, by_name = _special(snake, split_name(table), present)
    if by_name:
        # The column is named after a special category: that is what it holds (DEF-C4).
        evidence = tuple(best.evidence) if best else ()
        found = best.kind if best else None
        return Proposal(name, found, by_name[0], "medium", evidence, special, special_ev)
    if best is None:
        return Proposal(name, None, None, "low", (), special, special_ev)
    spec = KINDS[best.kind]
    confidence = _confidence(best, spec.validates)
    evidence = tuple(best.evidence)
    return Proposal(name, best.kind, spec.category, confidence, evidence, special, special_ev)


def _name_candidates(snake: str, family: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rule in NAME_RULES:
        if rule.pattern.search(snake) and (not rule.families or family in rule.families):
            if rule.kind not in (k for k, _ in found):
                found.append((rule.kind, rule.pattern.pattern))
    return found


def _value_kinds(family: str) -> list[str]:
    """Kinds whose values alone can prove them (checksums, strict formats)."""
    # French registry numbers (SIRET, SIREN) and the NIR before the card rule: a SIRET's
    # key is a Luhn key too, and the earlier kind wins a tie (``_pick``).
    if family == "text":
        return [
            "email",
            "iban",
            "siret",
            "siren",
            "nir",
            "payment_card",
            "ip_address",
            "password_hash",
            "phone",
        ]
    if family == "integer":
        return ["siret", "siren", "payment_card"]
    return []


def _score(kind: str, rule: str | None, present: Sequence[object], region: str) -> _Score:
    score = _Score(kind, rule)
    if rule is not None:
        score.evidence.append(f"name matches /{rule}/")
    check = KINDS[kind].check
    check_text = KINDS[kind].check_text
    if check is None or not present:
        return score
    if kind == "phone" and rule is None:
        # Without a name saying "phone", only numbers valid in their numbering plan count.
        score.matched = sum(1 for v in present if detectors.is_phone(v, region, strict=True))
        check_text = "are valid phone numbers (phonenumbers)"
    elif kind == "phone":
        possible = sum(1 for v in present if detectors.is_phone(v, region))
        score.matched = sum(1 for v in present if detectors.is_phone_shaped(v))
        score.evidence.append(f"{possible} of {len(present)} sampled values {check_text}")
        check_text = "are phone-shaped digit strings"
    elif kind == "password_hash" and rule is None:
        score.matched = sum(1 for v in present if detectors.is_crypt_hash(v))
    else:
        score.matched = sum(1 for v in present if check(v))
    score.checked = len(present)
    score.evidence.append(f"{score.matched} of {score.checked} sampled values {check_text}")
    return score


def _ratio(score: _Score) -> float:
    return score.matched / score.checked if score.checked else 0.0


def _accepted(score: _Score, family: str) -> bool:
    spec = KINDS[score.kind]
    if score.name_rule is not None:
        if spec.check is None or score.checked < MIN_VALUES:
            return True
        # The name is a hint; values that almost never fit it overrule it.
        return _ratio(score) >= (WITH_NAME if spec.validates else NAME_FLOOR)
    return spec.validates and score.checked >= MIN_VALUES and _ratio(score) >= STRONG


def _pick(scored: list[_Score], family: str) -> _Score | None:
    accepted = [s for s in scored if _accepted(s, family)]
    if not accepted:
        return None
    # Values that pass a strict check beat a name; then the more specific name rule wins.
    return max(
        accepted,
        key=lambda s: (
            KINDS[s.kind].validates and _ratio(s) >= STRONG and s.checked >= MIN_VALUES,
            s.name_rule is not None and _ratio(s) >= WITH_NAME,
            s.name_rule is not None,
            -scored.index(s),
        ),
    )


def _confidence(score: _Score, validates: bool) -> str:
    values_agree = score.checked >= MIN_VALUES and _ratio(score) >= WITH_NAME
    if score.name_rule is not None and (values_agree or score.checked == 0 and not validates):
        return "high" if values_agree else "medium"
    if validates and values_agree:
        return "high" if _ratio(score) >= STRONG else "medium"
    return "medium" if score.name_rule is not None else "low"


def _special(
    snake: str, table: str, present: Sequence[object]
) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Art. 9 and Art. 10 signals from the column or table name and from the values.

    Returns the category ids, their evidence, and the ids the column's own name says.
    """
    found: dict[str, list[str]] = {}
    by_name: list[str] = []
    for category_id, pattern in ART9_NAME_RULES:
        if pattern.search(snake):
            by_name.append(category_id)
        for where, text in (("column", snake), ("table", table)):
            if text and pattern.search(text):
                found.setdefault(category_id, []).append(
                    f"{where} name matches /{pattern.pattern}/ ({CATEGORIES[category_id].en})"
                )
    texts = [t.lower() for t in (detectors.as_text(v) for v in present) if t]
    for category_id, words in ART9_VALUE_WORDS.items():
        hits = [t for t in texts if any(re.search(rf"\b{w}", t) for w in words)]
        if hits and len(hits) >= max(1, len(texts) // 20):
            found.setdefault(category_id, []).append(
                f"{len(hits)} of {len(texts)} sampled values use words of "
                f"{CATEGORIES[category_id].en.lower()}"
            )
    ids = tuple(sorted(found))
    return ids, tuple(e for cid in ids for e in found[cid]), by_name


__all__ = ["Kind", "Proposal", "classify_column", "split_name"]
