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

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from garant.connectors import BATCH, Connector, batched, connector_for
from garant.datamap.models import Collection, FieldSpec, Key, System
from garant.i18n import language, translate
from garant.store.uow import UnitOfWork
from garant.subjects import report
from garant.subjects.art15 import find_activity, legal_basis
from garant.subjects.files import HashedEntry
from garant.subjects.find import column_values, key_of, traverse
from garant.subjects.records import gather
from garant.subjects.rules import Identity, variants
from garant.subjects.schemas import Row, RowSet, SubjectFind
from garant.subjects.service import audit_access, check_identities, check_purpose, subject_refs
from garant.subjects.writer import REDACTED, CollectionExport, CollectionFile

__all__ = ["REDACTED", "CollectionExport", "ExportResult", "export_subject", "write_package"]
PORTABLE_BASES = ("consent", "contract")


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
    """Find the person's rows and write their package to ``out``; audited (DEF-S2).

    One pass: the discovery reads every row it reaches with the columns the package
    shows and hands it to the package as it arrives (no second read of the database)."""
    purpose = check_purpose(purpose)
    check_identities(uow.garant, identities)
    found = SubjectFind(identities)

    def discover(writer: _Writer) -> SubjectFind:
        found.rowsets = traverse(uow.garant, identities, sink=writer).rowsets
        return found

    manifest = _package(uow, identities, out, discover, portable=portable, lang=lang)
    uow.on_rollback(lambda: out.unlink(missing_ok=True))  # no package without its audit event
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
    """Package an existing discovery (no audit: the caller audits its access): its rows
    are read again with their shown columns. Returns the manifest."""

    def read(writer: _Writer) -> SubjectFind:
        writer.read_rows(found)
        return found

    return _package(uow, found.identities, out, read, portable=portable, lang=lang)


def _package(
    uow: UnitOfWork,
    identities: list[Identity],
    out: Path,
    fill: Callable[[_Writer], SubjectFind],
    *,
    portable: bool,
    lang: str,
) -> dict[str, Any]:
    """The zip is written beside ``out`` and moved in place only when complete."""
    garant = uow.garant
    refs = subject_refs(uow, identities)
    tmp = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            language(lang),
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
            _Writer(uow, archive, identities, refs, lang=lang, portable=portable) as writer,
        ):
            found = fill(writer)
            exports, excluded = writer.write_all(found)
            sections = writer.sections if writer.sections is not None else gather(uow, refs)
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
    """The package being written; as a discovery's sink it receives the rows it reads."""

    def __init__(
        self,
        uow: UnitOfWork,
        archive: zipfile.ZipFile,
        identities: list[Identity],
        refs: list[str],
        *,
        lang: str,
        portable: bool,
    ):
        self.uow = uow
        self.refs = refs
        self.sections: list[dict[str, Any]] | None = None
        self.archive = archive
        self.lang = lang
        self.portable = portable
        self.hashes: dict[str, str] = {}
        self.files: dict[tuple[str, str], CollectionFile] = {}
        self.own_values = {v.lower() for i in identities for v in variants(i)}
        self.words = {
            "own": translate(lang, "yours"),
            "context": translate(lang, "linked, shared with others"),
        }

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        for file in self.files.values():
            file.close()

    def put(self, name: str, data: bytes) -> None:
        self.archive.writestr(name, data)
        self.hashes[name] = hashlib.sha256(data).hexdigest()

    def open(self, name: str, *, bom: bool = False) -> HashedEntry:
        return HashedEntry(self.archive, self.hashes, name, bom=bom)

    # --- rows in (the discovery's sink) -------------------------------------------------
    def waiting(self) -> None:
        """While the database works on the discovery's lookups: Garant's own records
        about the person, which need none of its rows (read once)."""
        if self.sections is None:
            self.sections = gather(self.uow, self.refs)

    def columns(self, system: System, coll: Collection) -> Sequence[str]:
        """Keys, shown fields and entity of a collection the package shows, else none."""
        if coll.exclude is not None or (self.portable and not self._portable_basis(coll)):
            return ()
        fields = self._fields(coll)
        if not fields:
            return ()
        entity = [coll.entity_column] if coll.entity_column else []
        return list(dict.fromkeys([*coll.key_columns, *(f.name for f in fields), *entity]))

    def take(
        self, rowset: RowSet, relation: str, names: list[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        if relation == "context" and self.portable:
            return
        self._file(rowset).take(relation, names, rows)

    def read_rows(self, found: SubjectFind) -> None:
        """The rows of an existing discovery, read again: own rows by the reference that
        reached them, context rows by key; one held connection per system."""
        with ExitStack() as held:
            for system_id in dict.fromkeys(r.system.id for r in found.rowsets):
                held.enter_context(connector_for(self.uow.garant, system_id).reading())
            for rowset in found.rowsets:
                select = list(self.columns(rowset.system, rowset.collection))
                if not select:
                    continue
                connector = connector_for(self.uow.garant, rowset.system.id)
                own = owned_rows(connector, found, rowset, select)
                self._take_all(rowset, "own", select, own)
                keys = [] if self.portable else list(rowset.context)
                context = connector.read(rowset.collection, keys, select=select)
                self._take_all(rowset, "context", select, context)

    def _take_all(
        self, rowset: RowSet, relation: str, names: list[str], rows: Iterator[Row]
    ) -> None:
        for batch in batched(rows, BATCH):
            self.take(rowset, relation, names, [[row[n] for n in names] for row in batch])

    def _file(self, rowset: RowSet) -> CollectionFile:
        place = (rowset.system.id, rowset.collection.name)
        file = self.files.get(place)
        if file is None:
            fields = self._fields(rowset.collection)
            export = CollectionExport(rowset, fields, "/".join(place))
            header = self._json_header(rowset, fields)
            file = CollectionFile(
                export, header=header, words=self.words, own_values=self.own_values
            )
            self.files[place] = file
        return file

    # --- files out --------------------------------------------------------------------------
    def write_all(self, found: SubjectFind) -> tuple[list[CollectionExport], list[dict[str, Any]]]:
        """Each shown collection's JSON and CSV into the zip, in the discovery's order;
        what is left out listed with its reason (DEF-D4)."""
        exports: list[CollectionExport] = []
        excluded: list[dict[str, Any]] = []
        for rowset in found.rowsets:
            coll = rowset.collection
            if coll.exclude is not None:
                if rowset.owned:
                    excluded.append(self._excluded(rowset, None, coll.exclude.text(self.lang)))
                continue
            if self.portable and not (rowset.owned and self._portable_basis(coll)):
                continue
            if rowset.owned:
                for spec in coll.fields:
                    if spec.exclude is not None:
                        excluded.append(self._excluded(rowset, spec, spec.exclude.text(self.lang)))
            if self._fields(coll):
                exports.append(self._write_collection(rowset))
        return exports, excluded

    def _write_collection(self, rowset: RowSet) -> CollectionExport:
        file = self._file(rowset)
        heads = [translate(self.lang, "Relation"), translate(self.lang, "Entity")]
        heads += [f.label.get(self.lang) for f in file.export.fields]
        base = file.export.path
        with self.open(base + ".json") as json_out:
            file.write_json(json_out)
        with self.open(base + ".csv", bom=True) as csv_out:
            file.write_csv(csv_out, heads)
        return file.export

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

    def _portable_basis(self, coll: Collection) -> bool:
        """AF-D4: only activities based on consent or a contract are portable."""
        activity = find_activity(self.uow.garant.policy, coll.activity)
        return legal_basis(activity) in PORTABLE_BASES

    def _fields(self, coll: Collection) -> list[FieldSpec]:
        return [
            spec
            for spec in coll.fields
            if spec.exclude is None and not (self.portable and not coll.is_portable(spec))
        ]

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
