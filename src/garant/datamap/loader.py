"""Read ``datamap.yaml`` with line numbers, then check what pydantic alone cannot see.

Structure is validated by the model; the loader then checks the map against itself
(unique names, references to collections that exist, columns on both sides) and, when a
policy is given, against the policy (activities, retention rules, categories). Every
problem is reported with its file:line:col and key path, all at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from garant.datamap.models import Collection, DataMap, System
from garant.errors import LocatedError, Location
from garant.policy.taxonomy import CATEGORIES, is_category
from garant.sourcefile import SourceDocument, load_document, validate_document

if TYPE_CHECKING:
    from garant.policy.models import Policy

Problem = tuple[tuple[Any, ...], str]


def load_datamap(path: Path, *, policy: Policy | None = None) -> DataMap:
    """The validated map; ``LocatedError`` lists every problem with its place in the file.

    A workspace without the file has an empty map (nothing connected yet), not an error.
    """
    if not path.exists():
        empty = DataMap()
        empty._base_dir = path.resolve().parent
        return empty
    doc = load_document(path)
    datamap = validate_document(doc, DataMap)
    problems = list(structure_problems(datamap))
    if policy is not None:
        problems.extend(policy_problems(datamap, policy))
    raise_located(doc, problems)
    datamap._base_dir = path.resolve().parent
    return datamap


def raise_located(doc: SourceDocument, problems: list[Problem]) -> None:
    if problems:
        located: list[tuple[Location, str]] = [(doc.locate(p), m) for p, m in problems]
        raise LocatedError(located)


def _dupes(values: list[str]) -> Iterator[int]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index
        seen.add(value)


def structure_problems(datamap: DataMap) -> Iterator[Problem]:
    for i in _dupes([s.id for s in datamap.systems]):
        yield ("systems", i, "id"), f'system "{datamap.systems[i].id}" is declared twice'
    for si, system in enumerate(datamap.systems):
        names = [c.name for c in system.collections]
        for ci in _dupes(names):
            yield (
                ("systems", si, "collections", ci, "name"),
                f'collection "{names[ci]}" is declared twice in system {system.id}',
            )
        for ci, coll in enumerate(system.collections):
            yield from _collection_problems(system, coll, ("systems", si, "collections", ci))


def _collection_problems(
    system: System, coll: Collection, at: tuple[Any, ...]
) -> Iterator[Problem]:
    fields = [f.name for f in coll.fields]
    for fi in _dupes(fields):
        yield (*at, "fields", fi, "name"), f'field "{fields[fi]}" is declared twice'
    for ri, ref in enumerate(coll.references):
        target = system.get_collection(ref.to)
        if target is None:
            known = ", ".join(c.name for c in system.collections)
            yield (
                (*at, "references", ri, "to"),
                f'"{ref.to}" is not a collection of system {system.id} (known: {known})',
            )
            continue
        if len(coll.target_columns(ref, target)) != len(ref.columns):
            yield (
                (*at, "references", ri, "column"),
                f"{len(ref.columns)} column(s) here but {len(coll.target_columns(ref, target))} "
                f"on {ref.to}",
            )
    for fi, spec in enumerate(coll.fields):
        if not is_category(spec.category):
            yield (
                (*at, "fields", fi, "category"),
                f'"{spec.category}" is not a data category (known: {", ".join(CATEGORIES)})',
            )
    if coll.erasure == "fixed":
        yield (*at, "erasure"), "fixed needs a value: set it per field (erasure_value)"
    if coll.retention:
        for event, column in coll.retention.dates.items():
            if "." in column:
                yield from _dated_elsewhere(
                    system, coll, column, (*at, "retention", "dates", event)
                )


def _dated_elsewhere(
    system: System, coll: Collection, column: str, at: tuple[Any, ...]
) -> Iterator[Problem]:
    """``other.column``: ``other`` must hold rows this collection owns (an owns reference)."""
    name = column.split(".", 1)[0]
    other = system.get_collection(name)
    if other is None:
        yield at, f'"{name}" is not a collection of system {system.id}'
    elif not any(r.to == coll.name and r.meaning == "owns" for r in other.references):
        yield at, f'"{name}" has no owns reference to {coll.name}: its dates cannot be theirs'


def policy_problems(datamap: DataMap, policy: Policy) -> Iterator[Problem]:
    """Activities, retention rules and entities named in the map must exist in the policy."""
    activities = {str(getattr(a, "id", "")) for a in getattr(policy, "activities", []) or []}
    rules = {str(getattr(r, "id", "")) for r in getattr(policy, "retention_rules", []) or []}
    entities = _entity_ids(policy)
    for si, system in enumerate(datamap.systems):
        if system.entity and entities and system.entity not in entities:
            yield ("systems", si, "entity"), f'"{system.entity}" is not an entity of the policy'
        for ci, coll in enumerate(system.collections):
            at = ("systems", si, "collections", ci)
            if coll.activity and coll.activity not in activities:
                yield (*at, "activity"), f'"{coll.activity}" is not an activity of the policy'
            if coll.retention and coll.retention.rule not in rules:
                yield (
                    (*at, "retention", "rule"),
                    f'"{coll.retention.rule}" is not a retention rule of the policy',
                )
    from garant.retention.related import map_problems  # start.related's via (retention)

    yield from map_problems(datamap, policy)


def _entity_ids(policy: Policy) -> set[str]:
    controller = getattr(policy, "controller", None)
    found = getattr(controller, "entities", None) or []
    return {str(getattr(e, "id", "")) for e in found}
