"""One design system (issue 18): a vendored stylesheet, pages that fit a phone, HTML error
pages for browsers and JSON for the API, the API docs served without any other host."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.web.app import create_app

PUBLIC_PAGES = [
    "/privacy",
    "/privacy/notice",
    "/privacy/requests",
    "/privacy/consents",
    "/privacy/policy/versions",
    "/privacy/retention",
    "/privacy/breaches",
    "/login",
]
EXTERNAL = re.compile(r'(?:src|href)="(?:https?:)?//', re.I)


@pytest.fixture
def example(make_garant: Callable[..., Garant]) -> Garant:
    return make_garant(example="alliance-francaise")


@pytest.fixture
def web(example: Garant) -> TestClient:
    return TestClient(create_app(example), base_url="http://testserver")


def test_pages_use_the_vendored_stylesheet_and_no_other_host(web: TestClient) -> None:
    for path in PUBLIC_PAGES:
        page = web.get(path, headers={"Accept-Language": "fr"})
        assert page.status_code == 200, path
        assert '<link rel="stylesheet" href="/static/vendor/pico/pico.classless.min.css">' in (
            page.text
        ), path
        assert not EXTERNAL.search(page.text), f"{path} loads something from another host"
    css = web.get("/static/vendor/pico/pico.classless.min.css")
    assert css.status_code == 200 and "Pico CSS" in css.text
    assert web.get("/static/vendor/pico/LICENSE.md").text.startswith("MIT License")
    assert web.get("/static/garant.css").status_code == 200


def test_browser_routes_answer_errors_with_a_page_in_the_persons_language(
    web: TestClient,
) -> None:
    wrong_method = web.put("/privacy", headers={"Accept-Language": "fr"})
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in wrong_method.text and "Method Not Allowed" not in wrong_method.text
    assert "Retour à l'espace vie privée" in wrong_method.text
    missing = web.get("/privacy/no-such-page", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "This page does not exist." in missing.text
    assert web.post("/admin/no-such-page").headers["content-type"].startswith("text/html")


def test_the_api_keeps_json_errors(web: TestClient) -> None:
    missing = web.get("/api/no-such-thing")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    wrong = web.put("/api/openapi.json")
    assert wrong.status_code == 405 and wrong.json() == {"detail": "Method Not Allowed"}


def test_api_docs_and_their_assets_are_served_here(web: TestClient) -> None:
    for path in ("/api/docs", "/api/redoc"):
        page = web.get(path)
        assert page.status_code == 200, path
        assert not EXTERNAL.search(page.text), f"{path} loads from another host"
        assert "<script>" not in page.text, f"{path} has an inline script (the CSP forbids it)"
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
            assert web.get(asset).status_code == 200, f"{path}: {asset}"
    swagger = web.get("/api/docs").text
    assert "/api/docs/assets/swagger-ui-bundle.js" in swagger
    assert "/static/api-docs/swagger-init.js" in swagger
    assert "/api/docs/assets/redoc.standalone.js" in web.get("/api/redoc").text


def test_openapi_declares_the_bearer_token_on_staff_operations_only(web: TestClient) -> None:
    schema = web.get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A staff API token (`garant user token EMAIL`).",
    }
    staff = schema["paths"]["/api/breaches"]["get"]
    assert staff["security"] == [{"bearerAuth": []}]
    public = [ops for path, ops in schema["paths"].items() if path.startswith("/api/public")]
    assert public and all("security" not in op for ops in public for op in ops.values())


@pytest.mark.browser
def test_public_pages_fit_a_360_px_phone_and_show_keyboard_focus(
    example: Garant, browser: Any, live_server: Any
) -> None:
    """Nothing wider than the screen (the notice was 585 px on a 390 px phone), and the
    first Tab lands on a visible skip link with a focus outline."""
    with live_server(example) as server:
        page = browser.new_page(viewport={"width": 360, "height": 740}, locale="fr-FR")
        for path in PUBLIC_PAGES:
            page.goto(f"{server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width} px wide on a 360 px screen"
        page.goto(f"{server.url}/privacy")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.className, s.outlineStyle, e.getBoundingClientRect().left]; })()"
        )
        assert focused[0] == "skip" and focused[1] != "none" and focused[2] >= 0
        page.close()


@pytest.mark.parametrize("name", ["alliance-francaise", "def-network"])
def test_the_notice_lists_the_cookies_the_site_really_sets(
    make_garant: Callable[..., Garant], name: str
) -> None:
    """The cookie table names the cookie the banner sets (it said ``cookie_choice`` while
    the banner set ``garant_cookie_choice``) and the language cookie of the site."""
    from garant.web.app import LANG_COOKIE, STATIC

    banner = (STATIC / "consent" / "banner.js").read_text(encoding="utf-8")
    set_by_banner = re.search(r'var NAME = "([^"]+)"', banner)
    assert set_by_banner
    web = TestClient(create_app(make_garant(example=name)), base_url="http://testserver")
    notice = web.get("/privacy/notice", headers={"Accept-Language": "en"}).text
    for cookie in (set_by_banner.group(1), LANG_COOKIE):
        assert f"<td><code>{cookie}</code></td>" in notice, cookie


def test_processors_declared_in_the_policy_are_in_the_register_without_a_sync(
    example: Garant, web: TestClient
) -> None:
    """Issue 18: the policy's processors were absent from the back office until
    ``garant processors sync``; an entry staff edited is not overwritten."""
    from garant.accounts.service import add_user, issue_token

    declared = [p.name for p in example.policy.processors]
    assert declared
    with example.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@x.example", role="dpo", password="pw-" + "x" * 20)
        token = issue_token(uow=uow, email="dpo@x.example", name="t")
    listed = web.get("/api/accountability/processors", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.text
    names = {p["name"] for p in listed.json()}
    assert set(declared) <= names


@pytest.mark.browser
def test_swagger_ui_and_redoc_render_offline_under_the_csp(
    example: Garant, browser: Any, live_server: Any
) -> None:
    """The docs run from this site only (the browser is refused every other host) and
    Swagger UI offers the Authorize button of the bearer scheme."""
    with live_server(example) as server:
        context = browser.new_context()
        outside: list[str] = []

        def only_here(route: Any) -> None:
            if route.request.url.startswith(server.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_here)
        page = context.new_page()
        page.goto(f"{server.url}/api/docs")
        page.get_by_role("button", name="Authorize").wait_for(timeout=15000)
        page.goto(f"{server.url}/api/redoc")
        page.locator("redoc h1, [role=navigation]").first.wait_for(timeout=15000)
        assert outside == []
        context.close()
