"""What every API operation may answer besides success, declared once.

The API's errors all have one shape: ``{"detail": "..."}`` for what Garant refuses on
purpose (``garant.errors``: 400, 403, 404, 409, 422, 429), and FastAPI's list of
validation issues for a request that does not match the schema (422). Declaring them on
every operation keeps the OpenAPI document true, so that a client generated from it (and
the schemathesis run in the test suite) can rely on it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ValidationIssue(BaseModel):
    """One problem in a request that does not match the schema (FastAPI's own shape)."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class ErrorRead(BaseModel):
    """Why a request was refused: a sentence, or the list of fields that do not fit."""

    detail: str | list[ValidationIssue]


_DESCRIPTIONS = {
    400: "The request cannot be carried out as asked.",
    401: "No valid API token or staff session.",
    403: "The caller's role may not do this, or the CSRF token is missing.",
    404: "No such record.",
    409: "The record's state forbids this action.",
    413: "The request body is too large.",
    422: "A value is missing, malformed or out of range; `detail` says which.",
    429: "Too many attempts; retry after the `Retry-After` header's seconds.",
}

API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorRead, "description": text} for status, text in _DESCRIPTIONS.items()
}


def content(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a route that returns a file in one of several formats."""
    return {200: {"content": {media: {} for media in media_types}}}


def json_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Errors are JSON even where the success is a file or plain text (FastAPI gives an
    error the media type of the route's success otherwise)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorRead"}}}
    codes = {str(status) for status in _DESCRIPTIONS}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if status in codes and "content" in response:
                    response["content"] = dict(error)
    return document
