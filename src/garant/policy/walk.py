"""Walking a validated policy: every element with its key path, and the promises it keeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from garant.policy.common import Element

Path = tuple[str | int, ...]


def iter_elements(node: Any, path: Path = ()) -> Iterator[tuple[Path, Element]]:
    """Every element of the policy tree, depth first, with its key path."""
    if isinstance(node, Element):
        yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_elements(getattr(node, name), (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from iter_elements(item, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from iter_elements(item, (*path, str(key)))


def tagged_ids(policy: BaseModel) -> set[str]:
    return {pid for _, element in iter_elements(policy) for pid in element.promises}


def assumed_elements(policy: BaseModel) -> list[Path]:
    """Key paths of the elements whose values the published policy does not give."""
    return [path for path, element in iter_elements(policy) if element.assumed]
