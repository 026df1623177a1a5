"""Published versions of the policy (DEF-V1): number, date, hash, diff to the previous.

Publishing stores the file's exact text, so that any version can be shown again, compared
with another, and used by lint as the baseline that security may not fall below
(DEF-SEC2). Telling subjects of a change belongs to the accountability feature, which
reads these versions.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from garant.errors import Conflict, NotFound
from garant.policy.loader import parse_policy
from garant.policy.models import Policy
from garant.policy.tables import PolicyVersion

if TYPE_CHECKING:
    from garant.store.uow import UnitOfWork

SECTIONS = (
    "activities",
    "retention_rules",
    "consent_purposes",
    "forms",
    "cookies",
    "processors",
    "recipients",
    "security_measures",
    "commitments",
)


class Unchanged(Conflict):
    """The policy file is the last published version's: nothing to publish."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(f"the policy is unchanged since version {number}; nothing to publish")


class ChangedSincePreview(Conflict):
    """The file was edited after staff saw the preview they confirmed."""

    def __init__(self) -> None:
        super().__init__(
            "the policy file changed since it was previewed; preview the publication again"
        )


@dataclass(frozen=True)
class Change:
    section: str
    id: str
    change: str  # added | removed | changed

    def as_dict(self) -> dict[str, str]:
        return {"section": self.section, "id": self.id, "change": self.change}


def _key(item: Any) -> str:
    return str(getattr(item, "id", None) or getattr(item, "name", ""))


def semantic_changes(old: Policy | None, new: Policy) -> list[Change]:
    """What changed, element by element, in the sections a reader cares about."""
    changes: list[Change] = []
    for section in SECTIONS:
        before = {_key(i): i for i in getattr(old, section, [])} if old else {}
        after = {_key(i): i for i in getattr(new, section)}
        for key in after.keys() - before.keys():
            changes.append(Change(section, key, "added"))
        for key in before.keys() - after.keys():
            changes.append(Change(section, key, "removed"))
        for key in before.keys() & after.keys():
            if before[key].model_dump(mode="json") != after[key].model_dump(mode="json"):
                changes.append(Change(section, key, "changed"))
    for scalar in ("controller", "contacts", "rights", "supervisory_authority", "hosting"):
        if old is not None and getattr(old, scalar) != getattr(new, scalar):
            changes.append(Change(scalar, scalar, "changed"))
    return sorted(changes, key=lambda c: ((SECTIONS + (c.section,)).index(c.section), c.id))


def text_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=old_name,
        tofile=new_name,
    )
    return "".join(lines)


def latest(uow: UnitOfWork) -> PolicyVersion | None:
    return uow.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1)
    ).first()


@dataclass(frozen=True)
class Candidate:
    """The policy file as the next version would store it, before anything is stored."""

    number: int
    previous: int | None
    sha256: str
    content: str
    diff: str
    changes: list[Change]
    note: str


def candidate(*, uow: UnitOfWork, path: Path, note: str = "") -> Candidate:
    """What publishing ``path`` now would store; refuse an invalid or unchanged policy."""
    content = path.read_text(encoding="utf-8")
    policy = parse_policy(content, path.name)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    previous = latest(uow)
    if previous is not None and previous.sha256 == digest:
        raise Unchanged(previous.number)
    number = (uow.session.scalar(select(func.max(PolicyVersion.number))) or 0) + 1
    old_policy = parse_policy(previous.content, f"v{previous.number}") if previous else None
    diff = (
        text_diff(previous.content, content, f"v{previous.number}", f"v{number}")
        if previous
        else ""
    )
    changes = semantic_changes(old_policy, policy)
    before = previous.number if previous else None
    return Candidate(number, before, digest, content, diff, changes, note.strip())


def publish(
    *, uow: UnitOfWork, path: Path, note: str = "", expected_sha256: str | None = None
) -> PolicyVersion:
    """Store the policy file as the next version; refuse an invalid or unchanged policy.

    ``expected_sha256`` is the hash of the file as it was previewed and confirmed
    (``garant.policy.publication``): a file edited since is refused, so that what is
    published and mailed is what staff saw."""
    next_version = candidate(uow=uow, path=path, note=note)
    if expected_sha256 is not None and expected_sha256 != next_version.sha256:
        raise ChangedSincePreview()
    summary = [c.as_dict() for c in next_version.changes]
    version = PolicyVersion(
        number=next_version.number,
        published_at=uow.now(),
        published_by=uow.actor.label,
        sha256=next_version.sha256,
        content=next_version.content,
        diff=next_version.diff,
        summary=json.dumps(summary),
        note=note,
    )
    uow.session.add(version)
    uow.session.flush()
    uow.audit(
        "policy.published",
        "policy_version",
        version.number,
        details={"sha256": version.sha256, "changes": len(summary)},
    )
    # Other features act on a new version in the same transaction (DEF-V1: the
    # accountability feature queues the notice to the persons concerned). Surfaces show
    # what they will do first (``garant.policy.publication.preview_publication``).
    for hook in uow.garant.extensions.get("policy_published", []):
        hook(uow, version)
    return version


def list_versions(uow: UnitOfWork) -> list[PolicyVersion]:
    return list(uow.session.scalars(select(PolicyVersion).order_by(PolicyVersion.number.desc())))


def get_version(uow: UnitOfWork, number: int) -> PolicyVersion:
    found = uow.session.scalars(select(PolicyVersion).where(PolicyVersion.number == number)).first()
    if found is None:
        raise NotFound(f"no published policy version {number}")
    return found


def diff_versions(uow: UnitOfWork, a: int, b: int) -> tuple[str, list[Change]]:
    """The text diff and the element changes from version ``a`` to version ``b``."""
    va, vb = get_version(uow, a), get_version(uow, b)
    changes = semantic_changes(parse_policy(va.content, f"v{a}"), parse_policy(vb.content, f"v{b}"))
    return text_diff(va.content, vb.content, f"v{a}", f"v{b}"), changes


def previous_policy(uow: UnitOfWork) -> Policy | None:
    """The last published policy: the baseline lint compares security against (DEF-SEC2)."""
    last = latest(uow)
    return parse_policy(last.content, f"v{last.number}") if last else None


def changes_of(version: PolicyVersion) -> list[Change]:
    return [Change(**c) for c in json.loads(version.summary or "[]")]


def version_row(version: PolicyVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "published_at": version.published_at.isoformat(),
        "published_by": version.published_by,
        "sha256": version.sha256,
        "note": version.note,
        "changes": [c.as_dict() for c in changes_of(version)],
    }
