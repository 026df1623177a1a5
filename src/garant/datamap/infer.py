"""``garant datamap infer``: draft a data map from a live database, with the evidence.

Reads the schema (``schema_reader``), samples each table (``sampler``), classifies each
column (``classifier``), proposes the person tables, what they own and what each
reference means (``roles``), then ``draft_writer`` writes a ``datamap.yaml`` in which
every proposal is followed by its reasons, for a person to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from garant.datamap import erasure_check
from garant.datamap.classifier import Proposal, classify_column, split_name
from garant.datamap.labels import COMMON_LABELS
from garant.datamap.roles import RefDraft, Roles, propose_roles
from garant.datamap.sampler import sample_table, shared_targets
from garant.datamap.schema_reader import ColumnInfo, SchemaInfo, TableInfo, read_schema
from garant.datamap.signals import KINDS
from garant.policy.taxonomy import ART9, ART10

Progress = Callable[[str, int, int], None]

IMMUTABLE_WORDS = re.compile(r"invoice|payment|billing|receipt|factur|ledger|transaction|avoir")
# What an unclassified column of the person's own table most likely is, by table name.
TABLE_DEFAULTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"connection|login|session|(^|_)logs?(_|$)|access_log"), "connection"),
    (re.compile(r"click|audience|visit|page_?view|tracking|cookie"), "internet"),
    (re.compile(r"enrol|course|exam|lesson|grade|inscription|formation"), "education"),
    (
        re.compile(r"order|invoice|payment|rental|purchase|sale|booking|contract|commande|achat"),
        "purchases",
    ),
    (
        re.compile(r"tender|job|employment|career|appel_d_offre|staff|employee|personnel"),
        "professional",
    ),
    (re.compile(r"request|message|ticket|complaint|demande"), "communications"),
    (re.compile(r"newsletter|subscri|opt_?in|consent"), "consent_proof"),
)


def table_default(table: str) -> str:
    snake = split_name(table)
    return next((cat for pattern, cat in TABLE_DEFAULTS if pattern.search(snake)), "other")


PSEUDONYM_KINDS = {"first_name", "last_name", "full_name", "username"}
IDENTITY_ORDER = {"email": 0, "phone": 1, "username": 2}
# Kinds too broad to name a column: the column's own name makes a better label.
GENERIC_KINDS = {
    None,
    "purchase",
    "locality",
    "free_text",
    "professional",
    "connection",
    "internet",
    "postal_address",
    "civility",
    "location",
}


@dataclass
class FieldDraft:
    column: ColumnInfo
    category: str
    label: tuple[str, str]
    """(fr, en)"""
    proposal: Proposal
    erasure: str | None = None
    erasure_value: Any = None
    """The value ``fixed`` writes (a neutral one of the column's type)."""
    notes: list[str] = field(default_factory=list)


@dataclass
class CollectionDraft:
    info: TableInfo
    role: str
    fields: list[FieldDraft] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)
    refs: list[RefDraft] = field(default_factory=list)
    shared: str | None = None
    immutable: str | None = None
    erasure: str | None = None
    portable: bool = False
    notes: list[str] = field(default_factory=list)
    casefold: list[str] | None = None
    """``[]`` when emails are stored lower-case; None: the map's default (``[email]``)."""
    casefold_note: str | None = None


@dataclass
class SpecialColumn:
    table: str
    column: str
    categories: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass
class Draft:
    system: str
    kind: str
    schema: str | None
    sample_size: int
    roles: Roles
    collections: list[CollectionDraft]
    unmapped: list[tuple[str, str]]
    special: list[SpecialColumn]


def infer_system(
    engine: Engine,
    *,
    system: str,
    sample_size: int = 200,
    persons: list[str] | None = None,
    region: str = "FR",
    schema: str | None = None,
    progress: Progress | None = None,
) -> Draft:
    info = read_schema(engine, schema=schema)
    for name in persons or []:
        if name not in info.tables:
            from garant.errors import InvalidInput

            raise InvalidInput(f"--person {name}: no such table (tables: {', '.join(info.tables)})")
    lower: dict[str, dict[str, int]] = {}
    proposals = classify_all(engine, info, sample_size, region, progress, lower=lower)
    roles = propose_roles(info, proposals, persons)
    with engine.connect() as conn:
        collections = [_collection(info, name, roles, proposals[name]) for name in roles.mapped]
        for coll in collections:
            _casefold(coll, lower.get(coll.info.name, {}))
            if coll.role == "context":
                coll.shared = _sharing(conn, info, coll.info.name, sample_size)
    return Draft(
        system,
        info.kind,
        schema,
        sample_size,
        roles,
        collections,
        _unmapped(info, roles, proposals),
        _special(proposals),
    )


def classify_all(
    engine: Engine,
    info: SchemaInfo,
    sample_size: int,
    region: str,
    progress: Progress | None,
    *,
    lower: dict[str, dict[str, int]] | None = None,
) -> dict[str, dict[str, Proposal]]:
    """Every column of every table, one bounded sample per table.

    ``lower`` receives, per table and text column, how many sampled values are not
    lower-case (0: the column can be matched exactly, through its own index)."""
    result: dict[str, dict[str, Proposal]] = {}
    with engine.connect() as conn:
        for index, (name, table) in enumerate(sorted(info.tables.items())):
            if progress:
                progress(name, index, len(info.tables))
            values = sample_table(conn, table, info.schema, sample_size)
            result[name] = {
                c.name: classify_column(
                    c.name, c.family, values.get(c.name, []), table=name, region=region
                )
                for c in table.columns
            }
            if lower is not None:
                lower[name] = {
                    col: sum(1 for v in vals if isinstance(v, str) and v != v.lower())
                    for col, vals in values.items()
                    if any(isinstance(v, str) for v in vals)
                }
    if progress:
        progress("", len(info.tables), len(info.tables))
    return result


def _collection(
    info: SchemaInfo, name: str, roles: Roles, proposals: dict[str, Proposal]
) -> CollectionDraft:
    table = info.tables[name]
    role = roles.role(name) or "context"
    coll = CollectionDraft(table, role, refs=[r for r in roles.refs if r.table == name])
    coll.portable = role in ("person", "owned")
    referenced = _referenced_by(info, name)
    if role in ("person", "owned") and IMMUTABLE_WORDS.search(name.lower()):
        coll.immutable = (
            "looks like a billing record (kept under a legal duty: correct by appending, "
            "never overwrite); confirm"
        )
    elif role in ("person", "owned", "other_person"):
        coll.erasure = "null" if referenced else "delete_row"
        if referenced:
            coll.notes.append(
                f"rows are referenced by {', '.join(referenced)}: deleting one would break "
                "those references, so the draft rewrites fields instead"
            )
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    for col in table.columns:
        proposal = proposals[col.name]
        draft = _field(coll, col, proposal, fk_columns)
        if draft is not None:
            coll.fields.append(draft)
    _distinct_labels(coll)
    _identity(coll, roles, proposals)
    return coll


def _distinct_labels(coll: CollectionDraft) -> None:
    """Two columns of one collection never share a label (a person could not tell them apart)."""
    seen: dict[tuple[str, str], int] = {}
    for spec in coll.fields:
        seen[spec.label] = seen.get(spec.label, 0) + 1
    for spec in coll.fields:
        if seen[spec.label] > 1:
            spec.label = humanize(spec.column.name)


def _field(
    coll: CollectionDraft, col: ColumnInfo, proposal: Proposal, fk_columns: set[str]
) -> FieldDraft | None:
    if col.name in fk_columns or col.family == "binary" and proposal.category is None:
        return None
    category = proposal.category
    if coll.role not in ("person", "owned") and category == "purchases":
        return None  # a price on a catalogue row (Chinook's Track) is not the person's
    if category is None:
        if coll.role not in ("person", "owned", "other_person"):
            return None
        default = table_default(coll.info.name)
        proposal = Proposal(
            col.name,
            None,
            default,
            "low",
            ("no rule matched: a column of a person's own collection",),
        )
        category = default
    label = _label(col.name, proposal)
    draft = FieldDraft(col, category, label, proposal)
    if coll.erasure == "null" and not col.nullable and col.name not in coll.info.primary_key:
        draft.erasure, draft.erasure_value = _not_null_strategy(proposal, col)
        if draft.erasure is None:
            draft.notes.append(
                f"NOT NULL {col.type} column: no neutral value is known for its type; give "
                "it erasure: fixed with an erasure_value (datamap check refuses null here)"
            )
    return draft


def _label(column: str, proposal: Proposal) -> tuple[str, str]:
    """The column's own words when they are known; the kind's label for a bare name."""
    snake = split_name(column)
    if snake in COMMON_LABELS or proposal.kind in GENERIC_KINDS or proposal.label is None:
        return humanize(column)
    if len(snake.split("_")) <= 2:
        return proposal.label
    return humanize(column)


NEUTRAL: dict[str, Any] = {
    "date": date(1900, 1, 1),
    "datetime": datetime(1900, 1, 1),
    "boolean": False,
    "integer": 0,
    "numeric": 0,
}
"""What ``fixed`` writes into a NOT NULL column of each type: a value that says nothing."""


def _not_null_strategy(proposal: Proposal, col: ColumnInfo) -> tuple[str | None, Any]:
    """A column that cannot be emptied keeps a value that no longer says who it was:
    never ``null`` (the database would refuse the erasure), always a value that fits the
    column's type and length (``erasure_check`` checks the same before any erasure)."""
    if col.family == "text":
        wanted = {
            "keyed_hash": bool(proposal.identity),
            "pseudonym": proposal.kind in PSEUDONYM_KINDS,
        }
        for strategy, fitting in wanted.items():
            if fitting and erasure_check.fits_text(col, strategy):
                return strategy, None
        return "mask", None
    if col.family in NEUTRAL:
        return "fixed", NEUTRAL[col.family]
    return None, None


def _identity(coll: CollectionDraft, roles: Roles, proposals: dict[str, Proposal]) -> None:
    """Identity fields of every table of persons, owned ones included (a member account
    found by its own email)."""
    if coll.role not in ("person", "other_person") and coll.info.name not in roles.scores:
        return
    for col in sorted(
        coll.info.columns, key=lambda c: IDENTITY_ORDER.get(proposals[c.name].identity or "", 9)
    ):
        kind = proposals[col.name].identity
        if proposals[col.name].kind == "account_number":
            customer = re.search(r"(?i)customer|client", col.name)
            kind = "customer_number" if customer else "member_number"
        if kind and kind not in coll.identity:
            coll.identity[kind] = col.name
    numbered = any(k.endswith("_number") for k in coll.identity)
    if coll.role == "person" and len(coll.info.primary_key) == 1 and not numbered:
        singular = coll.info.name.lower().rstrip("s")
        coll.identity[f"{singular}_number"] = coll.info.primary_key[0]


def _casefold(coll: CollectionDraft, mixed: dict[str, int]) -> None:
    """Emails are matched case-insensitively (``lower(col)``) unless stored lower-case:
    an exact match lets the column's own index serve a large table."""
    column = coll.identity.get("email")
    if column is None or column not in mixed:
        return
    if mixed[column] == 0:
        coll.casefold = []
        coll.casefold_note = (
            "every sampled email is lower-case: matched exactly, so the column's index serves"
        )
    else:
        coll.casefold_note = (
            f"{mixed[column]} sampled emails have capitals: matched with lower({column}); "
            f"on a large table index that expression"
        )


def _referenced_by(info: SchemaInfo, name: str) -> list[str]:
    return sorted(
        {
            t.name
            for t in info.tables.values()
            for fk in t.foreign_keys
            if fk.target == name and t.name != name
        }
    )


def _sharing(conn: object, info: SchemaInfo, name: str, sample_size: int) -> str | None:
    pointers = [
        (t, fk.columns[0])
        for t in info.tables.values()
        for fk in t.foreign_keys
        if fk.target == name and len(fk.columns) == 1
    ]
    if not pointers:
        return None
    shared, total = shared_targets(conn, pointers, info.schema, sample_size * 5)  # type: ignore[arg-type]
    tables = sorted({t.name for t, _ in pointers})
    if shared == 0 and len(tables) < 2:
        return None
    return (
        f"pointed at by {', '.join(tables)}; in a sample of up to {sample_size * 5} links each, "
        f"{shared} of {total} {name} rows are pointed at more than once"
    )


def _unmapped(
    info: SchemaInfo, roles: Roles, proposals: dict[str, dict[str, Proposal]]
) -> list[tuple[str, str]]:
    mapped = set(roles.mapped)
    result = []
    for name in sorted(info.tables):
        if name in mapped:
            continue
        personal = [c for c, p in proposals[name].items() if p.category is not None]
        if personal:
            reason = (
                f"{', '.join(personal)} may be personal data, but the table is not linked to "
                "the person: map it if these people are data subjects"
            )
        else:
            reason = "no personal data recognised and not linked to the person"
        result.append((name, reason))
    return result


def _special(proposals: dict[str, dict[str, Proposal]]) -> list[SpecialColumn]:
    return [
        SpecialColumn(table, col, p.special, p.special_evidence)
        for table, by_col in sorted(proposals.items())
        for col, p in by_col.items()
        if set(p.special) & (ART9 | ART10)
    ]


def humanize(column: str) -> tuple[str, str]:
    """(fr, en) labels from a column name: the French of common columns, else the English
    twice (``draft_writer`` marks those for translation)."""
    snake = split_name(column)
    en = snake.replace("_", " ").capitalize()
    return COMMON_LABELS.get(snake, en), en


__all__ = ["KINDS", "CollectionDraft", "Draft", "FieldDraft", "infer_system", "humanize"]
