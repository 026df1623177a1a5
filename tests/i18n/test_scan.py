"""The scanner of what a person reads finds what it must (issue 18): English that never
went through gettext, raw codes and UTC timestamps; and not a French word spelled like a
code, a proper name, nor a part marked in another language."""

from __future__ import annotations

from tests.i18n.scan import problems, visible_text


def test_english_without_a_catalog_entry_is_found_on_a_french_page() -> None:
    for english in (
        "Your request has been received.",
        "The notice will be sent to the persons.",
        "Please confirm the publication",
        "Nothing was sent to the person yet.",
        "Implementing Decision of 15 July 2025",
        "Learner management, shop, newsletter and website",
    ):
        found = problems([english], "fr", "page")
        assert found and "English" in found[0], english
        assert problems([english], "en", "page") == []  # in English it is right


def test_french_names_and_words_spelled_like_codes_are_not_faults() -> None:
    french = [
        "Votre demande a été reçue le 2 mars 2026 à 10:00.",
        "Demo School a publié une nouvelle version (2) de sa politique de confidentialité.",
        "Vos droits (accès, rectification, effacement, opposition, limitation, portabilité)",
        "Le thé est servi à la Alliance Française de Paris.",
        "Décision d'exécution (UE) 2023/1795 (cadre de protection des données UE-États-Unis)",
        "Écrivez à dpo@example.org ou sur https://example.org/the/and/of",
    ]
    assert problems(french, "fr", "page") == []


def test_a_printed_line_is_checked_for_function_words_only() -> None:
    """A PDF table cuts French words ("Person" of "Personnes") and names ("(Data")."""
    cut = ["  Person     Enregi   Donné", "données UE-États-Unis (Data"]
    assert problems(cut, "fr", "pdf", printed=True) == []
    found = problems(["  Communications to the persons    Aucun"], "fr", "pdf", printed=True)
    assert found == ["pdf: English 'to' in '  Communications to the persons    Aucun'"]


def test_raw_codes_and_utc_timestamps_are_still_found() -> None:
    found = problems(
        ["Motif : art17_1_a", "Demandeur: person", "Reçu le 2026-12-06T03:06:06.609843+00:00"],
        "fr",
        "page",
    )
    assert "page: raw code 'art17_1_a' in 'Motif : art17_1_a'" in found
    assert "page: raw code 'person' in 'Demandeur: person'" in found
    assert any("UTC/ISO time" in f for f in found)


def test_a_part_marked_in_another_language_is_left_to_its_own_check() -> None:
    html = (
        '<html lang="fr"><body><p>Bonjour</p><a lang="en" href="?lang=en">English</a>'
        '<section lang="en"><h2>The message</h2><section><p>Hello, your data</p></section>'
        "</section><p>Fin</p><code>the_code</code></body></html>"
    )
    assert visible_text(html, "fr") == ["Bonjour", "Fin"]
    assert visible_text(html, "en")[:3] == ["Bonjour", "English", "The message"]
