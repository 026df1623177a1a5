"""Errors a browser gets as a page, in the person's language, and the API as JSON.

``/privacy``, ``/admin`` and the other pages answer a wrong method, a missing page or a
malformed form with ``error.html`` (never ``{"detail": "Method Not Allowed"}``); paths
under ``/api/`` keep FastAPI's JSON answers, which API clients parse.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from garant.i18n import gettext as _
from garant.web.templating import render


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _message(status: int, detail: object = None) -> str:
    """The app's own words when it gave some (a CSRF refusal), else a sentence per status."""
    if isinstance(detail, str) and detail and detail != HTTPStatus(status).phrase:
        return detail
    return {
        404: _("This page does not exist."),
        405: _("This page cannot be used that way: go back and use its form or link."),
        422: _("Some of what was sent is missing or not in the expected form."),
    }.get(status, _("The server could not answer this request."))


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        response = render(
            request,
            "error.html",
            {"message": _message(exc.status_code, exc.detail), "status": exc.status_code},
            status_code=exc.status_code,
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(OverflowError)
    async def out_of_range(request: Request, exc: OverflowError) -> Response:
        """A number or date the store or the calendar cannot hold (an id of 2**63 in a
        page's path): refused like any other malformed value, never a 500."""
        message = _("A number or a date is out of range.")
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=422)
        return render(request, "error.html", {"message": message, "status": 422}, 422)

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError) -> Response:
        """JSON nested thousands deep (``[[[[...``) exhausts the parser's stack: the
        public API and the cookie banner's endpoint refuse it like any malformed body."""
        message = _("Some of what was sent is nested too deeply.")
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=422)
        return render(request, "error.html", {"message": message, "status": 422}, 422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return await request_validation_exception_handler(request, exc)
        return render(request, "error.html", {"message": _message(422), "status": 422}, 422)
