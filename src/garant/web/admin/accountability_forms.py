"""Form helpers of the accountability pages: validation errors by field, in the reader's
language, so a form comes back with the person's input and each problem beside its field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from garant.errors import GarantError
from garant.i18n import gettext as _

Errors = dict[str, str]


def _templates() -> dict[str, str]:
    """Pydantic's error types in our words (translated at the call: the reader's language)."""
    required, day, number = (
        _("This field is required."),
        _("Enter a date as YYYY-MM-DD."),
        _("Enter a whole number."),
    )
    return {
        "missing": required,
        "string_too_short": required,
        "string_too_long": _("Too long: at most {max_length} characters."),
        "date_parsing": day,
        "date_from_datetime_parsing": day,
        "date_type": day,
        "int_parsing": number,
        "int_from_float": number,
        "int_type": number,
        "greater_than_equal": _("At least {ge}."),
        "less_than_equal": _("At most {le}."),
        "literal_error": _("Choose one of the values offered."),
        "bool_parsing": _("Answer yes or no."),
        "extra_forbidden": _("This field is not expected here."),
    }


def message_of(error: ErrorDetails) -> str:
    """One pydantic error as a sentence in the language of the moment."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our validators' own words, translated where raised
    template = _templates().get(error["type"])
    if template is None:
        return error["msg"]
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def field_errors(exc: ValidationError) -> Errors:
    """``{"risks.illegitimate_access.severity": "At most 4."}``: form inputs carry these
    dotted names, so each error lands beside its own field. The first error of a field wins."""
    out: Errors = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "form"
        out.setdefault(field, message_of(error))
    return out


def validate(model: type[BaseModel], values: dict[str, Any]) -> tuple[Any, Errors]:
    """The model, or the errors by field (never both)."""
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        return None, field_errors(exc)


def domain_error(exc: GarantError) -> Errors:
    """A refusal from the domain, beside its field when it names one."""
    return {str(getattr(exc, "field", "form")): exc.message}
