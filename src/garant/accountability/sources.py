"""Reading what the other engines record, only where their tables exist.

The live check and the dossier read rights requests, breaches, retention runs, consent
records and the policy's versions through the shared metadata and SQLAlchemy Core, so
that a feature not yet installed (or with empty tables) gives "no records", never an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, inspect, select

from garant.errors import GarantError
from garant.store.models import metadata
from garant.store.uow import UnitOfWork


def table(uow: UnitOfWork, name: str, *columns: str) -> Table | None:
    """The table if its model and its database table both exist with ``columns``."""
    found = metadata.tables.get(name)
    if found is None or not all(c in found.c for c in columns):
        return None
    if not inspect(uow.session.connection()).has_table(name):
        return None
    return found


def find_table(uow: UnitOfWork, prefix: str, *columns: str) -> Table | None:
    for name in sorted(metadata.tables):
        if name.startswith(prefix):
            found = table(uow, name, *columns)
            if found is not None:
                return found
    return None


def first_column(t: Table, *names: str) -> Any:
    return next((t.c[n] for n in names if n in t.c), None)


def rows(uow: UnitOfWork, t: Table, *columns: str) -> list[dict[str, Any]]:
    """Every row of a small register table (requests, breaches, runs), as dicts."""
    wanted = [t.c[c] for c in columns if c in t.c] or list(t.c)
    return [dict(r._mapping) for r in uow.session.execute(select(*wanted))]


def policy_of(uow: UnitOfWork) -> Any | None:
    try:
        return uow.garant.policy
    except GarantError:
        return None


def datamap_of(uow: UnitOfWork) -> Any | None:
    """The data map, or None when the workspace has none yet."""
    if not uow.garant.datamap_path.exists():
        return None
    try:
        return uow.garant.datamap
    except GarantError:
        return None


def get(obj: Any, key: str, default: Any = None) -> Any:
    """A field of a policy element, whether the model is typed or still a plain mapping."""
    if isinstance(obj, dict):
        return obj.get(key, default)
    value = getattr(obj, key, None)
    if value is None:
        extra = getattr(obj, "model_extra", None) or {}
        value = extra.get(key, default)
    return default if value is None else value


def activities(uow: UnitOfWork) -> list[Any]:
    policy = policy_of(uow)
    return list(get(policy, "activities", []) or []) if policy is not None else []


def text(value: Any, lang: str = "en") -> str:
    """A bilingual label ({fr, en}) or a plain string, in ``lang``."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("fr") or next(iter(value.values()), ""))
    if value is not None and hasattr(value, lang):
        return str(getattr(value, lang))
    return "" if value is None else str(value)


def measure_levels(policy: Any) -> dict[str, tuple[int, str | None]]:
    """The policy's security measures: id -> (strength, the id it replaces)."""
    out: dict[str, tuple[int, str | None]] = {}
    for measure in get(policy, "security_measures", []) or [] if policy is not None else []:
        name = str(get(measure, "id") or get(measure, "name") or measure)
        out[name] = (int(get(measure, "strength", 3) or 3), get(measure, "replaces"))
    return out


def security_measures(uow: UnitOfWork) -> list[str]:
    """The measures the policy declares now: its list, and those named per activity."""
    names = set(measure_levels(policy_of(uow)))
    for activity in activities(uow):
        names.update(str(m) for m in get(activity, "security_measures", []) or [])
    return sorted(names)


def published_measures(uow: UnitOfWork) -> list[tuple[str, dict[str, tuple[int, str | None]]]]:
    """Each published policy version's measures, oldest first (from ``policy_versions``)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    t = table(uow, "policy_versions", "number", "content")
    if t is None:
        return []
    out = []
    for number, content in uow.session.execute(
        select(t.c.number, t.c.content).order_by(t.c.number)
    ):
        try:
            document = YAML(typ="safe").load(content) or {}
        except YAMLError:
            continue
        out.append((f"version {number}", measure_levels(document)))
    return out


def batched(values: Iterator[Any], size: int = 1000) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
