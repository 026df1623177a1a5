"""SQLite's parser stack, checked before a run: a step it cannot parse is kept, and said.

SQLite before 3.45 parses with a fixed stack (``YYSTACKDEPTH``, 100 entries); the due
and held predicates nest one correlated subquery per generation, up to ``MAX_DEPTH``. A
shape deeper than any the tests build could still overflow it ("parser stack
overflow") half way through a sweep. Each step's predicate is therefore parsed once
before the run (``LIMIT 0``: parsed and planned, no row read); a step that overflows
becomes a step that keeps every row of its collection, with the reason in the forecast
(``retention plan``, the approval gate, ``garant check``), so a run never stops in the
middle and never guesses.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.exc import OperationalError

from garant.retention.steps import Step
from garant.retention.target import Databases


def parsable(dbs: Databases, steps: list[Step]) -> list[Step]:
    """``steps``, each one SQLite cannot parse replaced by one that keeps its rows."""
    out = []
    for step in steps:
        system = step.target.system
        if dbs.dialect(system).name != "sqlite" or _parses(dbs, step):
            out.append(step)
            continue
        version = ".".join(map(str, dbs.dialect(system).server_version_info or ()))
        reason = (
            f"not swept: the predicate is too deep for the parser of SQLite {version} "
            "(SQLite 3.45 or later, PostgreSQL and MariaDB parse it)"
        )
        why: dict[str, ColumnElement[bool]] = {reason: true()}
        out.append(Step(step.target, step.rule, step.action, true(), true(), why))
    return out


def _parses(dbs: Databases, step: Step) -> bool:
    query = select(*step.target.keys).where(step.todo).limit(0)
    try:
        with dbs.engine(step.target.system).connect() as conn:
            conn.execute(query).all()
    except OperationalError as exc:
        # any other failure is the run's to report, as it did before this check
        return "parser stack overflow" not in str(exc.orig)
    return True
