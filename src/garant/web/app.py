"""The FastAPI application, built from a Garant object (never at import)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from garant.app import Garant
from garant.errors import GarantError
from garant.i18n import language, normalize_language
from garant.settings import session_secret
from garant.web import admin, api, apidocs, errorpages, privacy
from garant.web.deps import LoginRequired
from garant.web.fastcheck import ConsentCheckFastPath
from garant.web.login import router as login_router
from garant.web.openapi import API_ERRORS
from garant.web.security import SecurityHeaders
from garant.web.templating import make_templates, render

STATIC = Path(__file__).parent / "static"
LANG_COOKIE = "garant_lang"
SESSION_COOKIE = "garant_session"


def _choose_language(request: Request, default: str) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked:
        return normalize_language(asked)
    accept = request.headers.get("accept-language", "")
    if accept:
        return normalize_language(accept.split(",")[0])
    return default


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(garant: Garant) -> FastAPI:
    app = FastAPI(
        title="Garant",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served from local assets by garant.web.apidocs
        redoc_url=None,
    )
    apidocs.install(app)
    errorpages.install(app)
    app.state.garant = garant
    app.state.templates = make_templates(garant.timezone)
    app.state.nav = sorted(
        [item for module in admin.MODULES for item in getattr(module, "NAV", [])],
        key=lambda item: (item.order, item.label),
    )
    default_lang = garant.policy.languages[0] if garant.policy.languages else "fr"

    @app.middleware("http")
    async def language_middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        lang = _choose_language(request, default_lang)
        with language(lang):
            response = await call_next(request)
        if "lang" in request.query_params:
            response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400)
        return response

    secret = session_secret(garant.settings)
    max_age = garant.settings.web.session_hours * 3600
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=max_age,
        same_site="lax",
        https_only=garant.settings.web.secure_cookies,
    )
    # outermost: answers the plain consent check itself, passes everything else on
    app.add_middleware(
        ConsentCheckFastPath,
        garant=garant,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=max_age,
    )
    app.add_middleware(SecurityHeaders)  # outermost: every response, the lean path's too

    @app.exception_handler(GarantError)
    async def garant_error(request: Request, exc: GarantError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=exc.http_status)
        return render(
            request,
            "error.html",
            {"message": exc.message, "status": exc.http_status},
            status_code=exc.http_status,
        )

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(login_router)
    for module in api.MODULES:
        app.include_router(module.router, responses=API_ERRORS)
    for module in (*admin.MODULES, *privacy.MODULES):
        app.include_router(module.router)
    return app
