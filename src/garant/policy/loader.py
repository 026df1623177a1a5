"""Read ``policy.yaml``: YAML with line numbers, strict validation, cross-references.

Every problem names the file, line and column, the key path and what was expected::

    policy.yaml:42:7: retention_rules[3].duration: "14 monts" is not a duration (...)
"""

from __future__ import annotations

from pathlib import Path

from garant.errors import LocatedError
from garant.policy.models import Policy
from garant.policy.references import reference_problems
from garant.sourcefile import SourceDocument, load_document, parse_document, validate_document


def load_policy(path: Path) -> Policy:
    return policy_from_document(load_document(path))


def parse_policy(text: str, name: str = "policy.yaml") -> Policy:
    """A policy from its text (a published version, a test's file)."""
    return policy_from_document(parse_document(text, name))


def policy_from_document(doc: SourceDocument) -> Policy:
    policy = validate_document(doc, Policy)
    problems = [(doc.locate(path), msg) for path, msg in reference_problems(policy)]
    if problems:
        raise LocatedError(problems)
    return policy
