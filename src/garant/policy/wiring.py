"""How the policy feature plugs into the app: a dashboard entry for the policy's health."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from garant.errors import GarantError
from garant.i18n import gettext as _

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.store.uow import UnitOfWork


def install(garant: Garant) -> None:
    """Register this feature's dashboard provider."""
    garant.dashboard_providers.append(policy_health)


def policy_health(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lint errors are a risk on the dashboard; an unpublished policy is worth knowing."""
    from garant.policy import versions
    from garant.policy.lint import check_policy, errors

    href = "/admin/policy"
    try:
        policy = garant.policy
    except GarantError as exc:
        return [
            {
                "level": "late",
                "title": _("The policy does not load"),
                "summary": exc.message.splitlines()[0],
                "items": [],
            }
        ]
    previous = versions.previous_policy(uow)
    found = errors(check_policy(policy, previous=previous))
    sections: list[dict[str, Any]] = []
    if found:
        sections.append(
            {
                "level": "risk",
                "title": _("Policy check"),
                "summary": _("{count} error(s) in the policy").format(count=len(found)),
                "items": [{"text": f.message, "href": href} for f in found[:10]],
            }
        )
    if previous is None:
        sections.append(
            {
                "level": "info",
                "title": _("Policy"),
                "summary": _("No version has been published yet."),
                "items": [{"text": _("Publish the current policy"), "href": href}],
            }
        )
    return sections
