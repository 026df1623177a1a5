"""Post-mortem directives without an executor, asking for communication (issue 17)."""

from __future__ import annotations

from garant.app import Garant
from tests.rights.helpers import api_client

ADA = {"email": "ada@example.org"}


def test_directives_without_executor_are_carried_out_by_the_heirs_and_may_ask_communication(
    school: Garant,
) -> None:
    """Loi 78-17 art. 85 I: the directives may designate a person to carry them out; "à
    défaut de désignation" the heirs have standing to know them and ask that they be carried
    out; directives bear on the retention, erasure *and communication* of the data."""
    with api_client(school) as client:
        body = {
            "identities": ADA,
            "text": "Send my data to my heirs, then erase it",
            "actions": ["communicate", "erase"],
            "consent": True,
        }
        made = client.post("/api/rights/directives", json=body)
        assert made.status_code in (200, 201), made.text
        death = client.post("/api/rights/deaths", json={"identities": ADA, "proof": "cert 7"})
        requests = death.json()["requests"]
        shown = [client.get(f"/api/rights/requests/{rid}").json() for rid in requests]
    assert sorted(s["type"] for s in shown) == ["access", "post_mortem"]
    assert {s["requester_kind"] for s in shown} == {"heir"}
    assert all(s["status"] == "verified" for s in shown)
