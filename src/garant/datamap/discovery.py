"""Use cases behind ``garant datamap infer`` and ``check``: run, audit, write safely.

Sampling a live database reads personal data, so each run is an audit event (which
system, how many tables and rows sampled, how many findings: never a value).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from garant.datamap.check import Finding, check_datamap
from garant.datamap.draft_writer import write_draft
from garant.datamap.infer import Draft, Progress, infer_system
from garant.datamap.models import DataMap
from garant.errors import Conflict, InvalidInput
from garant.store.uow import UnitOfWork


@dataclass
class InferResult:
    draft: Draft
    text: str
    special_declared: bool | None
    """The policy's ``processes_special_categories`` (DEF-C4), when a policy says so."""

    @property
    def def_c4_conflict(self) -> bool:
        """DEF-C4: the policy declares no Art. 9 data but the scan flagged columns."""
        return self.special_declared is False and bool(self.draft.special)


def open_engine(url: str) -> Engine:
    try:
        return create_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InvalidInput(f"--url: not a database URL SQLAlchemy can open ({exc})") from None


def url_env_name(system: str) -> str:
    """``GARANT_<SYSTEM>_URL``: the variable the draft names for the connection URL."""
    return "GARANT_" + "".join(c if c.isalnum() else "_" for c in system.upper()) + "_URL"


def safe_url(url: str) -> str | None:
    """The URL to write in the map, or None when it carries a password (use the variable)."""
    parsed = make_url(url)
    return None if parsed.password else url


def infer(
    *,
    uow: UnitOfWork,
    system: str,
    url: str,
    sample_size: int = 200,
    persons: list[str] | None = None,
    schema: str | None = None,
    region: str = "FR",
    special_declared: bool | None = None,
    progress: Progress | None = None,
) -> InferResult:
    if sample_size < 1:
        raise InvalidInput("--sample must be at least 1")
    engine = open_engine(url)
    try:
        draft = infer_system(
            engine,
            system=system,
            sample_size=sample_size,
            persons=persons,
            region=region,
            schema=schema,
            progress=progress,
        )
    finally:
        engine.dispose()
    text = write_draft(draft, url_env=url_env_name(system), url=safe_url(url), when=uow.now())
    uow.audit(
        "datamap.inferred",
        "system",
        system,
        details={
            "kind": draft.kind,
            "tables": len(draft.collections) + len(draft.unmapped),
            "sample_rows_per_table": sample_size,
            "person_tables": draft.roles.primary,
            "special_columns": len(draft.special),
        },
    )
    return InferResult(draft, text, special_declared)


def write_new_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write whole or not at all; never replace a file someone may have edited by hand."""
    if path.exists() and not force:
        raise Conflict(f"{path}: already exists (give --force to replace it)")
    if not path.parent.is_dir():
        raise InvalidInput(f"{path.parent}: no such directory")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """What ``open()`` would give a new file (mkstemp makes it private, 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check(
    *,
    uow: UnitOfWork,
    datamap: DataMap,
    workspace: Path | None,
    system: str | None = None,
    url: str | None = None,
    sample_size: int = 50,
) -> list[Finding]:
    findings = check_datamap(
        datamap,
        workspace=workspace,
        system=system,
        url=url,
        sample_size=sample_size,
        source=uow.garant.datamap_path,
    )
    drift = sum(1 for f in findings if f.level == "drift")
    uow.audit(
        "datamap.checked",
        "system",
        system or "*",
        details={"drift": drift, "notes": len(findings) - drift, "sample_rows": sample_size},
    )
    return findings
