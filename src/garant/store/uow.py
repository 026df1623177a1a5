"""The unit of work: one transaction, the clock, the keys, the actor and the audit log.

Services take a ``uow`` and never commit; the caller does, by leaving the ``with`` block.
An audit event is written in the same transaction as the change it records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from garant.audit import chain
from garant.audit.models import AuditEvent
from garant.clock import Clock
from garant.keys.keyring import KeyRing

if TYPE_CHECKING:
    from garant.app import Garant

SUBJECT_PURPOSE = "subject.identity"


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, a data subject, a machine token or Garant itself."""

    kind: str
    id: str
    role: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"


SYSTEM = Actor("system", "garant")


def normalize_identity(kind: str, value: str) -> str:
    """One spelling per identity, so that hashes of the same person match."""
    text = value.strip()
    if kind == "email":
        text = text.lower()
    elif kind == "phone":
        text = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    return f"{kind.strip().lower()}:{text}"


class UnitOfWork:
    def __init__(self, garant: Garant, actor: Actor, *, read_only: bool = False):
        self.garant = garant
        self.actor = actor
        self.read_only = read_only
        self.session: Session = garant.store.session(read_only=read_only)
        self.clock: Clock = garant.clock
        self.keys: KeyRing = garant.keys
        self._undo: list[Callable[[], None]] = []

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Undo an effect outside the store (a file written) if this unit of work does not
        commit: what it did must not outlive the audit event that records it."""
        self._undo.append(undo)

    def __enter__(self) -> UnitOfWork:
        self.session.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                try:
                    self.session.commit()
                except BaseException:
                    self._run_undo()
                    raise
            else:
                self.session.rollback()
                self._run_undo()
        finally:
            self.session.close()

    def _run_undo(self) -> None:
        for undo in reversed(self._undo):
            try:
                undo()
            except Exception:  # the original error matters more; say what was left
                logging.getLogger("garant.store").exception("could not undo %r", undo)

    def now(self) -> datetime:
        return self.clock.now()

    def subject_ref(self, kind: str, value: str) -> str:
        """A keyed hash that names a person in the log without revealing who."""
        return self.keys.keyed_hash(SUBJECT_PURPOSE, normalize_identity(kind, value))

    def subject_refs(self, kind: str, value: str) -> list[str]:
        """The person's keyed hash under every live key version (after a rotation)."""
        return self.keys.keyed_hashes(SUBJECT_PURPOSE, normalize_identity(kind, value))

    def audit(
        self,
        action: str,
        object_type: str,
        object_id: str | int | None = None,
        *,
        subject_ref: str | None = None,
        details: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Record an action; personal values go in ``payload`` (erasable), never ``details``."""
        return chain.append(
            self.session,
            self.keys,
            at=self.now(),
            actor=self.actor.label,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            subject_ref=subject_ref,
            details=details,
            payload=payload,
        )
