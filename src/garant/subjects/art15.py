"""The Art. 15 information for one processing activity, read from the policy, in a language.

GDPR Art. 15(1): purposes, categories, recipients, retention, rights, complaint, source,
automated decisions; Art. 15(2): transfers and their safeguards. The policy model is
read by attribute so that an activity missing from the policy still yields a clear
"not stated in the policy" rather than an error in front of the person.
"""

from __future__ import annotations

from typing import Any

from garant.i18n import translate

BASES = {
    "consent": "Your consent (GDPR Art. 6(1)(a))",
    "contract": "Performance of a contract with you (GDPR Art. 6(1)(b))",
    "legal_obligation": "A legal obligation (GDPR Art. 6(1)(c))",
    "vital_interests": "Vital interests (GDPR Art. 6(1)(d))",
    "public_task": "A task in the public interest (GDPR Art. 6(1)(e))",
    "legitimate_interests": "Our legitimate interests (GDPR Art. 6(1)(f))",
}


def text(value: Any, lang: str) -> str:
    """A bilingual policy text (``{fr, en}`` object or mapping) or a plain value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("fr") or "")
    for attr in (lang, "en", "fr"):
        found = getattr(value, attr, None)
        if isinstance(found, str) and found:
            return found
    for attr in ("label", "name", "id"):
        found = getattr(value, attr, None)
        if found is not None:
            return text(found, lang)
    return str(value)


def find_activity(policy: Any, activity_id: str | None) -> Any:
    if not activity_id:
        return None
    for activity in getattr(policy, "activities", None) or []:
        if getattr(activity, "id", None) == activity_id:
            return activity
    return None


def legal_basis(activity: Any) -> str | None:
    basis = getattr(activity, "legal_basis", None)
    return None if basis is None else str(getattr(basis, "value", basis))


def describe_activity(policy: Any, activity_id: str | None, lang: str) -> dict[str, Any]:
    """Headings and plain-words values, ready to show a person."""

    def t(message: str) -> str:
        return translate(lang, message)

    activity = find_activity(policy, activity_id)
    if activity is None:
        return {"title": activity_id or t("Other data"), "items": []}
    basis = legal_basis(activity) or ""
    items = [
        (t("Purposes"), "; ".join(text(p, lang) for p in activity.purposes)),
        (t("Legal basis"), _basis(activity, basis, lang)),
        (t("Categories of data"), ", ".join(_category(c, lang) for c in activity.data_categories)),
        (t("Recipients"), _recipients(policy, activity, lang) or t("None outside our staff")),
        (t("How long we keep it"), _retention(policy, activity, lang)),
        (
            t("Where it comes from"),
            "; ".join(text(s, lang) for s in activity.sources) or t("From you"),
        ),
        (t("Transfers outside the EU"), _transfers(policy, activity, lang) or t("None")),
        (
            t("Automated decisions and profiling"),
            t("Yes") if activity.automated_decisions or activity.profiling else t("None"),
        ),
    ]
    return {"title": text(activity.name, lang), "basis": basis, "items": items}


def _basis(activity: Any, basis: str, lang: str) -> str:
    """The basis in words, with the texts behind it and the Art. 9(2) condition (labels,
    never ids: issue 17)."""
    from garant.i18n import language
    from garant.policy import wording as w

    with language(lang):
        words = translate(lang, BASES.get(basis, basis))
        refs = getattr(activity, "legal_references", None) or []
        if refs:
            words += f" ({w.references(refs)})"
        condition = getattr(activity, "art9_condition", None)
        return words + (f"; {w.art9_condition(condition)}" if condition else "")


def _transfers(policy: Any, activity: Any, lang: str) -> str:
    """Art. 15(2): every transfer of the activity once, its processors' and sub-processors'
    included, with the country's name and the safeguard in words."""
    from garant.i18n import language
    from garant.policy import wording as w
    from garant.policy.models import Policy
    from garant.policy.transfers import transfers

    if not isinstance(policy, Policy):
        return "; ".join(_transfer(x, lang) for x in getattr(activity, "transfers", []) or [])
    with language(lang):
        return "; ".join(
            f"{t.recipient} ({w.country(t.country)}, {w.mechanism(t.mechanism)})"
            for t in transfers(policy, [activity])
        )


def _transfer(transfer: Any, lang: str) -> str:
    """Who receives the data, in which country, under which safeguard (Art. 15(2))."""
    parts = [str(getattr(transfer, "recipient", "") or "")]
    country = getattr(transfer, "country", None)
    mechanism = getattr(transfer, "mechanism", None)
    detail = ", ".join(str(getattr(x, "value", x)) for x in (country, mechanism) if x)
    return f"{parts[0]} ({detail})" if detail else parts[0]


def _category(category_id: str, lang: str) -> str:
    from garant.policy.taxonomy import CATEGORIES

    found = CATEGORIES.get(category_id)
    return found.label(lang) if found else category_id


def _recipients(policy: Any, activity: Any, lang: str) -> str:
    known = {getattr(r, "id", None): r for r in getattr(policy, "recipients", None) or []}
    known |= {getattr(p, "id", None): p for p in getattr(policy, "processors", None) or []}
    names = [text(known.get(rid, rid), lang) for rid in activity.recipients]
    names += [text(known.get(pid, pid), lang) for pid in activity.processors]
    return ", ".join(dict.fromkeys(n for n in names if n))


def _retention(policy: Any, activity: Any, lang: str) -> str:
    """The rule in plain words, events by their labels (``wording.retention``)."""
    from garant.policy.models import Policy

    rule_id = getattr(activity, "retention", None)
    if isinstance(policy, Policy) and rule_id:
        from garant.i18n import language
        from garant.policy import wording as w

        with language(lang):
            return w.retention(policy, policy.retention_rule(rule_id))
    for rule in getattr(policy, "retention_rules", None) or []:
        if getattr(rule, "id", None) == rule_id:
            duration = getattr(rule, "duration", None)
            label = text(getattr(rule, "description", None) or getattr(rule, "label", None), lang)
            words_in = getattr(duration, "words", None)
            words = words_in(lang) if callable(words_in) else str(duration or "")
            return "; ".join(x for x in (words, label) if x) or str(rule_id)
    return translate(lang, "Not stated in the policy")
