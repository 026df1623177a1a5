"""Where each promise is kept (``garant policy promises``).

Reads the policy file itself (not only the validated model) so that every tagged element
is found with its file:line, then lists, per ID of the organization's catalog
(promises.md), the elements that keep it and the tests that name it. An ID no element
carries is "unkept".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from garant.sourcefile import SourceDocument, format_path

CATALOG = Path(__file__).with_name("promises.md")
_ROW = re.compile(r"^\|\s*([A-Z]+-[A-Z]+[0-9]+)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


@dataclass(frozen=True)
class Promise:
    id: str
    text: str
    garant_does: str


@dataclass
class Keeper:
    path: str
    line: int
    label: str


@dataclass
class PromiseStatus:
    promise: Promise
    kept_by: list[Keeper] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return bool(self.kept_by)

    def as_dict(self, file: str) -> dict[str, Any]:
        return {
            "id": self.promise.id,
            "promise": self.promise.text,
            "kept": self.kept,
            "kept_by": [
                {"element": k.label, "path": k.path, "at": f"{file}:{k.line}"} for k in self.kept_by
            ],
            "tests": self.tests,
        }


def load_catalog(path: Path = CATALOG) -> dict[str, Promise]:
    found: dict[str, Promise] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            found[match.group(1)] = Promise(match.group(1), match.group(2), match.group(3))
    return found


def tagged_elements(doc: SourceDocument) -> Iterator[tuple[str, Keeper]]:
    """Every (promise ID, element) pair written in the file."""
    yield from _walk(doc.raw, ())


def _walk(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str, Keeper]]:
    if isinstance(node, CommentedMap):
        tags = node.get("promises")
        if isinstance(tags, list):
            line = node.lc.line + 1
            label = str(
                node.get("id")
                or node.get("name")
                or node.get("right")
                or node.get("entity")
                or format_path(path)
                or "policy"
            )
            for tag in tags:
                yield str(tag), Keeper(format_path(path), line, label)
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            yield from _walk(item, (*path, i))


def tests_naming(ids: list[str], tests_dir: Path | None) -> dict[str, list[str]]:
    """file:line of each test line naming an ID, as ``AF-R2`` or ``af_r2``."""
    found: dict[str, list[str]] = {pid: [] for pid in ids}
    if tests_dir is None or not tests_dir.is_dir():
        return found
    patterns = {
        pid: re.compile(
            rf"(?<![A-Za-z0-9]){re.escape(pid)}(?![0-9])|"
            rf"(?<![a-z0-9]){pid.lower().replace('-', '_')}(?![0-9])"
        )
        for pid in ids
    }
    for test_file in sorted(tests_dir.rglob("test_*.py")):
        lines = test_file.read_text(encoding="utf-8").splitlines()
        rel = test_file.relative_to(tests_dir.parent) if tests_dir.parent else test_file
        for n, line in enumerate(lines, start=1):
            for pid, pattern in patterns.items():
                if pattern.search(line):
                    found[pid].append(f"{rel}:{n}")
    return found


def promise_report(
    doc: SourceDocument,
    *,
    catalog: dict[str, Promise] | None = None,
    prefix: str | None = None,
    tests_dir: Path | None = None,
) -> list[PromiseStatus]:
    """Every catalog ID of the organization (``prefix``, else the prefixes the file uses)."""
    catalog = catalog if catalog is not None else load_catalog()
    tags = list(tagged_elements(doc))
    prefixes = {prefix} if prefix else {pid.split("-")[0] for pid, _ in tags}
    statuses = {
        pid: PromiseStatus(p) for pid, p in catalog.items() if pid.split("-")[0] in prefixes
    }
    for pid, keeper in tags:
        if pid not in statuses:
            statuses[pid] = PromiseStatus(Promise(pid, "(not in the catalog)", ""))
        statuses[pid].kept_by.append(keeper)
    named = tests_naming(list(statuses), tests_dir)
    for pid, status in statuses.items():
        status.tests = named[pid]
    return list(statuses.values())


def default_tests_dir() -> Path | None:
    """The repository's tests/ next to the installed package, when there is one."""
    candidate = Path(__file__).resolve().parents[3] / "tests"
    return candidate if candidate.is_dir() else None
