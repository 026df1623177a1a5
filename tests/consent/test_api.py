"""The consent API: the check, the ledger and the audience filter, behind roles."""

from __future__ import annotations

from fastapi.testclient import TestClient

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.web.app import create_app


def _client(garant: Garant, role: str) -> TestClient:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=f"{role}@example.org", role=role, password="a long password!")
        token = issue_token(uow=uow, email=f"{role}@example.org", name="test")
    client = TestClient(create_app(garant))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_af_d7_api_records_checks_and_withdraws(cg: Garant) -> None:
    """AF-D7: withdrawal through the API; the check answers with the reason."""
    client = _client(cg, "privacy")
    params = {"purpose": "newsletter", "value": "anne@example.org"}
    assert client.get("/api/consent/check", params=params).json()["code"] == "no_consent"
    created = client.post(
        "/api/consent/events",
        json={
            "identity": {"value": "anne@example.org"},
            "purpose": "newsletter",
            "given": True,
            "source": "form",
            "notice_version": "2026-01",
        },
    )
    assert created.status_code == 201 and created.json()["given"] is True
    answer = client.get("/api/consent/check", params=params).json()
    assert answer["allowed"] is True and "newsletter" in answer["reason"]
    withdrawn = client.post("/api/consent/withdraw-all", json={"value": "anne@example.org"})
    assert [e["purpose"] for e in withdrawn.json()] == ["newsletter"]
    assert client.get("/api/consent/check", params=params).json()["allowed"] is False
    history = client.post("/api/consent/history", json={"value": "anne@example.org"}).json()
    assert [e["given"] for e in history] == [True, False]
    unknown = client.get("/api/consent/check", params={**params, "purpose": "nope"})
    assert unknown.status_code == 422 and "unknown purpose" in unknown.json()["detail"]


def test_api_requires_a_role_that_may(sg: Garant) -> None:
    finance = _client(sg, "finance")
    params = {"purpose": "newsletter", "value": "anne@example.org"}
    assert finance.get("/api/consent/check", params=params).status_code == 403
    assert TestClient(create_app(sg)).get("/api/consent/check", params=params).status_code == 401
    comms = _client(sg, "communications")
    assert comms.get("/api/consent/check", params=params).status_code == 200
    refused = comms.post(
        "/api/consent/events",
        json={"identity": {"value": "anne@example.org"}, "purpose": "newsletter", "given": True},
    )
    assert refused.status_code == 403


def test_api_audience_filter_says_why_not(sg: Garant) -> None:
    client = _client(sg, "privacy")
    client.post(
        "/api/consent/events",
        json={"identity": {"value": "a@example.org"}, "purpose": "newsletter", "given": True},
    )
    client.post(
        "/api/consent/suppression", json={"identity": {"value": "c@example.org"}, "purpose": "*"}
    )
    answer = client.post(
        "/api/consent/audience",
        json={
            "purpose": "newsletter",
            "identities": ["a@example.org", "b@example.org", "c@example.org", "not-an-address"],
        },
    ).json()
    assert answer["allowed"] == 1 and answer["refused"] == 3
    assert [r["code"] for r in answer["rows"]] == ["consent", "no_consent", "suppressed", "invalid"]
