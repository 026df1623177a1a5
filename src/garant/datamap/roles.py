"""Which tables hold the persons, which rows they own, and what each reference means.

Inference proposes; a person confirms. The rules are chosen so that an unconfirmed draft
errs on the side of never taking someone else's row for the person's own:

- the person table is the one that looks most like the organization's customers or
  members (its name, its identity columns, the tables pointing at it); other tables with
  an email or phone (staff, employees) are persons too, but their references from the
  person's rows are ``context``;
- a table pointing at the person, or at a row the person owns, is owned (``owns``),
  reached breadth first; the first link found is the owning one;
- a second link between two owned tables (Pagila's payment -> rental, both already the
  customer's) is ``context``: as ``owns`` it would claim a payment whose own customer is
  someone else;
- a row of the same table (a referral, a manager) is another person: ``context``;
- many-to-one from the person or an owned row (an address, a store) is ``context``;
- references from context tables are ``stop``: context is one hop, never expanded.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from garant.datamap.classifier import Proposal
from garant.datamap.schema_reader import ForeignKey, SchemaInfo

CLIENT_WORDS = re.compile(
    r"customer|client|member|subscriber|learner|student|user|person|people|contact|patient"
    r"|adherent|prospect|buyer|donor|candidate|applicant|guest|citizen|inscrit|abonne"
    r"|usager|beneficiaire|allocataire|habitant|administre|eleve|etudiant|famille|personne"
)
# A table of what people sent (contact requests, messages, tickets) holds their words, not
# the people: its email column is the sender's, once per message.
REQUEST_WORDS = re.compile(
    r"request|demande|message|ticket|enquiry|inquiry|formulaire|submission|reclamation|form_"
)
# Identity columns a register of persons keeps and a message does not.
IDENTITY_KINDS = ("birth_date", "birth_place", "nir", "account_number", "civility")
STAFF_WORDS = re.compile(
    r"staff|employee|agent|operator|admin|author|manager|salarie|personnel|actor|artist"
)


@dataclass
class RefDraft:
    table: str
    fk: ForeignKey
    meaning: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class PersonScore:
    table: str
    score: int
    evidence: list[str]
    identity: bool


@dataclass
class Roles:
    primary: list[str]
    secondary: list[str]
    owned: dict[str, RefDraft] = field(default_factory=dict)
    context: set[str] = field(default_factory=set)
    refs: list[RefDraft] = field(default_factory=list)
    scores: dict[str, PersonScore] = field(default_factory=dict)

    def role(self, table: str) -> str | None:
        if table in self.primary:
            return "person"
        if table in self.secondary:
            return "other_person"
        if table in self.owned:
            return "owned"
        if table in self.context:
            return "context"
        return None

    @property
    def mapped(self) -> list[str]:
        first = [*self.primary, *self.secondary, *self.owned]
        return [*first, *sorted(self.context - set(first))]


Proposals = dict[str, dict[str, Proposal]]


def score_persons(schema: SchemaInfo, proposals: Proposals) -> dict[str, PersonScore]:
    """Tables that hold people, with the reasons they look like the persons served."""
    inbound: dict[str, int] = {}
    for info in schema.tables.values():
        for fk in info.foreign_keys:
            if fk.target != info.name:
                inbound[fk.target] = inbound.get(fk.target, 0) + 1
    scores: dict[str, PersonScore] = {}
    for name, by_col in proposals.items():
        kinds = {p.kind for p in by_col.values() if p.confidence != "low"}
        named = bool(kinds & {"first_name", "last_name", "full_name"})
        # A phone alone is an address's or a store's as often as a person's.
        has_identity = "email" in kinds or ("phone" in kinds and named)
        if not has_identity and not {"first_name", "last_name"} <= kinds:
            continue
        score, why = _name_points(name)
        held = [k for k in IDENTITY_KINDS if k in kinds]
        if held:
            score, why = score + len(held), [*why, f"keeps identity columns ({', '.join(held)})"]
        for kind, points, phrase in (
            ("email", 2, "an email"),
            ("phone", 1, "a phone"),
            ("first_name", 1, "a first-name"),
        ):
            if kind in kinds:
                score, why = score + points, [*why, f"has {phrase} column"]
        links = min(inbound.get(name, 0), 3)
        if links:
            score, why = score + links, [*why, f"{inbound[name]} reference(s) point at it"]
        scores[name] = PersonScore(name, score, why, has_identity)
    return scores


def _name_points(name: str) -> tuple[int, list[str]]:
    """What a table's name says: people served (+3), staff (-2), messages people sent (-4)."""
    score, why = 0, list[str]()
    plain = name.lower()
    if CLIENT_WORDS.search(plain):
        score, why = score + 3, [*why, f'name "{name}" sounds like people served']
    if STAFF_WORDS.search(plain):
        score, why = score - 2, [*why, f'name "{name}" sounds like staff or public figures']
    if REQUEST_WORDS.search(plain):
        score, why = score - 4, [*why, f'name "{name}" sounds like messages people sent']
    return score, why


def propose_roles(
    schema: SchemaInfo, proposals: Proposals, persons: list[str] | None = None
) -> Roles:
    scores = score_persons(schema, proposals)
    if persons:
        primary = list(persons)
    elif scores:
        primary = [max(scores.values(), key=lambda s: (s.score, s.identity, s.table)).table]
    else:
        primary = []
    secondary = sorted(t for t, s in scores.items() if s.identity and t not in primary)
    roles = Roles(primary, secondary, scores=scores)
    _walk_owned(schema, roles)
    _meanings(schema, roles)
    return roles


def _walk_owned(schema: SchemaInfo, roles: Roles) -> None:
    """Owned tables, breadth first from the person table, then from each other table of
    persons that is not staff (a newsletter subscriber's clicks are the subscriber's).

    A table of persons pointing at the person (a member account) is the person's own; a
    staff table never is, and rows pointing at staff are not the staff member's."""
    pointing: dict[str, list[tuple[str, ForeignKey]]] = {}
    for info in schema.tables.values():
        for fk in info.foreign_keys:
            pointing.setdefault(fk.target, []).append((info.name, fk))
    staff = {t for t in roles.scores if STAFF_WORDS.search(t.lower())}
    _claim(roles, pointing, roles.primary, staff)
    for root in list(roles.secondary):
        if root not in roles.owned and root not in staff:
            _claim(roles, pointing, [root], staff)
    roles.secondary = [t for t in roles.secondary if t not in roles.owned]


def _claim(
    roles: Roles,
    pointing: dict[str, list[tuple[str, ForeignKey]]],
    roots: list[str],
    staff: set[str],
) -> None:
    queue = deque(roots)
    while queue:
        target = queue.popleft()
        for table, fk in sorted(pointing.get(target, []), key=lambda p: (p[0], p[1].columns)):
            if table in (target, *roles.primary, *roots) or table in roles.owned or table in staff:
                continue
            if target in roles.primary:
                via = "the person"
            elif target in roots:
                via = f"{target} (persons found by their own identity)"
            else:
                via = f"{target}, which the person owns"
            columns = ", ".join(fk.columns)
            roles.owned[table] = RefDraft(
                table,
                fk,
                "owns",
                [f"one-to-many: each {table} row points at {via} through {columns}"],
            )
            queue.append(table)


def _meanings(schema: SchemaInfo, roles: Roles) -> None:
    """A meaning for every reference of every table the draft maps."""
    owning = {id(r.fk) for r in roles.owned.values()}
    mine = set(roles.primary) | set(roles.owned)
    for name in [*roles.primary, *roles.secondary, *roles.owned]:
        for fk in schema.tables[name].foreign_keys:
            if id(fk) in owning:
                roles.refs.append(roles.owned[name])
                continue
            roles.refs.append(_one_ref(name, fk, roles, mine))
    for name in sorted(roles.context - set(roles.primary) - set(roles.secondary) - mine):
        for fk in schema.tables[name].foreign_keys:
            if fk.target in roles.mapped:
                roles.refs.append(
                    RefDraft(name, fk, "stop", ["from a context row: context is one hop"])
                )


def _one_ref(name: str, fk: ForeignKey, roles: Roles, mine: set[str]) -> RefDraft:
    cols = ", ".join(fk.columns)
    if fk.target == name:
        return RefDraft(name, fk, "context", [f"{cols} points at another row of {name}"])
    if name in mine and fk.target in mine:
        how = roles.owned.get(fk.target)
        through = f"through {', '.join(how.fk.columns)}" if how else "as the person"
        return RefDraft(
            name,
            fk,
            "context",
            [
                f"{fk.target} rows are already the person's {through}; as owns, this link "
                f"would also claim {name} rows whose own person link names someone else"
            ],
        )
    roles.context.add(fk.target)
    return RefDraft(name, fk, "context", [f"many-to-one: many {name} rows share one {fk.target}"])
