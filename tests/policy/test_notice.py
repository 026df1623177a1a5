"""The public notice (GDPR Art. 13 and 14), in both languages, HTML and Markdown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient

from garant.app import Garant
from garant.policy.document import to_html, to_markdown
from garant.policy.models import Policy
from garant.policy.notice import build_notice
from garant.web.app import create_app
from tests.policy.helpers import run


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3"):
            self.levels.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""


def test_notice_has_every_required_section_in_english(af: Policy) -> None:
    doc = build_notice(af, "en", version=(3, date(2026, 3, 1)))
    titles = [s.title for s in doc.sections]
    assert titles == [
        "Who is responsible",
        "Why we process your data and on what legal basis",
        "The data we process and where it comes from",
        "Mandatory fields",
        "Who receives your data",
        "Transfers outside the European Union",
        "How long we keep your data",
        "Your rights and how to exercise them",
        "Complaint and remedy",
        "How we protect your data",
        "Personal data breaches",
        "Cookies",
        "Our commitments",
        "Version",
    ]
    text = to_markdown(doc)
    assert (
        "Published version 3, on 1 March 2026." in text
        and "In force since 15 January 2026." in text
    )


def test_af_r2_retention_in_plain_words(af: Policy) -> None:
    text = to_markdown(build_notice(af, "en"))
    assert (
        "3 years from the latest of: collection, the last click in one of our emails, "
        "the last request for documentation (opening an email, a mail we sent do not "
        "count)"
    ) in text


def test_af_k1_cookies_with_categories_purposes_and_lifetimes(af: Policy) -> None:
    text = to_markdown(build_notice(af, "fr"))
    assert "| _pk_id | Mesure d'audience | Mesure d'audience (Matomo) | 13 mois | oui |" in text
    assert "Votre choix concernant les cookies est conservé 13 mois" in text


def test_af_d9_def_d6_complaint_to_the_supervisory_authority(af: Policy, dn: Policy) -> None:
    for policy in (af, dn):
        text = to_markdown(build_notice(policy, "en"))
        assert "You may lodge a complaint with the supervisory authority: CNIL" in text
        assert "judicial remedy" in text


def test_def_v2_the_committee_address_and_def_o1_entities(dn: Policy) -> None:
    text = to_markdown(build_notice(dn, "fr"))
    assert "Comité RGPD : Comité RGPD du Réseau DEF" in text and "rgpd@reseau-def.com" in text
    assert "- DEF Events, 7 rue du Saule Trapu" in text
    assert "| Inscription à un événement |" not in text  # forms are captioned, not rows
    events_row = next(line for line in text.splitlines() if line.startswith("| Gestion des év"))
    assert events_row.rstrip().endswith("| DEF Events |")


def test_def_t1_transfers_and_their_safeguards(dn: Policy) -> None:
    text = to_markdown(build_notice(dn, "en"))
    safeguard = "standard contractual clauses of the European Commission"
    assert f"| Mailchimp (Intuit) | United States | {safeguard} |" in text


def test_af_x2_deadlines_and_af_x1_channels(af: Policy) -> None:
    text = to_markdown(build_notice(af, "fr"))
    assert "Nous répondons dans un délai de 1 mois" in text and "prolongé de 2 mois" in text
    assert "Écrivez-nous en ligne, dans l’espace confidentialité, par e-mail, par courrier." in text


def test_notice_html_is_accessible_without_css(dn: Policy) -> None:
    html = to_html(build_notice(dn, "fr"))
    parser = _Headings()
    parser.feed(html)
    assert parser.lang == "fr"
    assert parser.levels[0] == "h1" and parser.levels.count("h1") == 1
    assert parser.levels.count("h2") >= 13
    assert "<style" not in html and '<th scope="col">' in html


def test_cli_notice_both_languages_and_formats(
    make_garant: Callable[..., Garant], tmp_path: Path
) -> None:
    garant = make_garant(example="def-network")
    ws = str(garant.workspace)
    out_file = tmp_path / "notice.html"
    code, _, _ = run(
        "policy",
        "notice",
        "--workspace",
        ws,
        "--lang",
        "en",
        "--format",
        "html",
        "--out",
        str(out_file),
    )
    assert code == 0 and '<html lang="en">' in out_file.read_text()
    code, out, _ = run("policy", "notice", "--workspace", ws, "--lang", "fr", "--format", "md")
    assert code == 0 and out.startswith("# Politique de confidentialité")
    code, _, err = run("policy", "notice", "--workspace", ws, "--lang", "de")
    assert code == 2 and 'unknown language "de"' in err


def test_notice_served_in_the_privacy_center(make_garant: Callable[..., Garant]) -> None:
    client = TestClient(create_app(make_garant(example="alliance-francaise")))
    fr = client.get("/privacy/notice?lang=fr")
    assert fr.status_code == 200 and '<html lang="fr">' in fr.text
    assert "<h1>Politique de confidentialité</h1>" in fr.text
    en = client.get("/privacy/notice?lang=en")
    assert "<h1>Privacy notice</h1>" in en.text and "Who is responsible" in en.text


def test_notice_of_a_minimal_policy_still_renders(make_garant: Callable[..., Garant]) -> None:
    client = TestClient(create_app(make_garant()))
    page = client.get("/privacy/notice?lang=en")
    assert page.status_code == 200 and "Test Organization" in page.text
