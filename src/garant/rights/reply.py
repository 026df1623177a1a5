"""What the person is told: codes, extensions, fees, notices and the reply (AF-D9, Art. 12).

Every message goes through ``garant.mail`` (templates ``rights_*`` in French and English,
in the person's language) with an idempotency key, so a re-run never sends twice. The
reply says what was decided per activity, what was done, what was kept and why, gives the
download link, and names the supervisory authority and the right to a judicial remedy;
every refusal gives its reasons. The printable letter carries the same text.
"""

from __future__ import annotations

from typing import Any

from garant.i18n import translate
from garant.mail.service import queue_mail
from garant.rights import policy_view, service
from garant.rights.models import RightsRequest
from garant.store.uow import UnitOfWork

TYPE_LABELS = {
    "access": "access to your data",
    "portability": "portability of your data",
    "rectification": "rectification of your data",
    "erasure": "erasure of your data",
    "restriction": "restriction of processing",
    "objection": "objection to processing",
    "withdrawal": "withdrawal of consent",
    "post_mortem": "post-mortem directives",
}
DECISION_LABELS = {
    "grant": "granted",
    "erase": "erased",
    "keep": "kept",
    "archive": "kept in a restricted archive",
    "stop": "processing stopped",
    "continue": "processing continues",
    "restrict": "processing restricted",
    "rectify": "corrected",
    "withdraw": "consent withdrawn",
    "refuse": "refused",
    "not_applicable": "not applicable",
    "waiting": "not carried out yet",
    "partly_erased": "erased, except what is listed below as kept",
    "partly_kept": "kept, as listed below",
}
KEPT_LABELS = {
    "contract_current": "still needed for a contract in progress (a current course)",
    "owns_kept_records": "needed to identify you on records we must keep",
    "referenced_by_kept": "referred to by records we must keep",
    "archive_held": "kept in place: a legal hold or a restriction applies",
    "art17_3_b": "kept to comply with a legal obligation",
    "art17_3_e": "kept for the establishment, exercise or defence of legal claims",
    "immutable": "kept to comply with a legal obligation",
    "shared": "shared with other people",
}
OUTCOME_LABELS = {
    "no_data": "We hold no personal data about you.",
    "refused": "Your request is refused.",
    "done": "Your request has been carried out.",
}


def _to(uow: UnitOfWork, req: RightsRequest) -> str | None:
    data = service.personal(uow, req)
    email = data.get("reply_email")
    return str(email) if email else None


def _queue(
    uow: UnitOfWork,
    req: RightsRequest,
    template: str,
    key: str,
    extra: dict[str, Any],
    to: str | None = None,
    hold: bool = False,
) -> bool:
    address = to or _to(uow, req)
    if not address:
        return False
    queue_mail(
        uow=uow,
        to=address,
        template=template,
        lang=req.lang,
        context=context(uow, req) | extra,
        key=key,
        recipient_ref=req.subject_ref,
        hold=hold,
    )
    return True


def context(uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    """Everything a reply, a notice or the letter may say, in the person's language."""
    from garant.rights import decisions, package

    lang = req.lang
    policy = uow.garant.policy
    done, waiting, finished = _carried_out(uow, req)
    rows = []
    for d in decisions.decisions_of(uow, req):
        view = policy_view.activity(policy, d.activity)
        label = d.decision
        if d.decision in ERASING:  # from the journal: "waiting" until the plan step ran
            label = done.get(d.activity, d.decision if done else "waiting")
        rows.append(
            {
                "activity": view.name(lang) if view else d.activity,
                "decision": translate(lang, DECISION_LABELS.get(label, label)),
                "explanation": translate(lang, d.explanation) if d.explanation else "",
                "ground": d.ground or "",
            }
        )
    latest = package.latest(uow, req.id)
    return {
        "waiting": waiting,
        "finished": finished,
        "kept": _kept(uow, req),
        "archived": _archived(uow, req),
        "organization": policy_view.controller_name(policy),
        "request_id": req.id,
        "request_type": translate(lang, TYPE_LABELS.get(req.type, req.type)),
        "received": req.received_day.isoformat(),
        "due": req.due_day.isoformat(),
        "outcome": translate(lang, OUTCOME_LABELS.get(req.outcome or "", ""))
        if req.outcome
        else "",
        "decisions": rows,
        "refusal_reason": req.refusal_reason or "",
        "fee": f"{(req.fee_cents or 0) / 100:.2f} EUR" if req.fee_cents else "",
        "fee_reason": req.fee_reason or "",
        "extension_reason": req.extension_reason or "",
        "download_link": package.link(uow, latest) if latest and latest.content else "",
        "download_expires": latest.expires_at.date().isoformat() if latest else "",
        "authority": policy_view.authority(policy),
        "dpo": policy_view.dpo_email(policy),
        "follow_link": "",
    }


ERASING = ("erase", "archive")


def _carried_out(
    uow: UnitOfWork, req: RightsRequest
) -> tuple[dict[str, str], list[str], list[str]]:
    """What the execution journal says was done, per activity decided ``erase`` or
    ``archive``, and the collections still waiting: a reply never says "erased" before
    the step that erased committed, nor "erased" for an activity whose rows were kept."""
    from garant.rights import archiving

    datamap = uow.garant.datamap
    totals: dict[str, list[int]] = {}
    waiting: list[str] = []
    finished: list[str] = []
    for item in archiving.outcomes(uow, req):
        system_id, name = item["place"].split(".", 1)
        coll = datamap.collection(system_id, name)
        sums = totals.setdefault(coll.activity or item["place"], [0, 0, 0, 0])
        for i, n in enumerate((item["erased"], item["archived"], item["kept"], not item["done"])):
            sums[i] += int(n)
        label = (coll.label.get(req.lang) if coll.label else None) or name
        (finished if item["done"] else waiting).append(label)
    labels = {activity: _label(*t) for activity, t in totals.items()}
    if _step_done(uow, req, "plan"):
        labels.setdefault("", "planned")  # the plan ran: activities without rows are done
    return labels, waiting, finished if waiting else []


def _step_done(uow: UnitOfWork, req: RightsRequest, step: str) -> bool:
    from sqlalchemy import select

    from garant.rights.models import RequestStep

    found = uow.session.scalar(
        select(RequestStep.id).where(
            RequestStep.request_id == req.id,
            RequestStep.step == step,
            RequestStep.status == "done",
        )
    )
    return found is not None


def _label(erased: int, archived: int, kept: int, pending: int) -> str:
    if pending:
        return "waiting"
    if (archived or kept) and erased:
        return "partly_erased"
    if archived and not kept:
        return "archive"
    if kept and not archived:
        return "keep"
    return "partly_kept" if kept else "erase"


def _kept(uow: UnitOfWork, req: RightsRequest) -> list[dict[str, str]]:
    """What an erasure kept live, collection by collection, and why (AF-D3, DEF-D5), rows
    the move to the archive left in place included (a hold, a restriction: DEF-R4)."""
    from garant.rights import archiving

    datamap = uow.garant.datamap
    out = []
    for item in sorted(archiving.outcomes(uow, req), key=lambda o: str(o["place"])):
        if not item["kept"] or item["why"] in (None, "no_decision"):
            continue
        system_id, name = item["place"].split(".", 1)
        coll = datamap.collection(system_id, name)
        label = coll.label.get(req.lang) if coll.label else name
        why = KEPT_LABELS.get(item["why"], "")
        if why:
            out.append({"what": label, "count": str(item["kept"]), "why": translate(req.lang, why)})
    return out


def _archived(uow: UnitOfWork, req: RightsRequest) -> list[dict[str, str]]:
    """What an erasure moved to the intermediate archive, under which duty, until when
    (DEF-R3): one line per collection and destruction date."""
    from sqlalchemy import select

    from garant.rights import archiving
    from garant.rights.models import RequestStep

    moved = archiving.archived(uow, req)
    if not moved:
        return []
    plan = uow.session.scalar(
        select(RequestStep).where(RequestStep.request_id == req.id, RequestStep.step == "plan")
    )
    places = plan.result.get("places", {}) if plan is not None else {}
    datamap = uow.garant.datamap
    out = []
    for item in moved:
        system_id, name = item["place"].split(".", 1)
        coll = datamap.collection(system_id, name)
        duty = places.get(item["place"], {}).get("duty") or {}
        statute = duty.get("statute") or item["statute"]
        why = translate(
            req.lang,
            "kept for the establishment, exercise or defence of legal claims"
            if duty.get("exception") == "art17_3_e"
            else "kept to comply with a legal obligation",
        )
        if statute:
            why += f": {statute}" + (f" ({duty['duration']})" if duty.get("duration") else "")
        out.append(
            {
                "what": (coll.label.get(req.lang) if coll.label else None) or name,
                "count": str(item["count"]),
                "why": why,
                "until": item["until"],
            }
        )
    return out


def send_received(
    *, uow: UnitOfWork, req: RightsRequest, token: str, to: str | None = None
) -> bool:
    base = uow.garant.settings.web.base_url.rstrip("/")
    link = f"{base}/privacy/requests/status/{token}"
    key = f"rights:{req.id}:received"
    return _queue(uow, req, "rights_received", key, {"follow_link": link}, to=to)


def send_code(*, uow: UnitOfWork, req: RightsRequest, to: str, code: str, check_id: int) -> bool:
    return _queue(
        uow, req, "rights_code", f"rights:{req.id}:code:{check_id}", {"code": code}, to=to
    )


def send_document_request(*, uow: UnitOfWork, req: RightsRequest, to: str | None = None) -> bool:
    return _queue(uow, req, "rights_document", f"rights:{req.id}:document", {}, to=to)


def send_extension(*, uow: UnitOfWork, req: RightsRequest) -> bool:
    return _queue(uow, req, "rights_extension", f"rights:{req.id}:extension", {})


def send_fee(*, uow: UnitOfWork, req: RightsRequest) -> bool:
    return _queue(uow, req, "rights_fee", f"rights:{req.id}:fee:{req.fee_cents}", {})


def send_reply(*, uow: UnitOfWork, req: RightsRequest, suffix: str | None = None) -> bool:
    key = f"rights:{req.id}:reply:{suffix or req.status}"
    # reviewed before it goes (garant.rights.review): held until staff release it
    hold = uow.garant.settings.rights.review_replies
    return _queue(uow, req, "rights_reply", key, {}, hold=hold)


def send_lift_notice(*, uow: UnitOfWork, req: RightsRequest, restriction: Any) -> bool:
    key = f"rights:{req.id}:lift:{restriction.id}"
    return _queue(uow, req, "rights_lift", key, {"ground": restriction.ground})


def send_reminder(*, uow: UnitOfWork, req: RightsRequest, days: int) -> bool:
    """Staff are reminded before a due date (a deadline is never silently missed)."""
    to = uow.garant.settings.mail.dpo_address or policy_view.dpo_contact(uow.garant.policy)
    if not to:
        return False
    queue_mail(
        uow=uow,
        to=to,
        template="rights_reminder",
        lang=uow.garant.policy.languages[0] if uow.garant.policy.languages else "fr",
        context=context(uow, req) | {"days": days},
        key=f"rights:{req.id}:reminder:{req.due_day.isoformat()}:{days}",
    )
    return True


def letter(uow: UnitOfWork, req: RightsRequest) -> tuple[str, str]:
    """The printable letter: (subject, text), the same content as the emailed reply."""
    rendered = uow.garant.mail_templates.render("rights_reply", req.lang, context(uow, req))
    data = service.personal(uow, req)
    address = data.get("reply_address") or ""
    name = data.get("requester_name") or ""
    header = "\n".join(x for x in (name, address) if x)
    body = (header + "\n\n" if header else "") + rendered.text
    return rendered.subject, body + _paper_copy(uow, req)


def _paper_copy(uow: UnitOfWork, req: RightsRequest) -> str:
    """DEF-D3: electronic by default; on paper, the letter carries the data itself."""
    import json

    from garant.rights import package

    latest = package.latest(uow, req.id)
    if (req.scope or {}).get("export_format") != "paper" or latest is None or not latest.content:
        return ""
    data = json.loads(package.data_json(uow, latest))
    lines = ["", translate(req.lang, "Your personal data"), ""]
    for place, rows in data.items():
        lines.append(f"[{place}]")
        for row in rows:
            lines.extend(f"  {k}: {'' if v is None else v}" for k, v in row.items())
            lines.append("")
    return "\n".join(lines)
