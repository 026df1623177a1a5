"""The privacy center's home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from garant.web.templating import render

router = APIRouter(prefix="/privacy", include_in_schema=False)


@router.get("")
def home(request: Request) -> Response:
    return render(request, "privacy/home.html")
