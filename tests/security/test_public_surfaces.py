"""Attacks on the public surfaces found in the red-team pass of issue 14 (cross-cutting)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.web.app import create_app

DEEP = ["[" * 50_000, '{"a":' * 12_000]


@pytest.fixture
def client(make_garant: Callable[..., Garant], tmp_path: Path) -> TestClient:
    garant = make_garant(url=f"sqlite:///{tmp_path / 'store.db'}")
    return TestClient(create_app(garant), raise_server_exceptions=False)


@pytest.mark.parametrize("body", DEEP, ids=["array", "object"])
@pytest.mark.parametrize("path", ["/api/public/rights/requests", "/cookies/choice"])
def test_json_nested_too_deep_is_a_422_not_a_500(client: TestClient, path: str, body: str) -> None:
    answer = client.post(
        path, params={"lang": "en"}, content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422, answer.text[:200]
    detail = answer.json()["detail"]  # JSON for the banner's script too
    assert "nested too deeply" in detail or "expected JSON" in detail


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("/privacy/requests/download/1?e=1999999999&s=1.%C3%A9", 403),
        ("/unsubscribe/ref:newsletter:1.%C3%A9", 400),
    ],
)
def test_a_signature_with_non_ascii_text_is_refused_not_a_500(
    client: TestClient, path: str, refused: int
) -> None:
    """``hmac.compare_digest`` raises TypeError on such text: a forged link is refused."""
    method = client.get if path.startswith("/privacy") else client.post
    assert method(path).status_code == refused


def _chunks(total: int) -> Iterator[bytes]:
    """A body without Content-Length (chunked), as an attacker streams it."""
    chunk = b"A" * 65536
    for _ in range(total // len(chunk)):
        yield chunk


@pytest.mark.parametrize(
    "path", ["/cookies/choice", "/privacy/consents/code", "/api/public/rights/requests"]
)
def test_a_streamed_body_past_the_public_limit_is_refused_before_it_is_stored(
    client: TestClient, path: str
) -> None:
    """Before, the form parser spooled it all to disk and ``body()`` read it all into
    memory (60 MB took 0.6 s; gigabytes fill the disk)."""
    kind = "multipart/form-data; boundary=x" if "consents" in path else "application/json"
    answer = client.post(path, content=_chunks(4 * 1024 * 1024), headers={"content-type": kind})
    assert answer.status_code == 413


def test_a_declared_length_past_the_documents_limit_is_refused_at_once(
    client: TestClient,
) -> None:
    body = b"%PDF-1.4\n" + b"A" * (11 * 1024 * 1024)
    answer = client.post(
        "/privacy/requests/status/any-token/document",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert answer.status_code == 413


def test_one_client_records_sixty_cookie_choices_an_hour_at_most(client: TestClient) -> None:
    """Each choice is a row and an audit event, with no login: a flood is refused."""
    from garant.consent.cookies import CHOICES_PER_CLIENT

    for _ in range(CHOICES_PER_CLIENT.limit):
        assert client.post("/cookies/choice", content='{"accepted": []}').status_code == 200
    refused = client.post("/cookies/choice", content='{"accepted": []}')
    assert refused.status_code == 429 and refused.headers["access-control-allow-origin"] == "*"
    assert int(refused.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "kind", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]
)
def test_another_sites_page_cannot_post_to_the_public_api(client: TestClient, kind: str) -> None:
    """Those types need no CORS preflight: a page visited by many made each visitor's
    browser submit a request naming a target (the body was read as JSON whatever its
    type)."""
    body = '{"type": "access", "identities": {"email": "target@example.org"}}'
    for path in ("/api/public/rights/requests", "/api/public/rights/requests/verify"):
        answer = client.post(path, content=body, headers={"content-type": kind})
        assert answer.status_code == 415
    accepted = client.post(
        "/api/public/rights/requests", content=body, headers={"content-type": "application/json"}
    )
    assert accepted.status_code != 415
