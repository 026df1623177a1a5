"""The policy's own words where the law is open: kinds of persons, events, legal texts.

A public body's register speaks of beneficiaries, minors and their guardians, patients;
its retention starts at events of its own ("the closing of the file"); its public task and
its legal obligations rest on a code, an article, a decree. Built-in kinds and events stay
as defaults (``activity_model.SUBJECT_CATEGORIES``, ``wording.event``); a policy adds its
own with French and English labels, which the notice and the register print instead of ids.
"""

from __future__ import annotations

from pydantic import Field

from garant.policy.common import Element, Identifier, Text


class SubjectKind(Element):
    """A category of persons (GDPR Art. 30(1)(c)), e.g. ``beneficiaries``.

    ``vulnerable`` and ``minors`` feed the DPIA screening (WP248 criterion 7) and the
    consent age check (Loi 78-17 art. 45).
    """

    id: Identifier
    label: Text
    vulnerable: bool = False
    minors: bool = False


class EventLabel(Element):
    """An event a retention starts from, in words: ``{id: received, label: {fr: "la
    réception de la demande", en: "the receipt of the request"}}``."""

    id: Identifier
    label: Text


class LegalReference(Element):
    """The text behind a public task (Art. 6(3)) or a legal obligation: code or act,
    article, link."""

    text: str = Field(min_length=1)
    article: str | None = None
    url: str | None = None

    def cite(self) -> str:
        words = f"{self.text}, {self.article}" if self.article else self.text
        return f"{words} ({self.url})" if self.url else words
