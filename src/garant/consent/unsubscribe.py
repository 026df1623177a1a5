"""One-click unsubscribe (AF-M1, RFC 8058): signed links bound to one person and one purpose.

A link carries the person's keyed hash, never their address, the purpose and a signature
over both: changing either one, or pasting another person's signature, is refused. A GET
only shows a page (mail scanners follow links); the POST withdraws at once, and a second
POST changes nothing more. Campaign mail goes through :func:`queue_campaign_mail`, which
refuses a recipient the check does not allow and adds the link and both headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from garant.consent import service
from garant.consent.check import may_use
from garant.consent.purposes import Purpose, catalog
from garant.consent.service import Identity, clean_identity, refs_of
from garant.errors import ConfigError, InvalidInput, PermissionDenied
from garant.mail.models import OutboxMessage
from garant.mail.service import queue_mail
from garant.store.uow import UnitOfWork

SIGNING_PURPOSE = "consent.unsubscribe"
SEP = "~"


@dataclass(frozen=True)
class Link:
    ref: str
    purpose: Purpose
    token: str


def make_token(uow: UnitOfWork, identity: Identity, purpose: str) -> str:
    target = catalog(uow.garant).purpose(purpose)
    ref = refs_of(uow.keys, clean_identity(identity))[-1]
    signature = uow.keys.sign(SIGNING_PURPOSE, f"{ref}|{target.id}")
    return SEP.join((ref, target.id, signature))


def read_token(uow: UnitOfWork, token: str) -> Link:
    """The person and purpose a token names, or a refusal (forged, altered, unknown)."""
    parts = token.split(SEP)
    if len(parts) != 3:
        raise PermissionDenied("this unsubscribe link is not valid")
    ref, purpose, signature = parts
    if not uow.keys.verify_signature(SIGNING_PURPOSE, f"{ref}|{purpose}", signature):
        raise PermissionDenied("this unsubscribe link is not valid")
    target = catalog(uow.garant).purposes.get(purpose)
    if target is None:
        raise InvalidInput(f'this link is for "{purpose}", which the policy no longer declares')
    return Link(ref, target, token)


def url_for(uow: UnitOfWork, token: str) -> str:
    base = uow.garant.settings.web.base_url.rstrip("/")
    return f"{base}/unsubscribe/{quote(token, safe=':~.-_')}"


def headers_for(uow: UnitOfWork, identity: Identity, purpose: str) -> tuple[str, dict[str, str]]:
    """The link and the RFC 2369 / RFC 8058 headers for one recipient and one purpose."""
    url = url_for(uow, make_token(uow, identity, purpose))
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe(
    *, uow: UnitOfWork, token: str, ip: str | None = None, user_agent: str | None = None
) -> tuple[Link, bool]:
    """Withdraw the token's purpose; ``False`` when it was already withdrawn (a repeat)."""
    link = read_token(uow, token)
    state = service.current(uow, [link.ref], link.purpose.id)
    if state is not None and not state.given:
        return link, False
    service.append(
        uow=uow,
        ref=link.ref,
        refs=[link.ref],
        purpose=link.purpose.id,
        given=False,
        source="email_link",
        proof={"ip": ip, "user_agent": user_agent},
    )
    return link, True


def queue_campaign_mail(
    *,
    uow: UnitOfWork,
    identity: Identity,
    purpose: str,
    template: str,
    lang: str,
    context: dict[str, Any],
    key: str,
) -> OutboxMessage | None:
    """Queue one campaign mail with its unsubscribe link and headers (AF-M1).

    ``None`` when the check refuses the recipient; a template that does not show
    ``{{ unsubscribe_url }}`` is refused, since every commercial mail must carry it.
    """
    kind, address = clean_identity(identity)
    if kind != "email":
        raise InvalidInput("campaign mail goes to an email identity")
    if not may_use(uow=uow, identity=(kind, address), purpose=purpose).allowed:
        return None
    url, headers = headers_for(uow, (kind, address), purpose)
    full = {**context, "unsubscribe_url": url}
    rendered = uow.garant.mail_templates.render(template, lang, full)
    if url not in rendered.text:
        raise ConfigError(
            f"mail template {template}.{lang}.txt must show {{{{ unsubscribe_url }}}}"
        )
    return queue_mail(
        uow=uow, to=address, template=template, lang=lang, context=full, key=key, headers=headers
    )
