"""An open model and a notice that says only what the policy says (issue 17, B and C)."""

from __future__ import annotations

import csv
import io

import pytest

from garant.errors import GarantError
from garant.policy.document import to_markdown
from garant.policy.loader import parse_policy
from garant.policy.models import Policy
from garant.policy.notice import build_notice
from garant.policy.register import export_register

BASE = """\
controller: {name: Ville de Test, kind: public_body, address: 1 place de la Mairie}
contacts: {dpo: {name: DPO de la ville, email: dpo@ville.example}}
subject_kinds:
  - id: beneficiaries
    label: {fr: Bénéficiaires du dispositif, en: Scheme beneficiaries}
    vulnerable: true
events:
  - {id: received, label: {fr: la réception de la demande, en: the receipt of the request}}
rights: {channels: [email], identity_proof: code}
activities:
  - id: grants
    name: {fr: Aides, en: Grants}
    purposes: [{fr: Instruire les aides, en: Handling grants}]
    legal_basis: public_task
    legal_references:
      - {text: Code de l'action sociale et des familles, article: art. L241-3, url: "https://www.legifrance.gouv.fr/x"}
    art9_condition: substantial_public_interest
    data_subjects: [beneficiaries, guardians]
    data_categories: [identification, health]
    retention: grants
    processors: [host]
    transfers:
      - {country: US, recipient: vimeo, mechanism: scc, scc_module: 2}
      - {country: US, recipient: Vimeo, mechanism: scc, scc_module: 2}
special_categories: {processed: true}
retention_rules:
  - {id: grants, duration: 12 months, start: received}
processors:
  - id: host
    name: Hébergeur
    service: {fr: Hébergement, en: Hosting}
    countries: [FR]
    sub_processors: [{name: Support Desk, service: support, country: IN}]
    transfer: scc
    safeguard_url: "https://host.example/scc.pdf"
"""


def _md(policy: Policy, lang: str) -> str:
    return to_markdown(build_notice(policy, lang))


def test_public_body_notice_speaks_the_policys_words_never_ids() -> None:
    """Labels, never ids: the policy's own kinds of persons and events, Art. 9 conditions in
    words; the legal text behind the public task is printed beside the basis."""
    policy = parse_policy(BASE)
    fr = _md(policy, "fr")
    assert "Bénéficiaires du dispositif, Représentants légaux" in fr
    assert "12 mois à compter de la réception de la demande" in fr
    assert "substantial_public_interest" not in fr and "Motif d'intérêt public important" in fr
    assert "Code de l'action sociale et des familles, art. L241-3" in fr
    en = _md(policy, "en")
    assert "12 months from the receipt of the request" in en and " received" not in en


def test_no_promise_the_policy_does_not_make() -> None:
    """The third-party promise is printed only when `sharing.third_parties_need_consent`."""
    promise = "jamais transmises à un tiers"
    assert promise not in _md(parse_policy(BASE), "fr")
    declared = BASE + "sharing: {third_parties_need_consent: true}\n"
    assert promise in _md(parse_policy(declared), "fr")


def test_transfers_once_each_and_sub_processors_included() -> None:
    """Art. 13(1)(f): "vimeo" and "Vimeo" are one transfer; a processor's sub-processor in
    India is a transfer too, under the processor's safeguard with its document."""
    en = _md(parse_policy(BASE), "en")
    assert en.lower().count("| vimeo |") == 1
    assert "Support Desk (sub-processor of Hébergeur) | India" in en
    assert "https://host.example/scc.pdf" in en


def test_objection_worded_for_a_public_task_not_prospecting() -> None:
    """Art. 21(1): for a public task, objection on grounds relating to one's situation, the
    controller stopping unless compelling grounds; no word of prospecting (Art. 21(2))."""
    fr = _md(parse_policy(BASE), "fr")
    assert "mission d'intérêt public" in fr and "motifs légitimes et impérieux" in fr
    assert "prospection" not in fr


def test_withdrawal_stated_where_consent_is_a_basis_cookies_included() -> None:
    """Art. 13(2)(c): consent to cookies is a basis; the right to withdraw it is stated,
    although the policy's declared rights do not list it."""
    rights = "rights: {channels: [email], identity_proof: code, rights: [{right: access}]}"
    base = BASE.replace("rights: {channels: [email], identity_proof: code}", rights)
    assert "retirer votre consentement" not in _md(parse_policy(base), "fr").lower()
    cookies = (
        "cookie_policy: {consent_lifetime: 6 months, categories: [{id: audience, label: "
        "{fr: Mesure d'audience, en: Audience}, description: {fr: S, en: S}}]}\n"
        "cookies:\n  - {name: _ga, category: audience, purpose: {fr: S, en: S}, "
        "lifetime: 30 minutes, provider: Google, country: US, safeguard: scc}\n"
    )
    fr = _md(parse_policy(base + cookies), "fr")
    assert "Droit de retirer son consentement" in fr or "retirer votre consentement" in fr
    assert "| _ga | Mesure d'audience |" in fr and "30 minutes" in fr
    assert "Google | États-Unis" in fr  # the cookie's provider is a transfer too


def test_only_declared_rights_are_listed() -> None:
    rights = "rights: {channels: [email], identity_proof: code, rights: [{right: access}]}"
    en = _md(
        parse_policy(BASE.replace("rights: {channels: [email], identity_proof: code}", rights)),
        "en",
    )
    assert "Right of access" in en and "Right to data portability" not in en


def test_external_channel_needs_its_url_and_is_printed() -> None:
    with pytest.raises(GarantError, match="external_url"):
        parse_policy(BASE.replace("channels: [email]", "channels: [external]"))
    text = BASE.replace(
        "channels: [email]",
        "channels: [email, external], external_url: 'https://portail.example/rgpd'",
    )
    assert "https://portail.example/rgpd" in _md(parse_policy(text), "en")


def test_csv_register_carries_the_controller_and_the_dpo() -> None:
    """GDPR Art. 30(1)(a): "the name and contact details of the controller ... and the data
    protection officer", on the CSV too (one table: on every row)."""
    data = export_register(parse_policy(BASE), "csv", lang="fr").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows[0]["Responsable de traitement"].startswith("Ville de Test, 1 place de la Mairie")
    assert rows[0]["Délégué à la protection des données"].startswith("DPO de la ville")
    assert "none" not in rows[0]["Délégué à la protection des données"]


def test_related_start_and_legal_references_on_rules_are_printed() -> None:
    text = BASE.replace(
        "  - {id: grants, duration: 12 months, start: received}",
        "  - id: grants\n    duration: 12 months\n"
        "    start: {latest: [received], related: {via: guardian, event: account_closed}}\n"
        "    legal_references: [{text: Délibération CNIL 2021-018}]",
    )
    fr = _md(parse_policy(text), "fr")
    assert "la clôture du compte de l'enregistrement dont il dépend" in fr
    assert "Texte fixant cette durée : Délibération CNIL 2021-018." in fr


def test_unknown_person_kind_and_field_nature_are_refused_with_their_place() -> None:
    with pytest.raises(GarantError, match=r"data_subjects\[0\]"):
        parse_policy(BASE.replace("[beneficiaries, guardians]", "[aliens, guardians]"))
