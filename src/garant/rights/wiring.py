"""How the rights feature plugs into the app: job, reminders, dashboard, use checks, own data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table

from garant.rights import dashboard, execute, reminders, restriction, review

if TYPE_CHECKING:
    from garant.app import Garant


def _closed(table: Table) -> ColumnElement[bool]:
    return table.c.closed_at.is_not(None)


def own_rules() -> list[Any]:
    """AF-R5: closed requests archived five years then deleted; AF-R6: identity checks one year."""
    from garant.retention.own import OwnDataRule

    def five(table: str, column: str, **extra: Any) -> OwnDataRule:
        return OwnDataRule(
            table=table,
            date_column=column,
            rule="rights_requests",
            default="5 years",
            promise="AF-R5",
            **extra,
        )

    return [
        five("rights_requests", "closed_at", condition=_closed),
        five("request_decisions", "decided_at"),
        five("request_steps", "done_at"),
        five("request_tasks", "created_at"),
        five("request_corrections", "created_at"),
        five("erasure_journal", "erased_at"),
        OwnDataRule(
            table="request_packages",
            date_column="expires_at",
            rule="rights_packages",
            default="0 days",
            promise="AF-D1",
        ),
        OwnDataRule(
            table="identity_checks",
            date_column="created_at",
            rule="identity_checks",
            default="1 year",
            promise="AF-R6",
        ),
    ]


def install(garant: Garant) -> None:
    """Register this feature's job handlers, schedulers and dashboard providers."""
    garant.jobs.register(execute.JOB, execute.handler)
    garant.jobs.register(reminders.JOB, reminders.handler)
    garant.schedulers.append(reminders.schedule)
    garant.dashboard_providers.append(dashboard.provider)
    garant.dashboard_providers.append(review.dashboard)
    garant.use_blockers.append(restriction.blocker)
    garant.own_data_rules.extend(own_rules())
