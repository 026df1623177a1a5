"""DEF-V1: a new policy version is brought to the persons' attention by email."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from garant.app import Garant
from garant.jobs.service import enqueue
from garant.jobs.worker import run_due
from tests.accountability.cli import run_cli
from tests.accountability.demo import POLICY, seed_row, write_demo
from tests.conftest import SmtpSink, use_smtp


def test_def_v1_new_version_told_by_email_with_a_record(
    make_garant: Callable[..., Garant], store_url: str, smtp_server: SmtpSink
) -> None:
    """DEF-V1: each person found through the data map gets one mail; who and when is kept."""
    garant = make_garant(policy=POLICY, url=store_url)
    write_demo(garant.workspace)
    garant.reload()
    from garant.policy.versions import publish

    with garant.unit_of_work() as uow:  # the policy feature's publish: version 1
        publish(uow=uow, path=garant.policy_path, note="Newsletter kept 3 years")
    use_smtp(garant, smtp_server)

    code, out = run_cli(garant, "policy-change", "notify", "1", "--as-of", "2026-03-01", "--yes")
    assert code == 0, out
    assert "5 person(s) told" in out  # 4 learners, and eve who only subscribed
    code, out = run_cli(garant, "policy-change", "notify", "1", "--as-of", "2026-03-01", "--yes")
    assert "0 person(s) told" in out  # nobody twice

    assert run_due(garant).failed == 0
    messages = smtp_server.wait_for(5)
    assert len(messages) == 5
    assert sorted(m["To"] for m in messages) == [
        "alice@example.org", "bruno@example.org", "chloe@example.org", "david@example.org",
        "eve@example.org",
    ]  # fmt: skip
    first = messages[0]
    assert first["Subject"] == "Demo School has updated its privacy policy"
    body = first.get_content()
    assert "version (1)" in body and "Newsletter kept 3 years" in body

    code, out = run_cli(garant, "policy-change", "list", "1", "--json")
    notices = json.loads(out)
    assert len(notices) == 5 and all(n["told_at"] and n["outbox_id"] for n in notices)
    assert "@" not in out  # who was told is kept as keyed hashes

    code, out = run_cli(garant, "policy-change", "notify", "9", "--yes")
    assert code == 2 and "has not been published" in out


def test_def_v1_the_worker_job_tells_only_the_activity_concerned(
    make_garant: Callable[..., Garant], tmp_path: Path, smtp_server: SmtpSink
) -> None:
    garant = make_garant(policy=POLICY)
    write_demo(garant.workspace)
    garant.reload()
    seed_row(garant, "policy_versions", garant.clock.now(), number=3, content=POLICY, summary="")
    use_smtp(garant, smtp_server)
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="accountability.policy_notify", key="policy-change:3",
                payload={"version": "3", "activities": ["newsletter"]})  # fmt: skip
    assert run_due(garant).failed == 0
    run_due(garant)
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == [
        "alice@example.org", "eve@example.org"]  # fmt: skip


def test_def_v1_publishing_a_new_version_tells_the_persons_by_itself(
    make_garant: Callable[..., Garant], smtp_server: SmtpSink
) -> None:
    """DEF-V1: no one has to remember a second command; the first version tells no one.
    What it will send is previewed, and the confirmed publication sends it by itself."""
    from garant.jobs.models import Job
    from garant.policy.publication import preview_publication
    from garant.policy.versions import publish

    garant = make_garant(policy=POLICY)
    write_demo(garant.workspace)
    garant.reload()
    use_smtp(garant, smtp_server)
    with garant.unit_of_work() as uow:
        assert preview_publication(uow=uow, path=garant.policy_path).mailings == []
        publish(uow=uow, path=garant.policy_path, note="First version")
    garant.policy_path.write_text(POLICY + "\n# newsletter kept 3 years\n", encoding="utf-8")
    note = "Newsletter kept 3 years"
    with garant.unit_of_work() as uow:
        shown = preview_publication(uow=uow, path=garant.policy_path, note=note)
    assert (shown.number, shown.recipients) == (2, 5)
    assert [m.lang for m in shown.mailings[0].messages] == ["en", "fr"]
    with garant.unit_of_work() as uow:  # the preview queued nothing
        assert "policy-change:2" not in set(uow.session.scalars(select(Job.idempotency_key)))
    with garant.unit_of_work() as uow:  # confirmed: the file as previewed
        publish(uow=uow, path=garant.policy_path, note=note, expected_sha256=shown.sha256)
    with garant.unit_of_work() as uow:
        keys = set(uow.session.scalars(select(Job.idempotency_key)))
    assert "policy-change:2" in keys and "policy-change:1" not in keys
    assert run_due(garant).failed == 0
    run_due(garant)
    messages = smtp_server.wait_for(5)
    assert len(messages) == 5 == shown.recipients  # the preview counted who was mailed
    assert "version (2)" in messages[0].get_content()
    assert messages[0]["Subject"] == shown.mailings[0].messages[0].subject
