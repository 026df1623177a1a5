"""PLACEHOLDER: reads datamap.yaml (the data-map feature replaces this)."""

from __future__ import annotations

from pathlib import Path

from garant.datamap.models import DataMap
from garant.sourcefile import load_document, validate_document


def load_datamap(path: Path) -> DataMap:
    return validate_document(load_document(path), DataMap)
