"""The API's documentation served by Garant itself: Swagger UI at ``/api/docs`` and ReDoc
at ``/api/redoc``, their assets from the ``fastapi-offline`` package (no CDN: a privacy
tool does not tell a third party who reads its docs), no inline script (the page's
script is ``/static/api-docs/swagger-init.js``), and a bearer-token security scheme so
that Swagger UI's Authorize button sends the staff token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from garant.web.openapi import json_errors

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/api/docs/assets"
PUBLIC_API = "/api/public"
SCHEME = "bearerAuth"

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API</title>
<link rel="icon" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs/swagger-init.js"></script>
</body></html>"""

REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API</title>
<link rel="icon" href="{assets}/favicon.png">
</head><body><redoc spec-url="{spec}"></redoc>
<script src="{assets}/redoc.standalone.js"></script>
</body></html>"""


def _with_security(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the staff token declared on every non-public operation."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A staff API token (`garant user token EMAIL`).",
    }
    for path, operations in schema.get("paths", {}).items():
        if path.startswith(PUBLIC_API) or not path.startswith("/api/"):
            continue
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.setdefault("security", [{SCHEME: []}])
    app.openapi_schema = json_errors(schema)
    return schema


def install(app: FastAPI) -> None:
    """Docs routes and assets on ``app`` (created with ``docs_url=None, redoc_url=None``)."""
    spec = app.openapi_url or "/api/openapi.json"
    app.openapi = lambda: _with_security(app)  # type: ignore[method-assign]
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS)), name="api-docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(SWAGGER_PAGE.format(title=app.title, assets=ASSETS_URL))

    @app.get("/api/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC_PAGE.format(title=app.title, assets=ASSETS_URL, spec=spec))
