"""Read ``policy.yaml`` with line numbers."""

from __future__ import annotations

from pathlib import Path

from garant.policy.models import Policy
from garant.sourcefile import load_document, validate_document


def load_policy(path: Path) -> Policy:
    return validate_document(load_document(path), Policy)
