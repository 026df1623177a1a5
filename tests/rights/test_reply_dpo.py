"""The reply letter names the DPO only when there is one (issue 17)."""

from __future__ import annotations

from garant.policy.loader import parse_policy
from garant.rights import policy_view

BASE = "controller: {name: Mairie}\nrights: {channels: [email], email: mairie@example.org}\n"


def test_reply_letter_never_calls_the_controllers_address_the_dpos() -> None:
    """GDPR Art. 13(1)(b), 15: "the contact details of the data protection officer, where
    applicable"; the rights channel's address is not the DPO's. ``dpo_contact`` still
    falls back to it to route staff mail."""
    policy = parse_policy(BASE)
    assert policy_view.dpo_email(policy) == ""
    assert policy_view.dpo_contact(policy) == "mairie@example.org"
    with_dpo = parse_policy(BASE + "contacts: {dpo: {name: DPO, email: dpo@example.org}}\n")
    assert policy_view.dpo_email(with_dpo) == "dpo@example.org"
