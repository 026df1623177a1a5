"""AF-C1: where the data comes from is recorded per activity and per field."""

from __future__ import annotations

from garant.policy.document import to_markdown
from garant.policy.models import Policy
from garant.policy.notice import build_notice


def test_af_c1_every_channel_the_seed_names_is_a_recorded_source(af: Policy) -> None:
    """Contact form, registration, sales contract, customer service, other dealings."""
    labels = " | ".join(
        source.label.get("en").lower() for activity in af.activities for source in activity.sources
    )
    for channel in (
        "contact form",
        "registration",
        "sales contract",
        "customer service",
        "other dealings",
    ):
        assert channel in labels, f"no source for {channel!r}: {labels}"
    kinds = {source.kind for activity in af.activities for source in activity.sources}
    assert {"form", "direct"} <= kinds


def test_af_c1_every_field_collected_by_a_form_has_its_source(af: Policy) -> None:
    """A form's fields come from that form: the form must be a declared source of its activity."""
    assert af.forms, "the example declares its collection forms"
    for form in af.forms:
        activity = af.activity(form.activity)
        declared = {source.form for source in activity.sources if source.kind == "form"}
        assert form.id in declared, f"form {form.id} is not a source of activity {activity.id}"
        assert form.fields and all(field.category for field in form.fields)


def test_af_c1_the_notice_tells_the_sources_in_both_languages(af: Policy) -> None:
    english = to_markdown(build_notice(af, "en"))
    french = to_markdown(build_notice(af, "fr"))
    assert "Sales contract, customer service and other dealings" in english
    assert "Contrat de vente, service client et autres échanges" in french
