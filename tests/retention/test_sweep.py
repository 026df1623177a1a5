"""The sweep on a school's database, stepping through time with ``as_of``."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from garant.cli.common import cli_actor
from garant.errors import Conflict, InvalidInput
from garant.retention import archive, holds, sweep
from tests.retention.conftest import School


def test_af_r2_newsletter_kept_after_recent_click_removed_after_three_silent_years(
    school: School,
) -> None:
    """AF-R2: three years from the latest of collection, documentation request and click."""
    school.sql(
        "INSERT INTO subscribers VALUES (1, 'clicker@example.org', '2020-01-10', NULL),"
        " (2, 'silent@example.org', '2020-01-10', NULL),"
        " (3, 'doc@example.org', '2020-01-10', '2025-06-01')"
    )
    school.sql("INSERT INTO clicks VALUES (1, 1, 'https://a', '2026-02-15 10:00:00')")
    garant = school.open("2026-03-02")
    forecast = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    assert forecast[("school.subscribers", "delete")]["due_now"] == 1
    record = sweep.run(garant)
    assert record.counts["collections"]["school.subscribers"]["delete"] == 1
    assert school.ids("subscribers") == [1, 3]
    assert school.ids("clicks") == [1]
    garant = school.open("2029-02-14")
    sweep.run(garant)
    assert school.ids("subscribers") == [1], "documentation request of 2025-06-01 has expired"
    garant = school.open("2029-02-16")
    sweep.run(garant)
    assert school.ids("subscribers") == []
    assert school.ids("clicks") == [], "child rows go with their subscriber"


def _learner_world(school: School) -> None:
    school.sql(
        "INSERT INTO learners (id, email, name, status, registered_at, last_seen) VALUES"
        " (1, 'active@example.org', 'Ana', 'active', '2024-09-01', '2024-10-01'),"
        " (2, 'gone@example.org', 'Bob', 'former', '2024-09-01', '2024-10-01')"
    )
    school.sql(
        "INSERT INTO invoices (id, learner_id, billing_name, billing_address, amount, issued_on,"
        " paid_on, notes) VALUES (10, 1, 'Ana A', '1 rue A', 300, '2024-09-05', '2024-09-06', 'x'),"
        " (20, 2, 'Bob B', '2 rue B', 300, '2024-09-05', '2024-09-06', 'y')"
    )
    school.sql("INSERT INTO enrollments VALUES (5, 2, 'B1', '2025-06-30')")


def test_af_r1_active_learner_kept_past_14_months_invoices_archived_not_deleted(
    school: School,
) -> None:
    """AF-R1, DEF-R3: month 15 of a 14-month rule keeps an active learner; the former
    learner's invoice goes to the archive (billing duty), then the learner is deleted."""
    _learner_world(school)
    garant = school.open("2025-12-15")  # month 15 after the last activity
    forecast = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    learners = forecast[("school.learners", "delete")]
    # the plan counts the learner whose invoice this same run archives first (plan == run)
    assert learners["due_now"] == 1
    assert learners["held_reasons"]["active_learner"] == 1
    assert learners["held_reasons"]["child under a longer duty"] == 1
    assert forecast[("school.invoices", "archive")]["due_now"] == 1
    record = sweep.run(garant)
    assert record.counts["collections"]["school.learners"]["delete"] == 1
    assert school.ids("learners") == [1]
    assert school.ids("invoices") == [10]
    assert school.ids("enrollments") == [], "enrollment rows follow their learner"
    assert record.counts["collections"]["school.invoices"]["archive"] == 1
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    assert [b.row_count for b in bundles] == [1]
    assert bundles[0].fields == [
        "id",
        "learner_id",
        "billing_name",
        "billing_address",
        "amount",
        "issued_on",
    ], "the extract keeps the column that ties the invoice to its learner"
    assert archive.verify_bundle(garant, bundles[0]) == []
    expected = datetime(2035, 12, 31, tzinfo=ZoneInfo("Europe/Paris"))
    assert bundles[0].expires_at == expected, (
        "L123-22: 10 years from the close of the financial year in which the 14 months ended"
        " (the same end the sweep's cut-offs test)"
    )


def test_af_r3_contact_request_anonymized_once(school: School) -> None:
    """AF-R3: one year after processing the request is anonymized; a re-run changes nothing."""
    school.sql(
        "INSERT INTO contact_requests VALUES (1, 'a@example.org', 'hello', '2024-01-10'),"
        " (2, 'b@example.org', 'hi', '2026-01-10')"
    )
    garant = school.open("2026-03-02")
    first = sweep.run(garant)
    again = sweep.run(garant)
    assert first.counts["collections"]["school.contact_requests"]["anonymize"] == 1
    assert again.counts["collections"]["school.contact_requests"]["anonymize"] == 0
    rows = school.sql("SELECT id, email, message FROM contact_requests ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, None, "[anonymized]"), (2, "b@example.org", "hi")]


def test_def_r3_def_r6_contract_archived_then_destroyed_with_proof(school: School) -> None:
    """DEF-R1, DEF-R3, DEF-R5, DEF-R6: 3 years live, 5 years in the archive, then destroyed."""
    school.sql(
        "INSERT INTO contracts VALUES (1, 'C-1', 'c@example.org', 'Cara', 5000, '2022-01-10')"
    )
    garant = school.open("2024-12-01")
    sweep.run(garant)
    assert school.ids("contracts") == [1], "still in its active phase"
    garant = school.open("2025-01-11")
    sweep.run(garant)
    assert school.ids("contracts") == []
    with garant.unit_of_work() as uow:
        (bundle,) = archive.list_bundles(uow=uow)
        bid = bundle.id
        assert "customer_email" not in bundle.fields
        with pytest.raises(Conflict):
            archive.destroy_bundle(uow=uow, bundle_id=bid)
    garant = school.open("2030-01-11")
    record = sweep.run(garant)
    assert record.counts["archives_destroyed"] == 1
    folder = archive.archive_dir(garant)
    assert not (folder / f"{bid}.bundle").exists()
    proof = json.loads((folder / f"{bid}.destroyed.json").read_text())
    assert proof["rows"] == 1 and proof["bundle"] == bid
    with garant.unit_of_work() as uow:
        assert archive.get_bundle(uow, bid).destruction_proof is not None


def test_def_r4_held_person_survives_everything(school: School) -> None:
    """DEF-R4: a legal hold on a person stops deletion, archiving and anonymization."""
    _learner_world(school)
    school.sql("UPDATE learners SET status = 'former'")
    school.sql(
        "INSERT INTO contact_requests VALUES (1, 'Active@example.org', 'hello', '2020-01-10')"
    )
    garant = school.open("2026-03-02")
    with garant.unit_of_work(cli_actor("dpo@example.org")) as uow:
        hold = holds.add_hold(
            uow=uow, reason="litigation", identity=("email", "active@example.org")
        )
        refs = uow.subject_refs("email", "ACTIVE@example.org")
        assert holds.is_held(uow=uow, subject_refs=refs) is not None
    for day in ("2026-03-02", "2030-01-01", "2040-01-01"):
        sweep.run(school.open(day))
    assert school.ids("learners") == [1]
    assert school.ids("invoices") == [10], "the held learner's invoice is neither archived"
    assert school.ids("contact_requests") == [1]
    garant = school.open("2040-01-02")
    with garant.unit_of_work(cli_actor("dpo@example.org")) as uow:
        holds.release_hold(uow=uow, hold_id=hold.id)
    sweep.run(garant)
    assert school.ids("learners") == []
    assert school.ids("contact_requests") == [1], "anonymized, not deleted"


def test_def_r4_collection_hold(school: School) -> None:
    school.sql(
        "INSERT INTO contracts VALUES (1, 'C-1', 'c@example.org', 'Cara', 5000, '2010-01-10')"
    )
    garant = school.open("2026-03-02")
    with garant.unit_of_work(cli_actor(None)) as uow:
        holds.add_hold(uow=uow, reason="tax audit", collection=("school", "contracts"))
    forecast = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    assert forecast[("school.contracts", "delete")]["held_reasons"] == {
        "legal hold (collection)": 1
    }
    sweep.run(garant)
    assert school.ids("contracts") == [1]


def test_dry_run_changes_nothing(school: School) -> None:
    _learner_world(school)
    garant = school.open("2026-03-02")
    record = sweep.run(garant, dry_run=True)
    assert record.counts["collections"]["school.invoices"]["archive"] == 1
    assert school.ids("invoices") == [10, 20]


def test_restriction_keeps_rows(school: School) -> None:
    """AF-D6 honoured by retention: a restricted row is held."""
    _learner_world(school)
    school.sql("DELETE FROM invoices")
    school.sql("DELETE FROM enrollments")
    school.sql("UPDATE learners SET restricted = 1, status = 'former' WHERE id = 2")
    garant = school.open("2026-03-02")
    sweep.run(garant)
    assert school.ids("learners") == [1, 2]
    school.sql("UPDATE learners SET restricted = 0")
    sweep.run(garant)
    assert school.ids("learners") == [1]


def test_def_r3_erasure_moves_invoices_to_the_archive(school: School) -> None:
    """DEF-R3: an erasure request archives records under a legal duty instead of deleting."""
    _learner_world(school)
    garant = school.open("2024-10-01")
    with garant.unit_of_work(cli_actor("dpo@example.org")) as uow:
        bid = archive.archive_rows(uow=uow, system="school", collection="invoices", keys=[20])
    assert bid is not None
    assert school.ids("invoices") == [10]
    with garant.unit_of_work() as uow:
        bundle = archive.get_bundle(uow, bid)
        assert bundle.reason == "erasure"
        assert bundle.expires_at.year == 2034, "10 years from the invoice, counted at once"
    with garant.unit_of_work(cli_actor("dpo@example.org")) as uow, pytest.raises(InvalidInput):
        archive.archive_rows(uow=uow, system="school", collection="learners", keys=[1])


def test_def_r3_def_r4_erasure_move_in_the_callers_unit_of_work(school: School) -> None:
    """DEF-R3 / DEF-R4: inside one writing unit of work (no second one: SQLite would wait
    on itself), the move writes one bundle per destruction date, ten years from the close
    of each invoice's financial year (L123-22: not from its issue, which would destroy it
    up to a year early); the request's own hold does not stop it, a legal hold on the person
    or the collection does; the rows stay live until ``remove_archived``; the sweep then
    destroys each bundle on its own date (DEF-R6)."""
    from garant.clock import local_date
    from garant.retention import erasure

    school.sql(
        "INSERT INTO learners (id, email, name, status, registered_at, last_seen) VALUES"
        " (1, 'ana@example.org', 'Ana', 'former', '2024-09-01', '2024-10-01'),"
        " (2, 'bob@example.org', 'Bob', 'former', '2024-09-01', '2024-10-01')"
    )
    school.sql(
        "INSERT INTO invoices (id, learner_id, billing_name, billing_address, amount, issued_on,"
        " paid_on, notes) VALUES (10, 1, 'Ana A', '1 rue A', 300, '2024-09-05', NULL, 'x'),"
        " (11, 1, 'Ana A', '1 rue A', 200, '2025-01-10', '2025-01-11', 'y'),"
        " (20, 2, 'Bob B', '2 rue B', 300, '2024-09-05', '2024-09-06', 'z')"
    )
    garant = school.open("2026-03-02")
    dpo = cli_actor("dpo@example.org")
    with garant.unit_of_work(dpo) as uow:
        holds.add_hold(uow=uow, reason="request 9", identity=("email", "ana@example.org"),
                       source="request:9")  # fmt: skip
    with garant.unit_of_work(dpo) as uow:
        held = erasure.move_to_archive(uow=uow, system="school", collection="invoices", keys=[10])
        moved = erasure.move_to_archive(
            uow=uow,
            system="school",
            collection="invoices",
            keys=[10, 11],
            ignore_hold_source="request:9",
        )
        assert school.ids("invoices") == [10, 11, 20], "live until removed"
    assert held == [], "a hold on the person stops the move"
    days = [local_date(m.expires_at, garant.timezone).isoformat() for m in moved]
    assert days == ["2034-12-31", "2035-12-31"], "an unpaid invoice moves too: erasure asked"
    with garant.unit_of_work(dpo) as uow:
        removed = erasure.remove_archived(
            uow=uow,
            system="school",
            collection="invoices",
            keys=[k for m in moved for k in m.keys],
            bundles=[m.bundle for m in moved],
        )
        holds.add_hold(uow=uow, reason="tax audit", collection=("school", "invoices"))
    assert removed == 2 and school.ids("invoices") == [20]
    with garant.unit_of_work(dpo) as uow:
        assert (
            erasure.move_to_archive(uow=uow, system="school", collection="invoices", keys=[20])
            == []
        ), "a hold on the collection stops it"
    sweep.run(school.open("2035-01-01"))
    with school.open("2035-01-01").unit_of_work() as uow:
        gone = {b.id: b.destroyed_at is not None for b in archive.list_bundles(
            uow=uow, include_destroyed=True)}  # fmt: skip
    assert gone == {moved[0].bundle: True, moved[1].bundle: False}
    assert school.ids("invoices") == [20], "held: the sweep leaves it too"


def test_af_r4_def_r2_audience_data_kept_at_most_13_months(school: School) -> None:
    """AF-R4, DEF-R2: audience-measurement data is not kept longer than thirteen months."""
    school.sql(
        "INSERT INTO audience_hits VALUES (1, 'c1', '2025-01-31 23:30:00'),"
        " (2, 'c2', '2025-02-03 10:00:00'), (3, 'c3', '2026-02-20 08:00:00')"
    )
    sweep.run(school.open("2026-03-02"))
    assert school.ids("audience_hits") == [2, 3]
    sweep.run(school.open("2026-03-03"))
    assert school.ids("audience_hits") == [3]


def test_af_pd1_personal_data_without_a_rule_is_named(school: School) -> None:
    """AF-PD1: limited retention by design; a collection no rule limits is reported."""
    from garant.retention.service import rule_warnings

    path = school.root / "datamap.yaml"
    extra = """      - name: visitors
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
"""
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    school.sql("CREATE TABLE visitors (id INTEGER PRIMARY KEY, email TEXT)")
    found = [w for w in rule_warnings(school.open("2026-03-02")) if "AF-PD1" in w]
    assert [w.split(":")[0] for w in found] == ["school.visitors"]


def test_rows_without_a_start_date_are_reported_by_plan_and_check(school: School) -> None:
    """Issue 15: rows whose start dates are all empty are never due; retention plan and
    garant check say so instead of keeping them in silence."""
    from garant.accountability.check_runner import run_checks

    school.sql(
        "INSERT INTO subscribers VALUES (1, 'a@example.org', NULL, NULL),"
        " (2, 'b@example.org', '2020-01-10', NULL)"
    )
    garant = school.open("2026-03-02")
    forecast = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    assert forecast[("school.subscribers", "delete")]["no_start"] == 1
    with garant.unit_of_work() as uow:
        report = run_checks(uow=uow, store=False)
    found = [f for f in report.findings if f.check == "retention_no_start"]
    assert [f.evidence["rows"] for f in found] == [1]
    assert found[0].evidence["collection"] == "school.subscribers"
    sweep.run(garant)
    assert school.ids("subscribers") == [1], "never due, still there, and said"
