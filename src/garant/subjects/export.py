"""The access package (GDPR Art. 15, AF-D1) and the portability package (Art. 20, AF-D4).

One JSON and one CSV file per collection, rows streamed from the database to the zip in
batches (never all held at once), headed by readable labels in the person's language; a
``manifest.json`` (systems, counts, SHA-256 of every file, time, policy version); an
``index.html`` the person can read. Other people's data inside the rows is redacted
(Art. 15(4)); excluded data (DEF-D4) is left out and listed with its reason.

JSON structure of ``<system>/<collection>.json`` (format ``garant.export/1``)::

    {"format": "garant.export/1", "system": "...", "collection": "...",
     "activity": "...", "legal_basis": "...", "entity": "...",
     "fields": [{"name": "...", "label": "...", "category": "..."}],
     "records": [{"relation": "own"|"context", "entity": "...", "<field>": value, ...}]}
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from garant.connectors import Connector, connector_for
from garant.datamap.models import Collection, FieldSpec, Key
from garant.i18n import language, translate
from garant.store.uow import UnitOfWork
from garant.subjects import report
from garant.subjects.art15 import find_activity, legal_basis
from garant.subjects.files import HashedEntry, cell, plain
from garant.subjects.find import column_values, key_of, traverse
from garant.subjects.records import gather
from garant.subjects.rules import Identity, variants
from garant.subjects.schemas import Row, RowSet, SubjectFind
from garant.subjects.service import audit_access, check_identities, check_purpose, subject_refs

REDACTED = "[redacted: another person's data]"
_ENCODE = json.JSONEncoder(default=plain, ensure_ascii=False).encode
"""``json.dumps(record, default=plain, ensure_ascii=False)`` without an encoder per record."""
FLUSH = 1000
"""Records joined before one write into the zip entry (and its hash)."""
PORTABLE_BASES = ("consent", "contract")


@dataclass
class CollectionExport:
    rowset: RowSet
    fields: list[FieldSpec]
    path: str
    records: int = 0
    context: int = 0
    sample: list[Row] = field(default_factory=list)

    def count(self, relation: str, record: Row) -> None:
        """Tally a record; the first few are kept for the readable page."""
        if relation == "own":
            self.records += 1
        else:
            self.context += 1
        if len(self.sample) < 20:
            self.sample.append(record)


@dataclass
class ExportResult:
    path: Path
    manifest: dict[str, Any]
    found: SubjectFind


def export_subject(
    *,
    uow: UnitOfWork,
    identities: list[Identity],
    out: Path,
    purpose: str,
    portable: bool = False,
    lang: str = "fr",
) -> ExportResult:
    """Find the person's rows and write their package to ``out``; audited (DEF-S2)."""
    purpose = check_purpose(purpose)
    check_identities(uow.garant, identities)
    found = traverse(uow.garant, identities)
    manifest = write_package(uow=uow, found=found, out=out, portable=portable, lang=lang)
    audit_access(
        uow,
        "subject.export.portable" if portable else "subject.export",
        identities,
        purpose=purpose,
        details=found.counts() | {"files": len(manifest["files"]), "language": lang},
    )
    return ExportResult(out, manifest, found)


def write_package(
    *, uow: UnitOfWork, found: SubjectFind, out: Path, portable: bool = False, lang: str = "fr"
) -> dict[str, Any]:
    """Package an existing discovery (no audit: the caller audits its access). The zip is
    written beside ``out`` and moved in place only when complete; returns the manifest."""
    garant = uow.garant
    refs = subject_refs(uow, found.identities)
    tmp = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            language(lang),
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        ):
            writer = _Writer(uow, archive, found.identities, lang=lang, portable=portable)
            exports, excluded = writer.write_all(found)
            sections = gather(uow, refs)
            manifest = writer.manifest(found, exports, excluded, sections)
            page = report.render(
                garant, found, exports, excluded, sections, lang=lang, portable=portable
            )
            writer.put("index.html", page.encode("utf-8"))
            manifest["files"] = writer.hashes
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return manifest


class _Writer:
    def __init__(
        self,
        uow: UnitOfWork,
        archive: zipfile.ZipFile,
        identities: list[Identity],
        *,
        lang: str,
        portable: bool,
    ):
        self.uow = uow
        self.archive = archive
        self.lang = lang
        self.portable = portable
        self.hashes: dict[str, str] = {}
        self.found = SubjectFind(identities)  # the discovery being written (``write_all``)
        self.own_values = {v.lower() for i in identities for v in variants(i)}
        self.words = {
            "own": translate(lang, "yours"),
            "context": translate(lang, "linked, shared with others"),
        }

    def put(self, name: str, data: bytes) -> None:
        self.archive.writestr(name, data)
        self.hashes[name] = hashlib.sha256(data).hexdigest()

    def open(self, name: str, *, bom: bool = False) -> HashedEntry:
        return HashedEntry(self.archive, self.hashes, name, bom=bom)

    def write_all(self, found: SubjectFind) -> tuple[list[CollectionExport], list[dict[str, Any]]]:
        exports: list[CollectionExport] = []
        excluded: list[dict[str, Any]] = []
        with ExitStack() as held:  # one connection per system for every collection's reads
            for system_id in dict.fromkeys(r.system.id for r in found.rowsets):
                held.enter_context(connector_for(self.uow.garant, system_id).reading())
            self.found = found
            self._write_rowsets(found, exports, excluded)
        return exports, excluded

    def _write_rowsets(
        self, found: SubjectFind, exports: list[CollectionExport], excluded: list[dict[str, Any]]
    ) -> None:
        for rowset in found.rowsets:
            coll = rowset.collection
            if coll.exclude is not None:
                if rowset.owned:
                    excluded.append(self._excluded(rowset, None, coll.exclude.text(self.lang)))
                continue
            if self.portable and not self._portable_collection(rowset):
                continue
            fields = self._fields(rowset, excluded)
            if fields:
                exports.append(self._write_collection(rowset, fields))

    def _excluded(self, rowset: RowSet, spec: FieldSpec | None, reason: str) -> dict[str, Any]:
        label = rowset.collection.label
        return {
            "system": rowset.system.id,
            "collection": rowset.collection.name,
            "collection_label": label.get(self.lang) if label else rowset.collection.name,
            "field": spec.name if spec else None,
            "field_label": spec.label.get(self.lang) if spec else None,
            "rows": len(rowset.owned),
            "reason": reason,
        }

    def _portable_collection(self, rowset: RowSet) -> bool:
        """AF-D4: only activities based on consent or a contract are portable."""
        if not rowset.owned:
            return False
        activity = find_activity(self.uow.garant.policy, rowset.collection.activity)
        return legal_basis(activity) in PORTABLE_BASES

    def _fields(self, rowset: RowSet, excluded: list[dict[str, Any]]) -> list[FieldSpec]:
        coll = rowset.collection
        fields = []
        for spec in coll.fields:
            if spec.exclude is not None:
                if rowset.owned:
                    excluded.append(self._excluded(rowset, spec, spec.exclude.text(self.lang)))
                continue
            if self.portable and not coll.is_portable(spec):
                continue
            fields.append(spec)
        return fields

    def _write_collection(self, rowset: RowSet, fields: list[FieldSpec]) -> CollectionExport:
        """JSON straight into the zip, CSV through a spooled file: one pass over the rows."""
        base = f"{rowset.system.id}/{rowset.collection.name}"
        export = CollectionExport(rowset, fields, base)
        spool = tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+", encoding="utf-8")
        with spool, self.open(base + ".json") as out:
            out.write(self._json_header(rowset, fields)[:-2] + ', "records": [\n')
            table = csv.writer(spool)
            table.writerow(
                [translate(self.lang, "Relation"), translate(self.lang, "Entity")]
                + [f.label.get(self.lang) for f in fields]
            )
            names = [f.name for f in fields]
            records = _JsonRecords(out)
            for relation, record in self._records(rowset, fields):
                records.add(record)
                table.writerow(
                    [self.words[relation], record["entity"] or ""]
                    + [cell(record[n]) for n in names]
                )
                export.count(relation, record)
            records.flush()
            out.write("\n]}\n")
            out.close()
            spool.seek(0)
            with self.open(base + ".csv", bom=True) as csv_out:
                shutil.copyfileobj(spool, csv_out)
        return export

    def _records(self, rowset: RowSet, fields: list[FieldSpec]) -> Iterator[tuple[str, Row]]:
        """The person's rows, then (outside portability) the context rows, redacted."""
        coll = rowset.collection
        connector = connector_for(self.uow.garant, rowset.system.id)
        entity = [coll.entity_column] if coll.entity_column else []
        select = list(dict.fromkeys([*coll.key_columns, *(f.name for f in fields), *entity]))
        identity_columns = set(coll.identity.values())
        for row in owned_rows(connector, self.found, rowset, select):
            yield "own", self._record(rowset, fields, row, "own", identity_columns)
        if not self.portable:
            for row in _read(connector, coll, list(rowset.context), select):
                yield "context", self._record(rowset, fields, row, "context", identity_columns)

    def _json_header(self, rowset: RowSet, fields: list[FieldSpec]) -> str:
        coll = rowset.collection
        activity = find_activity(self.uow.garant.policy, coll.activity)
        return (
            json.dumps(
                {
                    "format": "garant.export/1",
                    "system": rowset.system.id,
                    "collection": coll.name,
                    "label": coll.label.get(self.lang) if coll.label else coll.name,
                    "activity": coll.activity,
                    "legal_basis": legal_basis(activity),
                    "fields": [
                        {"name": f.name, "label": f.label.get(self.lang), "category": f.category}
                        for f in fields
                    ],
                },
                ensure_ascii=False,
            )
            + "\n"
        )

    def _record(
        self,
        rowset: RowSet,
        fields: list[FieldSpec],
        row: Row,
        relation: str,
        identity_columns: set[str],
    ) -> Row:
        record: Row = {"relation": relation, "entity": rowset.entity_of(row)}
        for spec in fields:
            value = row.get(spec.name)
            if spec.third_party and value is not None:
                value = REDACTED
            elif relation == "context" and spec.name in identity_columns:
                if value is not None and str(value).strip().lower() not in self.own_values:
                    value = REDACTED
            record[spec.name] = value
        return record

    def manifest(
        self,
        found: SubjectFind,
        exports: list[CollectionExport],
        excluded: list[dict[str, Any]],
        sections: list[dict[str, Any]],
    ) -> dict[str, Any]:
        garant = self.uow.garant
        return {
            "format": "garant.export/1",
            "kind": "portability" if self.portable else "access",
            "generated_at": self.uow.now().isoformat(),
            "controller": garant.policy.controller.name,
            "policy_version": policy_version(garant),
            "language": self.lang,
            "identities": [i.kind for i in found.identities],
            "systems": _systems(exports),
            "counts": {
                "records": sum(e.records for e in exports),
                "context_records": sum(e.context for e in exports),
            },
            "excluded": excluded,
            "garant_records": [{"title": s["title"], "rows": len(s["rows"])} for s in sections],
        }


def _systems(exports: list[CollectionExport]) -> list[dict[str, Any]]:
    """Systems with their collections, counts and files (hosting country: Art. 15(2))."""
    systems: dict[str, dict[str, Any]] = {}
    for export in exports:
        system, coll = export.rowset.system, export.rowset.collection
        entry = systems.setdefault(
            system.id,
            {
                "id": system.id,
                "kind": system.kind,
                "entity": system.entity,
                "hosting_country": system.hosting_country,
                "collections": [],
            },
        )
        entry["collections"].append(
            {
                "name": coll.name,
                "activity": coll.activity,
                "records": export.records,
                "context_records": export.context,
                "files": [export.path + ".json", export.path + ".csv"],
            }
        )
    return list(systems.values())


class _JsonRecords:
    """The ``records`` array of a collection's JSON, written a thousand records at a time."""

    def __init__(self, out: HashedEntry):
        self.out, self.parts, self.started = out, list[str](), False

    def add(self, record: Row) -> None:
        self.parts.append(_ENCODE(record))
        if len(self.parts) >= FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.out.write((",\n" if self.started else "") + ",\n".join(self.parts))
            self.started, self.parts = True, []


def owned_rows(
    connector: Connector, found: SubjectFind, rowset: RowSet, select: list[str]
) -> Iterator[Row]:
    """The person's rows of a collection, each once: streamed by the ``owns`` references
    that reached them (``customer_id = ANY(:owners)``, served by the foreign key's index)
    rather than by thousands of primary keys; rows reached otherwise (identity matches)
    are then read by key. Only rows the discovery found are ever yielded."""
    coll, owned = rowset.collection, rowset.owned
    seen: set[Key] = set()
    for ref in coll.references:
        owner = found.get(rowset.system.id, ref.to) if ref.meaning == "owns" else None
        if owner is None or not owner.owned or len(seen) == len(owned):
            continue
        wanted = column_values(owner.owned.values(), coll.target_columns(ref, owner.collection))
        for row in connector.find(coll, ref.columns, wanted, select=select):
            key = key_of(coll, row)
            if key in owned and key not in seen:
                seen.add(key)
                yield row
    rest = [key for key in owned if key not in seen] if seen else list(owned)
    yield from _read(connector, coll, rest, select)


def _read(connector: Connector, coll: Collection, keys: list[Key], select: list[str]) -> Any:
    """Rows by key, 1,000 keys per query on one held connection: memory stays bounded."""
    with connector.reading():
        yield from connector.read(coll, keys, select=select)


def policy_version(garant: Any) -> str:
    """The published policy's version label, else the SHA-256 of the policy file."""
    label = getattr(garant.policy, "version_label", None)
    if label:
        return str(label)
    digest = hashlib.sha256(garant.policy_path.read_bytes()).hexdigest()
    return f"sha256:{digest[:16]}"
