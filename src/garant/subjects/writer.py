"""One collection's files in an export package: JSON records and CSV rows.

Rows arrive in batches while the discovery reads them (one pass over the database); each
record is redacted (Art. 15(4)), its values turned into plain JSON values once, and
written to a spooled JSON and CSV file; the package copies both into the zip when the
discovery is over. Memory stays bounded: a spool moves to disk past a few megabytes.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from json import encoder as json_encoder
from operator import itemgetter
from typing import IO, Any

from garant.datamap.models import FieldSpec
from garant.subjects.files import HashedEntry, plain
from garant.subjects.schemas import Row, RowSet

REDACTED = "[redacted: another person's data]"
SPOOL = 4 << 20
"""Bytes of a collection's JSON or CSV kept in memory before its spool moves to disk."""
SAMPLE = 20
"""Records of each collection kept for the readable page."""
_NATIVE = frozenset({str, int, float, bool, type(None)})
_PLAIN: dict[type, Callable[[Any], Any]] = {
    datetime: datetime.isoformat,
    date: date.isoformat,
    Decimal: str,
}
"""The usual non-JSON types, converted without ``plain``'s chain of checks."""


def _record_encoder() -> Any:
    """One JSON encoder for every record (``json.dumps`` builds one per call); the C
    encoder of the standard library when present: a record per line stays readable."""
    make = getattr(json_encoder, "c_make_encoder", None)
    basestring = getattr(json_encoder, "c_encode_basestring", None)
    if make is None or basestring is None:  # pragma: no cover - CPython always has them
        encode = json.JSONEncoder(ensure_ascii=False).encode
        return lambda record: encode(record)
    # markers, default, encoder, indent, key_sep, item_sep, sort_keys, skipkeys, allow_nan
    c_encode = make(None, None, basestring, None, ": ", ", ", False, False, True)
    return lambda record: "".join(c_encode(record, 0))


_ENCODE = _record_encoder()


@dataclass
class CollectionExport:
    rowset: RowSet
    fields: list[FieldSpec]
    path: str
    records: int = 0
    context: int = 0
    sample: list[Row] = field(default_factory=list)


class CollectionFile:
    """A collection's records, spooled until the package is assembled."""

    def __init__(
        self,
        export: CollectionExport,
        *,
        header: str,
        words: dict[str, str],
        own_values: set[str],
    ):
        self.export, self.header, self.words, self.own_values = export, header, words, own_values
        fields = export.fields
        self.names = [f.name for f in fields]
        self.keys = ["relation", "entity", *self.names]
        identity = set(export.rowset.collection.identity.values())
        self.third_party = [i for i, f in enumerate(fields) if f.third_party]
        self.identity = [i for i, f in enumerate(fields) if f.name in identity]
        self.json: IO[str] = _spool()
        self.csv: IO[str] = _spool()
        self.buffer = io.StringIO()  # a batch of CSV rows, written to the spool at once
        self.table = csv.writer(self.buffer)
        self.started = False

    def take(self, relation: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
        export, keys, word = self.export, self.keys, self.words[relation]
        pick, entity_of = self._pickers(names)
        sample, own = export.sample, relation == "own"
        redact = bool(self.third_party or (not own and self.identity))
        records: list[str] = []
        cells: list[list[Any]] = []
        for row in rows:
            values = list(pick(row))
            if redact:
                values = self._redacted(values, relation)
            entity = entity_of(row)
            if len(sample) < SAMPLE:
                sample.append(dict(zip(keys, [relation, entity, *values], strict=True)))
            values = [v if type(v) in _NATIVE else _PLAIN.get(type(v), plain)(v) for v in values]
            records.append(_ENCODE(dict(zip(keys, [relation, entity, *values], strict=True))))
            cells.append([word, entity or "", *values])
        if own:
            export.records += len(rows)
        else:
            export.context += len(rows)
        if records:
            self.json.write((",\n" if self.started else "") + ",\n".join(records))
            self.started = True
        self.table.writerows(cells)
        self.csv.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def _pickers(
        self, names: list[str]
    ) -> tuple[Callable[[Sequence[Any]], Sequence[Any]], Callable[[Sequence[Any]], str | None]]:
        """The shown fields' values and the row's entity (DEF-O1), picked by position."""
        index = {name: i for i, name in enumerate(names)}
        fields = [index[n] for n in self.names]
        pick: Callable[[Sequence[Any]], Sequence[Any]] = (
            itemgetter(*fields) if len(fields) > 1 else (lambda row: (row[fields[0]],))
        )
        rowset = self.export.rowset
        column = rowset.collection.entity_column
        if column is None:
            entity = rowset.system.entity
            return pick, lambda row: entity
        at = index[column]
        return pick, lambda row: str(row[at]) if row[at] is not None else rowset.system.entity

    def _redacted(self, values: list[Any], relation: str) -> list[Any]:
        """Other people's data inside the row (Art. 15(4)): third-party fields always; in a
        shared context row, identity values that are not the person's own."""
        for i in self.third_party:
            if values[i] is not None:
                values[i] = REDACTED
        if relation == "context":
            for i in self.identity:
                value = values[i]
                if value is not None and str(value).strip().lower() not in self.own_values:
                    values[i] = REDACTED
        return values

    def write_json(self, out: HashedEntry) -> None:
        """The JSON file into the zip: its header, then its records."""
        out.write(self.header[:-2] + ', "records": [\n')
        _copy(self.json, out)
        out.write("\n]}\n")

    def write_csv(self, out: HashedEntry, heads: list[str]) -> None:
        heading = _spool()
        csv.writer(heading).writerow(heads)
        _copy(heading, out)
        heading.close()
        _copy(self.csv, out)

    def close(self) -> None:
        self.json.close()
        self.csv.close()


def _spool() -> IO[str]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL, mode="w+", encoding="utf-8")


def _copy(spool: IO[str], out: HashedEntry) -> None:
    spool.seek(0)
    while chunk := spool.read(1 << 20):
        out.write(chunk)
