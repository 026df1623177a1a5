"""YAML files with line numbers, validated by pydantic, with errors a person can act on.

The policy and the data map are both read here, so that an error in either names the
file, the line and column, the key path and what was expected, and never shows a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from garant.errors import LocatedError, Location

Model = TypeVar("Model", bound=BaseModel)
PathPart = str | int


def format_path(path: tuple[PathPart, ...] | list[PathPart]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class SourceDocument:
    """A parsed YAML file that remembers where each value stood."""

    file: str
    raw: Any

    @property
    def data(self) -> Any:
        return _plain(self.raw)

    def locate(self, path: tuple[PathPart, ...] | list[PathPart]) -> Location:
        """The line and column of the deepest part of ``path`` that exists in the file."""
        node = self.raw
        line, column = 1, 1
        for part in path:
            if isinstance(node, CommentedMap) and part in node:
                k_line, k_col = node.lc.key(part)
                line, column = k_line + 1, k_col + 1
                value = node[part]
                if not isinstance(value, (CommentedMap, CommentedSeq)):
                    v_line, v_col = node.lc.value(part)
                    line, column = v_line + 1, v_col + 1
                node = value
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                i_line, i_col = node.lc.item(part)
                line, column = i_line + 1, i_col + 1
                node = node[part]
            else:
                break
        return Location(self.file, line, column, format_path(path))


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    if hasattr(node, "isoformat") or isinstance(node, (str, int, float, bool)) or node is None:
        return node if not isinstance(node, str) else str(node)
    return node


def load_document(path: Path, *, display_name: str | None = None) -> SourceDocument:
    name = display_name or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LocatedError([(Location(name, 1, 1, ""), "file not found")]) from None
    return parse_document(text, name)


def parse_document(text: str, name: str) -> SourceDocument:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "YAML syntax error"
        raise LocatedError([(Location(name, line, column, ""), f"YAML: {problem}")]) from None
    if raw is None:
        raise LocatedError([(Location(name, 1, 1, ""), "the file is empty")])
    if not isinstance(raw, CommentedMap):
        raise LocatedError([(Location(name, 1, 1, ""), "expected a mapping at the top level")])
    return SourceDocument(name, raw)


def _describe(err: Any) -> str:
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    given = err.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a known key here (check the spelling)"
    if kind in ("literal_error", "enum"):
        return f'"{given}" is not allowed: {msg.lower()}'
    if kind == "value_error":
        return msg
    if isinstance(given, (str, int, float, bool)):
        return f'"{given}": {msg.lower()}'
    return msg.lower()


def validate_document(doc: SourceDocument, model: type[Model], **context: Any) -> Model:
    """Validate a document; every pydantic error becomes a located problem."""
    try:
        return model.model_validate(doc.data, context=context or None)
    except ValidationError as exc:
        problems: list[tuple[Location, str]] = []
        for err in exc.errors():
            path = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
            problems.append((doc.locate(tuple(path)), _describe(err)))
        raise LocatedError(problems) from None
