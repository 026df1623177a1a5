"""Values that once answered 500 now answer 4xx, with the error shape the document declares.

Each case is one that a schemathesis run found (issue: ids of 2**63 and more, counts of
10**30, a date at 9999-12-31T23:59+14:00, a horizon of 99999999999 days, a path of "²").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.web.app import create_app

EDGE_OF_TIME = "9999-12-31T23:59:00+14:00"
BREACH = {"title": "t", "nature": ["confidentiality"], "aware_at": "2026-03-01T10:00:00+01:00"}
CASES: list[tuple[str, str, dict[str, Any] | None, int]] = [
    ("get", "/api/rights/requests/9223372036854775808", None, 422),
    ("post", "/api/rights/erasure/replay?request_id=33934226405871759392768", None, 422),
    ("get", "/api/audit/events?limit=-681862822662424083128064084541440", None, 422),
    ("get", "/api/accountability/dpias/9223372036854775808/pia", None, 422),
    ("post", "/api/breaches", {**BREACH, "aware_at": EDGE_OF_TIME}, 422),
    ("post", "/api/breaches", {**BREACH, "persons_approx": 10**30}, 422),
    ("get", "/api/retention/plan?horizon=99999999999d", None, 422),
    ("get", "/api/breaches/%C2%B2", None, 404),
    ("get", "/api/breaches/99999999999999999999999", None, 404),
    ("post", "/api/accountability/policy-change/%C2%B2/notify", None, 422),
    ("post", "/api/accountability/policy-change/999999999999999999999/notify", None, 422),
]  # fmt: skip


@pytest.fixture
def client(make_garant: Callable[..., Garant]) -> tuple[TestClient, dict[str, str]]:
    garant = make_garant(example="alliance-francaise")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@bounds.example", role="dpo", password="correct horse battery")
        token = issue_token(uow=uow, email="dpo@bounds.example", name="bounds")
    app = TestClient(create_app(garant), raise_server_exceptions=False)
    return app, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path", "body", "status"), CASES)
def test_an_out_of_range_value_is_refused_with_the_declared_error(
    client: tuple[TestClient, dict[str, str]],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
) -> None:
    app, headers = client
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    response = getattr(app, method)(path, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_policy_change_notice_for_an_unpublished_version_queues_nothing(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    """DEF-V1's notices are refused at once for a version that was never published,
    instead of a job that fails later in the worker."""
    app, headers = client
    response = app.post("/api/accountability/policy-change/41/notify", headers=headers)
    assert response.status_code == 422
    assert "has not been published" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    ["/admin/rights/9223372036854775808", "/privacy/policy/versions/99999999999999999999"],
)
def test_a_page_with_an_out_of_range_number_is_a_page_not_a_500(
    make_garant: Callable[..., Garant], path: str
) -> None:
    from tests.web.conftest import login

    garant = make_garant(example="alliance-francaise")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@staff.example", role="dpo", password="correct horse battery")
    app = TestClient(create_app(garant), raise_server_exceptions=False)
    login(app, "dpo")
    response = app.get(path, headers={"Accept-Language": "fr"})
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"].startswith("text/html")
