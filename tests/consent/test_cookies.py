"""Cookie choices: categories from the policy, proof, 13 months, asking again, GPC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from garant.app import Garant
from garant.audit.chain import open_payload
from garant.audit.models import AuditEvent, AuditPayload
from garant.cli.main import build_app
from garant.consent import cookies
from garant.web.app import create_app


def _choose(client: TestClient, accepted: list[str], **headers: str) -> dict[str, object]:
    answer = client.post(
        "/cookies/choice",
        content=f'{{"accepted": {accepted!r}}}'.replace("'", '"'),
        headers={"Content-Type": "text/plain", **headers},
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_af_c3_banner_offers_policy_categories_and_records_proof(sg: Garant) -> None:
    """AF-C3: the categories come from the policy; optional ones need a click; the choice is
    recorded with its proof (IP and user agent in the erasable payload)."""
    client = TestClient(create_app(sg))
    status = client.get("/cookies/status", params={"lang": "fr"}).json()
    assert status["ask"] is True and status["accepted"] == ["necessary"]
    cats = {c["id"]: c["required"] for c in status["config"]["categories"]}
    assert cats == {"necessary": True, "measurement": False, "advertising": False}
    assert status["config"]["texts"]["refuse_all"] == "Tout refuser"
    assert client.get("/cookies/banner.js").headers["content-type"].startswith("text/javascript")
    chosen = _choose(client, ["measurement"], **{"User-Agent": "TestBrowser/1"})
    assert chosen["accepted"] == ["necessary", "measurement"]
    assert chosen["refused"] == ["advertising"]
    with sg.unit_of_work() as uow:
        event = uow.session.query(AuditEvent).filter_by(action="cookie.choice").one()
        payload = uow.session.get(AuditPayload, event.seq)
        assert payload is not None and payload.data is not None
        assert (open_payload(uow.keys, payload) or {})["user_agent"] == "TestBrowser/1"
    later = client.get("/cookies/status", params={"token": chosen["token"]}).json()
    assert later["ask"] is False and later["accepted"] == ["necessary", "measurement"]
    bad = client.post("/cookies/choice", content='{"accepted": ["tracking"]}')
    assert bad.status_code == 422 and "tracking" in bad.json()["detail"]


def test_af_r4_choice_lasts_13_months_from_the_choice_not_the_visit(sg: Garant) -> None:
    """AF-R4: 13 months at most from the choice; visits in between do not extend it; the
    banner asks again after six months, a refusal being remembered until then."""
    with sg.unit_of_work() as uow:
        refusal = cookies.record_choice(uow=uow, accepted=[])
        token = refusal.id
        assert refusal.expires_at == datetime(2027, 4, 2, 9, 0, tzinfo=UTC)
    clock = sg.clock
    clock.advance(days=30 * 5)  # type: ignore[attr-defined]
    with sg.unit_of_work() as uow:  # a visit five months later: refusal remembered
        seen = cookies.status(uow, token)
        assert seen["ask"] is False and seen["accepted"] == ["necessary"]
        assert seen["refused"] == ["measurement", "advertising"]
    clock.advance(days=35)  # type: ignore[attr-defined]
    with sg.unit_of_work() as uow:  # six months: ask again
        assert cookies.status(uow, token)["reason"] == "time to ask again"
    with sg.unit_of_work() as uow:
        choice = cookies.record_choice(uow=uow, accepted=["measurement"], ask_again_months=12)
        token, expiry = choice.id, choice.expires_at
    clock.advance(days=200)  # type: ignore[attr-defined]
    with sg.unit_of_work() as uow:
        assert cookies.status(uow, token)["ask"] is False
        assert cookies.status(uow, token)["expires_at"] == expiry.isoformat()
    clock.advance(days=200)  # type: ignore[attr-defined]
    with sg.unit_of_work() as uow:
        answer = cookies.status(uow, token)
        assert answer["ask"] is True and answer["reason"] == "choice expired (13 months)"
        assert answer["accepted"] == ["necessary"]
        assert cookies.purge_expired(uow) == 2


def test_af_r4_expiry_and_reasking_with_as_of(sg: Garant, monkeypatch: pytest.MonkeyPatch) -> None:
    """AF-R4 from the CLI: the same choice read ``--as-of`` later is asked again."""
    with sg.unit_of_work() as uow:
        token = cookies.record_choice(uow=uow, accepted=["measurement"]).id
    runner = CliRunner()
    args = ["cookies", "status", token, "--workspace", str(sg.workspace), "--json"]
    monkeypatch.setenv("GARANT_DATABASE_URL", sg.store.url)
    soon = runner.invoke(build_app(), [*args, "--as-of", "2026-06-01"])
    assert soon.exit_code == 0, soon.output
    assert '"ask": false' in soon.output
    late = runner.invoke(build_app(), [*args, "--as-of", "2027-04-03"])
    assert '"ask": true' in late.output and "13 months" in late.output


def test_cookie_list_change_asks_again(sg: Garant) -> None:
    with sg.unit_of_work() as uow:
        token = cookies.record_choice(uow=uow, accepted=["measurement"]).id
    policy = sg.policy_path.read_text().replace("  - name: ads_id", "  - name: ads_id2")
    sg.policy_path.write_text(policy)
    sg.reload()
    with sg.unit_of_work() as uow:
        assert cookies.status(uow, token)["reason"] == "the cookie list changed"


def test_global_privacy_control_refuses_optional_categories(sg: Garant) -> None:
    """Sec-GPC: 1 refuses every optional category, even when the banner said accept all."""
    client = TestClient(create_app(sg))
    status = client.get("/cookies/status", headers={"Sec-GPC": "1"}).json()
    assert status["gpc"] is True and status["ask"] is True
    chosen = _choose(client, ["measurement", "advertising"], **{"Sec-GPC": "1"})
    assert chosen["accepted"] == ["necessary"] and chosen["gpc"] is True
    earlier = _choose(client, ["measurement"])
    answer = client.get(
        "/cookies/status", params={"token": earlier["token"]}, headers={"Sec-GPC": "1"}
    ).json()
    assert answer["ask"] is True and answer["accepted"] == ["necessary"]
