"""The register of processing activities as the CNIL's basic register template lays it
out ("registre RGPD basique", GDPR Art. 30(1)): the organization first, then one sheet
per processing activity with the template's headings in their order, in French by
default (English with ``lang="en"``). Nothing but words: the rows are those of
``register.register_rows``, which already speak (labels, retention per category).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from garant.i18n import gettext as _
from garant.i18n import language
from garant.policy.register import organization, register_rows
from garant.printing import PRINT_CSS, pdf_bytes

if TYPE_CHECKING:
    from garant.policy.models import Policy

SHEET_CSS = "section.sheet { page-break-before: always; }"


def register_html(policy: Policy, *, entity: str | None = None, lang: str = "fr") -> str:
    columns, rows = register_rows(policy, entity=entity, lang=lang)
    org = organization(policy, lang)
    with language(lang):
        title = _("Register of processing activities")
        org_rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in org if v
        )
        listing = "".join(f"<li>{escape(row.get('name', ''))}</li>" for row in rows)
        sheets = "".join(
            f'<section class="sheet"><h2>{escape(row.get("name", ""))}</h2>'
            '<table class="entry">'
            + "".join(
                f"<tr><th>{escape(heading)}</th><td>{escape(row.get(key, ''))}</td></tr>"
                for key, heading in columns
                if row.get(key)
            )
            + "</table></section>"
            for row in rows
        )
        return (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{PRINT_CSS}{SHEET_CSS}</style></head><body>"
            f'<h1>{escape(title)}</h1><p class="meta">{escape(_("GDPR Art. 30(1)"))}</p>'
            f'<h2>{escape(_("The organization"))}</h2><table class="entry">{org_rows}</table>'
            f"<h3>{escape(_('Processing activities'))}</h3><ol>{listing}</ol>{sheets}"
            "</body></html>"
        )


def register_pdf(policy: Policy, *, entity: str | None = None, lang: str = "fr") -> bytes:
    return pdf_bytes(register_html(policy, entity=entity, lang=lang))
