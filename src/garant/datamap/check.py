"""``garant datamap check``: does the map still describe the live database?

A map that has drifted finds too little (a renamed email column, a new table pointing
at the person) or fails at the worst moment (an erasure on a dropped column). Each
finding is either ``drift`` (the map and the database disagree: exit 1) or a ``note``
(worth knowing, nothing wrong: a reference the database does not enforce).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine

from garant.datamap import detectors, erasure_check
from garant.datamap.classifier import classify_column
from garant.datamap.models import Collection, DataMap, Reference, System
from garant.datamap.sampler import sample_table
from garant.datamap.schema_reader import SchemaInfo, TableInfo, read_schema
from garant.datamap.signals import KINDS
from garant.errors import ConnectorError, InvalidInput
from garant.sourcefile import SourceDocument, load_document

# What a sampled identity column must still hold, by identity kind.
IDENTITY_KINDS = {"email": "email", "phone": "phone"}
IDENTITY_SHARE = 0.5
DATE_FAMILIES = {"date", "datetime", "text"}
COMPATIBLE = {"integer": {"integer", "numeric"}, "numeric": {"integer", "numeric"}}


@dataclass(frozen=True)
class Finding:
    system: str
    collection: str
    column: str | None
    level: str
    """``drift`` or ``note``."""
    message: str
    where: str | None = None
    """``file:line:column`` in the map, when the finding is about a line of it."""

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def check_datamap(
    datamap: DataMap,
    *,
    workspace: Path | None = None,
    system: str | None = None,
    url: str | None = None,
    sample_size: int = 50,
    source: Path | None = None,
) -> list[Finding]:
    """Every finding for the named system, or for every system of the map; ``source`` (the
    map's file) lets a finding about one of its lines say which (file:line)."""
    if url and not system:
        raise InvalidInput("--url needs --system: a URL belongs to one system")
    systems = [datamap.system(system)] if system else list(datamap.systems)
    doc = load_document(source) if source is not None and source.exists() else None
    findings: list[Finding] = []
    for each in systems:
        resolved = url or each.connection_url(workspace)
        if not resolved:
            raise ConnectorError(
                f'system "{each.id}": no connection URL (set ${each.url_env} or give --url)'
            )
        engine = create_engine(resolved)
        at = ("systems", datamap.systems.index(each))
        try:
            findings.extend(check_system(each, engine, sample_size=sample_size, at=at, doc=doc))
        finally:
            engine.dispose()
    return findings


def live_schema(system: System, engine: Engine) -> SchemaInfo:
    schema_name = next((c.db_schema for c in system.collections if c.db_schema), None)
    return read_schema(engine, schema=schema_name)


def check_system(
    system: System,
    engine: Engine,
    *,
    sample_size: int = 50,
    at: tuple[Any, ...] = (),
    doc: SourceDocument | None = None,
) -> list[Finding]:
    live = live_schema(system, engine)
    found: list[Finding] = []
    if live.kind != system.kind:
        found.append(
            Finding(
                system.id, "", None, "drift", f"the map says {system.kind}, the URL is {live.kind}"
            )
        )
    with engine.connect() as conn:
        for coll in system.collections:
            found.extend(_collection(system, coll, live, conn, sample_size))
    found.extend(_unmapped_links(system, live))
    for path, name, column, message in erasure_check.problems(system, live, at):
        where = str(doc.locate(path)) if doc is not None and at else None
        found.append(Finding(system.id, name, column, "drift", message, where))
    return found


def _collection(
    system: System, coll: Collection, live: SchemaInfo, conn: Connection, sample_size: int
) -> Iterator[Finding]:
    table = live.table(coll.table_name)

    def finding(column: str | None, level: str, message: str) -> Finding:
        return Finding(system.id, coll.name, column, level, message)

    if table is None:
        mapped = {c.table_name for c in system.collections}
        hint = _suggest(coll.table_name, [t for t in live.tables if t not in mapped])
        yield finding(None, "drift", f'table "{coll.table_name}" is not in the database{hint}')
        return
    for name in coll.columns_used():
        if table.column(name) is None:
            hint = _suggest(name, table.column_names)
            yield finding(name, "drift", f'column "{name}" is not in table {table.name}{hint}')
    yield from (finding(c, lv, m) for c, lv, m in _key(coll, table))
    yield from (finding(c, lv, m) for c, lv, m in _identities(coll, table, live, conn, sample_size))
    yield from (finding(c, lv, m) for c, lv, m in _dates(coll, table))
    for ref in coll.references:
        yield from (finding(c, lv, m) for c, lv, m in _reference(system, coll, ref, table, live))
    owned = coll.name in owned_collections(system)
    new = _new_columns(coll, table, live, conn, sample_size, owned)
    yield from (finding(c, lv, m) for c, lv, m in new)
    yield from (finding(c, lv, m) for c, lv, m in _indexes(coll, table))


Item = tuple[str | None, str, str]


def _suggest(name: str, candidates: list[str]) -> str:
    """A likely new name: a close spelling, or a longer name containing the old one."""
    close = difflib.get_close_matches(name, candidates, n=1)
    if not close:
        close = [c for c in candidates if name.lower() in c.lower()][:1]
    return f' (did you mean "{close[0]}"?)' if close else ""


def _key(coll: Collection, table: TableInfo) -> Iterator[Item]:
    declared = set(table.primary_key)
    wanted = set(coll.key_columns)
    if declared and wanted != declared and wanted not in [set(u) for u in table.unique]:
        yield (
            None,
            "drift",
            f"primary key in the map ({', '.join(coll.key_columns)}) differs from the "
            f"database's ({', '.join(table.primary_key)})",
        )
    elif not declared and wanted not in [set(u) for u in table.unique]:
        yield (None, "note", "the database declares no primary or unique key on these columns")


def _identities(
    coll: Collection, table: TableInfo, live: SchemaInfo, conn: Connection, sample_size: int
) -> Iterator[Item]:
    checks = {kind: col for kind, col in coll.identity.items() if kind in IDENTITY_KINDS}
    present = {k: c for k, c in checks.items() if table.column(c) is not None}
    if not present:
        return
    values = sample_table(conn, table, live.schema, sample_size)
    for kind, column in present.items():
        spec = KINDS[IDENTITY_KINDS[kind]]
        check = detectors.is_phone_shaped if kind == "phone" else spec.check
        assert check is not None
        sampled = [v for v in values.get(column, []) if v not in (None, "")]
        matched = sum(1 for v in sampled if check(v))
        if sampled and matched / len(sampled) < IDENTITY_SHARE:
            yield (
                column,
                "drift",
                f"identity {kind}: the sampled values no longer look like {kind} "
                f"({matched} of {len(sampled)} sampled values {spec.check_text})",
            )


def _dates(coll: Collection, table: TableInfo) -> Iterator[Item]:
    if coll.retention is None:
        return
    for event, column in coll.retention.dates.items():
        info = table.column(column) if "." not in column else None
        if info is not None and info.family not in DATE_FAMILIES:
            yield (
                column,
                "drift",
                f"retention event {event} reads {column}, a {info.type} column, not a date",
            )


def _reference(
    system: System, coll: Collection, ref: Reference, table: TableInfo, live: SchemaInfo
) -> Iterator[Item]:
    target_coll = system.get_collection(ref.to)
    target = live.table(target_coll.table_name) if target_coll else None
    if target_coll is None or target is None:
        return  # the loader or the target's own check reports it
    target_cols = coll.target_columns(ref, target_coll)
    label = f"{', '.join(ref.columns)} -> {ref.to}"
    for mine, theirs in zip(ref.columns, target_cols, strict=False):
        a, b = table.column(mine), target.column(theirs)
        if a is None or b is None:
            if b is None:
                yield (mine, "drift", f'reference {label}: "{theirs}" is not in {target.name}')
            continue
        if a.family != b.family and b.family not in COMPATIBLE.get(a.family, set()):
            yield (mine, "drift", f"reference {label}: {a.type} cannot hold {theirs} ({b.type})")
    declared = {(fk.columns, fk.target) for fk in table.foreign_keys}
    if (ref.columns, target.name) not in declared:
        yield (
            ref.columns[0],
            "note",
            f"reference {label} ({ref.meaning}) is not declared as a foreign key in the "
            "database: nothing there keeps it true",
        )


def _new_columns(
    coll: Collection,
    table: TableInfo,
    live: SchemaInfo,
    conn: Connection,
    sample_size: int,
    owned: bool,
) -> Iterator[Item]:
    """Columns the map does not name that look like personal data: a new email, a note."""
    used = set(coll.columns_used())
    unnamed = [c for c in table.columns if c.name not in used]
    if not unnamed:
        return
    values = sample_table(conn, table, live.schema, sample_size)
    for col in unnamed:
        proposal = classify_column(col.name, col.family, values.get(col.name, []), table=table.name)
        if proposal.category == "purchases" and not owned:
            continue  # a price on a catalogue row is nobody's personal data
        if proposal.category is not None and proposal.confidence != "low":
            yield (
                col.name,
                "drift",
                f"column {col.name} is not in the map and looks like {proposal.category} "
                f"({'; '.join(proposal.evidence)})",
            )


def _indexes(coll: Collection, table: TableInfo) -> Iterator[Item]:
    """Lookups a discovery makes that no index serves: each one scans the whole table."""
    for kind, column in coll.identity.items():
        if table.column(column) is None:
            continue
        if kind in coll.casefold:
            if not any(column.lower() in e and "lower" in e for e in table.index_expressions):
                yield (
                    column,
                    "note",
                    f"identity {kind} is matched as lower({column}) and no index serves it: "
                    f"each discovery scans {table.name} (index lower({column}), or set "
                    "casefold: [] if the values are stored lower-case)",
                )
        elif column not in table.index_leads:
            yield (column, "note", _scan_note(table, column, f"identity {kind}"))
    for ref in coll.references:
        if ref.meaning == "owns" and table.column(ref.columns[0]) is not None:
            if ref.columns[0] not in table.index_leads:
                yield (ref.columns[0], "note", _scan_note(table, ref.columns[0], "owns reference"))


def _scan_note(table: TableInfo, column: str, what: str) -> str:
    lacking = table.unindexed_partitions(column)
    if table.partitions and lacking and len(lacking) < len(table.partitions):
        return (
            f"{what}: partition(s) {', '.join(lacking)} of {table.name} have no index "
            f"starting with {column}: each discovery scans them"
        )
    return f"{what}: no index starts with {column}: each discovery scans {table.name}"


def _unmapped_links(system: System, live: SchemaInfo) -> Iterator[Finding]:
    """A table the map does not know that points at a mapped one may hold the person's rows."""
    mapped = {c.table_name: c.name for c in system.collections}
    personal = {system.collection(n).table_name for n in owned_collections(system)}
    for table in live.tables.values():
        if table.name in mapped:
            continue
        for fk in table.foreign_keys:
            if fk.target in personal:
                yield Finding(
                    system.id,
                    mapped[fk.target],
                    None,
                    "drift",
                    f"table {table.name} points at {mapped[fk.target]} through "
                    f"{', '.join(fk.columns)} but is not in the map: its rows may be the person's",
                )


def owned_collections(system: System) -> set[str]:
    """Collections holding persons (an identity) and those they own, through ``owns``."""
    owned = {c.name for c in system.collections if c.identity}
    grew = True
    while grew:
        grew = False
        for coll in system.collections:
            if coll.name not in owned and any(
                r.meaning == "owns" and r.to in owned for r in coll.references
            ):
                owned.add(coll.name)
                grew = True
    return owned
