"""Staff accounts' wiring: ended sessions are deleted after a while; a key version that
encrypted a second factor or hashed a live API token cannot be retired."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from garant.accounts.models import ApiToken, StaffUser
from garant.retention.own import OwnDataRule

if TYPE_CHECKING:
    from garant.app import Garant

SESSIONS_RULE = OwnDataRule(
    table="staff_sessions",
    date_column="expires_at",
    rule="staff_sessions",
    default="90 days",
)
"""A session row says who was signed in when (with the audit log): kept 90 days after its
last possible use unless the policy has a ``staff_sessions`` rule."""


def key_usage(garant: Garant, version: int) -> dict[str, int]:
    with garant.unit_of_work(read_only=True) as uow:
        secrets = uow.session.scalars(
            select(StaffUser.totp_secret).where(StaffUser.totp_secret.is_not(None))
        )
        factors = sum(1 for blob in secrets if blob and int.from_bytes(blob[:4], "big") == version)
        tokens = uow.session.scalar(
            select(func.count(ApiToken.id)).where(
                ApiToken.revoked_at.is_(None), ApiToken.token_hash.startswith(f"v{version}:")
            )
        )
    return {"staff second factors": factors, "live API tokens": int(tokens or 0)}


def install(garant: Garant) -> None:
    garant.own_data_rules.append(SESSIONS_RULE)
    garant.key_usage_probes.append(key_usage)
