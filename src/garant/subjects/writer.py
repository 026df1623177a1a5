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
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from json import encoder as json_encoder
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


def _value_encoders() -> tuple[Callable[[str], str], Callable[[Any], str]]:
    """JSON text of a string, and of any JSON value, by the standard library's C encoder
    when present (``json.dumps`` builds an encoder per call)."""
    make = getattr(json_encoder, "c_make_encoder", None)
    string = getattr(json_encoder, "c_encode_basestring", None)
    if make is None or string is None:  # pragma: no cover - CPython always has them
        encode = json.JSONEncoder(ensure_ascii=False).encode
        return encode, encode
    # markers, default, encoder, indent, key_sep, item_sep, sort_keys, skipkeys, allow_nan
    c_encode = make(None, None, string, None, ": ", ", ", False, False, True)
    return string, lambda value: "".join(c_encode(value, 0))


_STRING, _VALUE = _value_encoders()


def json_records(keys: list[str], columns: list[list[Any]]) -> Iterator[str]:
    """One JSON object per row, ``{"key": value, ...}`` exactly as ``json.dumps`` writes it
    (``ensure_ascii=False``), built column by column: a column of text or of integers is
    encoded in one C-level pass, then each row is one ``%`` format of its encoded values."""
    template = "{" + ", ".join(_STRING(k).replace("%", "%%") + ": %s" for k in keys) + "}"
    return map(template.__mod__, zip(*map(_json_column, columns), strict=True))


def _json_column(column: list[Any]) -> Iterable[str]:
    kinds = set(map(type, column))
    if kinds == {str}:
        return map(_STRING, column)
    if kinds == {int}:
        return map(int.__repr__, column)
    if kinds == {type(None)}:
        return ["null"] * len(column)
    return map(_VALUE, column)


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
        self.json: IO[bytes] = _spool()  # UTF-8, encoded once, copied as bytes into the zip
        self.csv: IO[bytes] = _spool()
        self.buffer = io.StringIO()  # a batch of CSV rows, written to the spool at once
        self.table = csv.writer(self.buffer, lineterminator="\n")
        self.started = False

    def take(self, relation: str, names: list[str], rows: Sequence[Sequence[Any]]) -> None:
        """A batch of rows, handled column by column: each column is redacted and turned
        into JSON values in one pass over it (most in C: ``map``, ``zip``), then the
        records are encoded and the CSV rows written from the same values."""
        if not rows:
            return
        index = {name: i for i, name in enumerate(names)}
        columns = [[row[index[n]] for row in rows] for n in self.names]
        self._redact(columns, relation)
        entities = self._entities(rows, index)
        export, keys, count = self.export, self.keys, len(rows)
        relations = [relation] * count
        if len(export.sample) < SAMPLE:
            head = zip(relations, entities, *columns, strict=True)
            room = SAMPLE - len(export.sample)
            export.sample.extend(
                dict(zip(keys, values, strict=True)) for values in islice(head, room)
            )
        columns = [_plain_column(column) for column in columns]
        text = ",\n".join(json_records(keys, [relations, entities, *columns]))
        self.json.write(((",\n" if self.started else "") + text).encode("utf-8"))
        self.started = True
        words = [self.words[relation]] * count
        cells = map(_spreadsheet_safe, columns)
        self.table.writerows(zip(words, [e or "" for e in entities], *cells, strict=True))
        self.csv.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()
        if relation == "own":
            export.records += count
        else:
            export.context += count

    def _entities(self, rows: Sequence[Sequence[Any]], index: dict[str, int]) -> list[Any]:
        """Each row's group entity (DEF-O1): its column, else its system's."""
        rowset = self.export.rowset
        column, default = rowset.collection.entity_column, rowset.system.entity
        if column is None:
            return [default] * len(rows)
        at = index[column]
        return [str(row[at]) if row[at] is not None else default for row in rows]

    def _redact(self, columns: list[list[Any]], relation: str) -> None:
        """Other people's data inside the rows (Art. 15(4)): third-party fields always; in
        shared context rows, identity values that are not the person's own."""
        for i in self.third_party:
            columns[i] = [REDACTED if v is not None else None for v in columns[i]]
        if relation != "context":
            return
        own = self.own_values
        for i in self.identity:
            columns[i] = [
                REDACTED if v is not None and str(v).strip().lower() not in own else v
                for v in columns[i]
            ]

    def write_json(self, out: HashedEntry) -> None:
        """The JSON file into the zip: its header, then its records."""
        out.write(self.header[:-2] + ', "records": [\n')
        _copy(self.json, out)
        out.write("\n]}\n")

    def write_csv(self, out: HashedEntry, heads: list[str]) -> None:
        heading = io.StringIO()
        csv.writer(heading, lineterminator="\n").writerow(heads)
        out.write(heading.getvalue())
        _copy(self.csv, out)

    def close(self) -> None:
        self.json.close()
        self.csv.close()


_FORMULA = re.compile(r"[=@\t\r]|[+-](?![\d\s().]*$)")
"""What a spreadsheet runs as a formula: =, @, a tab or CR first, or + and - before
anything that is not a plain number (+33 6 12 34 56 78 stays as it is)."""
_FORMULA_FIRST = frozenset("=@\t\r+-")
"""The first characters ``_FORMULA`` can match: a column none of whose texts starts with
one is safe as it is, without a regular expression per value."""


def _spreadsheet_safe(column: list[Any]) -> list[Any]:
    """The CSV is opened in spreadsheets (it starts with a BOM for them): a text that
    would run as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, typed into a
    form by the person or anyone) gets a leading apostrophe, as OWASP advises against
    CSV injection. The JSON keeps every value as it is."""
    if _FORMULA_FIRST.isdisjoint({v[:1] for v in column if type(v) is str}):
        return column  # a grown customer's 1.4 million cells: 3 times faster than a match each
    return ["'" + v if type(v) is str and _FORMULA.match(v) else v for v in column]


def _plain_column(column: list[Any]) -> list[Any]:
    """A column's values as JSON values: kept when they already are (most columns), else
    converted by their type (dates and times in ISO 8601, decimals as text)."""
    kinds = set(map(type, column))
    if kinds <= _NATIVE:
        return column
    others = kinds - {type(None)}
    if len(others) == 1:  # one type, perhaps with NULLs: one converter for the column
        kind = next(iter(others))
        convert = _PLAIN.get(kind, plain)
        if len(kinds) == 1:
            if kind is datetime and column.count(column[0]) * 2 > len(column):
                return _mostly_one_time(column)
            return list(map(convert, column))
        return [None if v is None else convert(v) for v in column]
    return [v if type(v) in _NATIVE else _PLAIN.get(type(v), plain)(v) for v in column]


def _mostly_one_time(column: list[datetime]) -> list[str]:
    """ISO 8601 text of a column where one time repeats (a ``last_update`` set by one
    load): written once, copied to every value with the same date, time, fold and time
    zone (the same text); ``isoformat`` costs about a microsecond a value."""
    first = column[0]
    text, zone, fold = first.isoformat(), first.tzinfo, first.fold
    iso = datetime.isoformat
    return [text if v == first and v.tzinfo is zone and v.fold == fold else iso(v) for v in column]


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL)


def _copy(spool: IO[bytes], out: HashedEntry) -> None:
    spool.seek(0)
    while chunk := spool.read(1 << 20):
        out.write_bytes(chunk)
