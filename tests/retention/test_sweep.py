"""The sweep on a school's database, stepping through time with ``as_of``."""

from __future__ import annotations

from garant.retention import sweep
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
