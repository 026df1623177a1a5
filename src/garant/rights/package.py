"""Access and portability packages (Art. 15, Art. 20; AF-D1, AF-D4, DEF-D3, DEF-D4).

A zip with ``data.json``, one CSV per collection and ``index.html`` (the Art. 15
information in the person's language). Excluded data (confidential, secret by law) is left
out and the exclusion logged; other people's data in a row is redacted (Art. 15(4)).
Portability keeps only the portable fields of consent- or contract-based activities. The
zip is stored encrypted and offered through a signed link that expires; an identity
document is never part of it.
"""

from __future__ import annotations

import html
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeGuard

from sqlalchemy import func, select

from garant.connectors import Row, connector_for
from garant.datamap.models import Collection
from garant.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from garant.i18n import translate
from garant.rights import locate, policy_view, service
from garant.rights.models import RequestPackage, RightsRequest
from garant.rights.rules import RequestType
from garant.store.uow import UnitOfWork

PACKAGE_PURPOSE = "rights.package"
LINK_PURPOSE = "rights.download"
LINK_DAYS = 30
EXPIRED = "this download link has expired; ask us for a new one"
REVOKE_REASONS = ("staff", "erased", "withdrawn")
PORTABLE_BASES = ("consent", "contract")


def _visible_fields(coll: Collection, portability: bool) -> tuple[list[str], list[str]]:
    shown, excluded = [], []
    for spec in coll.fields:
        if spec.exclude is not None:
            excluded.append(spec.name)
        elif portability and not coll.is_portable(spec):
            continue
        else:
            shown.append(spec.name)
    return shown, excluded


def _portable_activity(uow: UnitOfWork, coll: Collection) -> bool:
    view = policy_view.activity(uow.garant.policy, coll.activity)
    return view is None or view.legal_basis in PORTABLE_BASES


def collect(uow: UnitOfWork, req: RightsRequest) -> tuple[dict[str, list[Row]], dict[str, Any]]:
    """The person's rows, reduced to what the request may show, and what was left out."""
    portability = req.type == RequestType.PORTABILITY
    ids = service.personal(uow, req).get("identities", {})
    found = locate.locate(uow.garant, ids)
    datamap = locate.datamap_of(uow.garant)
    data: dict[str, list[Row]] = {}
    excluded: dict[str, Any] = {}
    for (system_id, name), rows in found.places():
        assert datamap is not None
        coll = datamap.collection(system_id, name)
        place = f"{system_id}.{name}"
        if coll.exclude is not None:
            excluded[place] = {"reason": coll.exclude.reason, "basis": coll.exclude.basis}
            continue
        if portability and not _portable_activity(uow, coll):
            continue
        shown, left_out = _visible_fields(coll, portability)
        if left_out:
            excluded[place] = {"fields": left_out}
        keys = [tuple(r.get(c) for c in coll.key_columns) for r in rows]
        full = connector_for(uow.garant, system_id).read(coll, keys)
        data[place] = [
            {f: ("[redacted]" if _third(coll, f) else r.get(f)) for f in shown} for r in full
        ]
    return data, excluded


def _third(coll: Collection, name: str) -> bool:
    spec = coll.field(name)
    return bool(spec and spec.third_party)


def _index_html(uow: UnitOfWork, req: RightsRequest, data: dict[str, list[Row]]) -> str:
    from garant.subjects.art15 import describe_activity

    lang = req.lang
    datamap = locate.datamap_of(uow.garant)
    parts = [f"<h1>{html.escape(translate(lang, 'Your personal data'))}</h1>"]
    seen: set[str] = set()
    for place in data:
        system_id, name = place.split(".", 1)
        activity = datamap.collection(system_id, name).activity if datamap else None
        if activity in seen:
            continue
        seen.add(activity or "")
        info = describe_activity(uow.garant.policy, activity, lang)
        parts.append(f"<h2>{html.escape(str(info['title']))}</h2><dl>")
        for label, value in info["items"]:
            parts.append(f"<dt>{html.escape(str(label))}</dt><dd>{html.escape(str(value))}</dd>")
        parts.append("</dl>")
    authority = policy_view.authority(uow.garant.policy)
    parts.append(
        "<p>"
        + html.escape(translate(lang, "You may complain to the supervisory authority:"))
        + f" {html.escape(authority['name'])}, {html.escape(authority['website'])}</p>"
    )
    body = "\n".join(parts)
    return f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><body>{body}</body></html>'


def _rich_zip(uow: UnitOfWork, req: RightsRequest, data: dict[str, list[Row]]) -> bytes:
    """The package ``garant subject export`` writes (an index.html anyone can read: the
    person's data in labelled tables grouped by purpose with the Art. 15 information, the
    postal address and other linked records beside; a labelled CSV and a JSON file per
    collection; a manifest), plus ``data.json``: every record in one file, for a transfer
    to another organization (Art. 20(2)) and the paper copy (DEF-D3)."""
    from garant.subjects.export import export_subject
    from garant.subjects.rules import Identity

    ids = service.personal(uow, req).get("identities", {})
    known = uow.garant.datamap.identity_kinds() if locate.datamap_of(uow.garant) else set()
    identities = [Identity(kind, value) for kind, value in sorted(ids.items()) if kind in known]
    all_json = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    if not identities:  # nothing the data map can match: the page says what we hold (none)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", all_json)
            archive.writestr("index.html", _index_html(uow, req, data))
        return buffer.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "package.zip"
        export_subject(
            uow=uow,
            identities=identities,
            out=out,
            purpose=f"answer to request {req.id} ({req.type})",
            portable=req.type == RequestType.PORTABILITY,
            lang=req.lang,
        )
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", all_json)
        return out.read_bytes()


def build(uow: UnitOfWork, req: RightsRequest) -> RequestPackage:
    """One package per run of the request (a further copy is a new package: Art. 15(3))."""
    data, excluded = collect(uow, req)
    blob = _rich_zip(uow, req, data)
    copies = count(uow, req.id)
    package = RequestPackage(
        request_id=req.id,
        copy_number=copies + 1,
        manifest={"collections": {p: len(r) for p, r in data.items()}, "excluded": excluded},
        expires_at=uow.now() + timedelta(days=LINK_DAYS),
        created_at=uow.now(),
    )
    uow.session.add(package)
    uow.session.flush()
    package.content = uow.keys.encrypt(PACKAGE_PURPOSE, blob, f"package:{package.id}".encode())
    uow.audit(
        "request.package",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={
            "package": package.id,
            "rows": package.manifest["collections"],
            "excluded": sorted(excluded),
        },
    )
    return package


def count(uow: UnitOfWork, request_id: int) -> int:
    found = uow.session.scalar(
        select(func.count())
        .select_from(RequestPackage)
        .where(RequestPackage.request_id == request_id)
    )
    return int(found or 0)


def data_json(uow: UnitOfWork, package: RequestPackage) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content(uow, package))) as archive:
        return archive.read("data.json")


def content(uow: UnitOfWork, package: RequestPackage) -> bytes:
    if package.content is None:
        raise NotFound("this package has expired and was deleted")
    return uow.keys.decrypt(PACKAGE_PURPOSE, package.content, f"package:{package.id}".encode())


def link(uow: UnitOfWork, package: RequestPackage, *, absolute: bool = True) -> str:
    """A signed link valid until the package expires (no login: the signature is the key)."""
    expires = int(package.expires_at.timestamp())
    signature = uow.keys.sign(LINK_PURPOSE, f"{package.id}:{expires}")
    base = uow.garant.settings.web.base_url.rstrip("/") if absolute else ""
    return f"{base}/privacy/requests/download/{package.id}?e={expires}&s={signature}"


def latest(uow: UnitOfWork, request_id: int) -> RequestPackage | None:
    return uow.session.scalar(
        select(RequestPackage)
        .where(RequestPackage.request_id == request_id)
        .order_by(RequestPackage.id.desc())
    )


def open_link(
    *, uow: UnitOfWork, package_id: int, expires: int, signature: str
) -> tuple[bytes, RequestPackage]:
    """The zip behind a signed link; refused when forged, expired or revoked. A revoked
    link answers exactly as an expired one: whoever holds it learns nothing more."""
    if not uow.keys.verify_signature(LINK_PURPOSE, f"{package_id}:{expires}", signature):
        raise PermissionDenied("this download link is not valid")
    if uow.now().timestamp() > expires:
        raise PermissionDenied(EXPIRED)
    package = uow.session.get(RequestPackage, package_id)
    if package is None:
        raise NotFound("no such package")
    if package.revoked_at is not None:
        raise PermissionDenied(EXPIRED)
    blob = content(uow, package)
    package.downloaded_at = package.downloaded_at or uow.now()
    req = service.get(uow, package.request_id)
    uow.audit(
        "request.download",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"package": package.id},
    )
    return blob, package


def live(package: RequestPackage | None) -> TypeGuard[RequestPackage]:
    """Whether a package can still be offered by its link (not deleted, not revoked)."""
    return package is not None and package.content is not None and package.revoked_at is None


def revoke(*, uow: UnitOfWork, package_id: int, reason: str = "staff") -> RequestPackage:
    """Stop a package's signed link before it expires (mailed to the wrong place, a
    newer package sent, the person asked): from now on it answers as an expired link.
    Audited ``request.download_revoked`` on the request, with the package and the reason."""
    if reason not in REVOKE_REASONS:
        raise InvalidInput(f"reason: one of {', '.join(REVOKE_REASONS)}")
    package = uow.session.get(RequestPackage, package_id) if 0 < package_id < 2**63 else None
    if package is None:
        raise NotFound(f"no package {package_id}")
    if package.revoked_at is not None:
        raise Conflict(f"the link of package {package_id} was already revoked")
    _revoke(uow, package, reason)
    return package


def _revoke(uow: UnitOfWork, package: RequestPackage, reason: str) -> None:
    package.revoked_at, package.revoke_reason = uow.now(), reason
    req = service.get(uow, package.request_id)
    uow.audit(
        "request.download_revoked",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"package": package.id, "reason": reason},
    )


def revoke_all(
    *,
    uow: UnitOfWork,
    reason: str,
    request_id: int | None = None,
    subject_refs: Iterable[str] | None = None,
) -> int:
    """Revoke every live link of one request, or of every request of a person (their
    erasure: a package of their data must not stay downloadable)."""
    query = select(RequestPackage).where(
        RequestPackage.revoked_at.is_(None), RequestPackage.expires_at > uow.now()
    )
    if request_id is not None:
        query = query.where(RequestPackage.request_id == request_id)
    elif refs := list(subject_refs or ()):
        asked = select(RightsRequest.id).where(RightsRequest.subject_ref.in_(refs))
        query = query.where(RequestPackage.request_id.in_(asked))
    else:
        return 0
    found = list(uow.session.scalars(query.order_by(RequestPackage.id)))
    for package in found:
        _revoke(uow, package, reason)
    return len(found)


def for_request(uow: UnitOfWork, request_id: int) -> list[dict[str, Any]]:
    """The request's packages as staff see them: whether each link still works."""
    rows = uow.session.scalars(
        select(RequestPackage)
        .where(RequestPackage.request_id == request_id)
        .order_by(RequestPackage.id)
    )
    now = uow.now()
    return [
        {
            "id": p.id,
            "created_at": p.created_at,
            "expires_at": p.expires_at,
            "downloaded_at": p.downloaded_at,
            "revoked_at": p.revoked_at,
            "revoke_reason": p.revoke_reason,
            "live": live(p) and p.expires_at > now,
        }
        for p in rows
    ]
