"""Roles and what each may do (DEF-S2, DEF-SEC1): one matrix that every route consults."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DPO = "dpo"
    PRIVACY = "privacy"
    FINANCE = "finance"
    COMMUNICATIONS = "communications"
    ARCHIVIST = "archivist"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard.view"
    REGISTER_READ = "register.read"
    POLICY_MANAGE = "policy.manage"
    DATAMAP_READ = "datamap.read"
    DATAMAP_MANAGE = "datamap.manage"
    SUBJECT_READ = "subject.read"
    SUBJECT_EXPORT = "subject.export"
    CONSENT_READ = "consent.read"
    CONSENT_MANAGE = "consent.manage"
    AUDIENCE_FILTER = "audience.filter"
    RETENTION_READ = "retention.read"
    RETENTION_RUN = "retention.run"
    ARCHIVE_READ = "archive.read"
    ARCHIVE_RESTORE = "archive.restore"
    ARCHIVE_DESTROY = "archive.destroy"
    HOLD_MANAGE = "hold.manage"
    REQUEST_READ = "request.read"
    REQUEST_MANAGE = "request.manage"
    BREACH_READ = "breach.read"
    BREACH_MANAGE = "breach.manage"
    PROCESSOR_READ = "processor.read"
    PROCESSOR_MANAGE = "processor.manage"
    DPIA_READ = "dpia.read"
    DPIA_MANAGE = "dpia.manage"
    DISCLOSURE_READ = "disclosure.read"
    DISCLOSURE_MANAGE = "disclosure.manage"
    RECORDS_MANAGE = "records.manage"
    CHECK_RUN = "check.run"
    DOSSIER_EXPORT = "dossier.export"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    MAIL_READ = "mail.read"
    USERS_MANAGE = "users.manage"
    SYSTEM_MANAGE = "system.manage"


P = Permission
_READ_ONLY_OVERSIGHT = {
    P.DASHBOARD_VIEW,
    P.REGISTER_READ,
    P.DATAMAP_READ,
    P.RETENTION_READ,
    P.ARCHIVE_READ,
    P.BREACH_READ,
    P.PROCESSOR_READ,
    P.DPIA_READ,
    P.DISCLOSURE_READ,
    P.CHECK_RUN,
    P.DOSSIER_EXPORT,
    P.AUDIT_READ,
    P.AUDIT_VERIFY,
    P.REQUEST_READ,
}

GRANTS: dict[Role, frozenset[Permission]] = {
    # The DPO sees and decides everything about personal data, but restoring an archive
    # is the archivist's act and managing accounts the administrator's (separation of duties).
    Role.DPO: frozenset(set(P) - {P.ARCHIVE_RESTORE, P.USERS_MANAGE, P.SYSTEM_MANAGE}),
    Role.PRIVACY: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.REGISTER_READ,
            P.DATAMAP_READ,
            P.SUBJECT_READ,
            P.SUBJECT_EXPORT,
            P.CONSENT_READ,
            P.CONSENT_MANAGE,
            P.AUDIENCE_FILTER,
            P.RETENTION_READ,
            P.HOLD_MANAGE,
            P.REQUEST_READ,
            P.REQUEST_MANAGE,
            P.BREACH_READ,
            P.BREACH_MANAGE,
            P.PROCESSOR_READ,
            P.DPIA_READ,
            P.DISCLOSURE_READ,
            P.CHECK_RUN,
            P.MAIL_READ,
        }
    ),
    Role.FINANCE: frozenset(
        {P.DASHBOARD_VIEW, P.REGISTER_READ, P.RETENTION_READ, P.ARCHIVE_READ, P.PROCESSOR_READ}
    ),
    Role.COMMUNICATIONS: frozenset(
        {P.DASHBOARD_VIEW, P.REGISTER_READ, P.CONSENT_READ, P.AUDIENCE_FILTER}
    ),
    Role.ARCHIVIST: frozenset(
        {P.DASHBOARD_VIEW, P.RETENTION_READ, P.ARCHIVE_READ, P.ARCHIVE_RESTORE, P.ARCHIVE_DESTROY}
    ),
    Role.AUDITOR: frozenset(_READ_ONLY_OVERSIGHT),
    Role.ADMIN: frozenset(
        {P.DASHBOARD_VIEW, P.REGISTER_READ, P.USERS_MANAGE, P.SYSTEM_MANAGE, P.AUDIT_VERIFY}
    ),
}


def allows(role: Role | str | None, permission: Permission) -> bool:
    if role is None:
        return False
    try:
        return permission in GRANTS[Role(role)]
    except ValueError:
        return False
