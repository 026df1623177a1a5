"""Erasure on a database of shapes Garant's own examples do not have (issue 15).

The map is the one ``garant datamap infer`` drafts, only confirmed with an activity: an
erasure either completes or is refused before it starts with the map's file:line; never a
crash in a step. Shapes: a ``[payment_date, payment_id]`` key (a timestamp in a key),
points keyed ``(customer_id, earned_at)``, a household owned by its holder that every
member points at (a cycle), NOT NULL personal columns of several types
(``tests/rights/shapes.py``). The connected database runs on SQLite, PostgreSQL and
MariaDB; the steps' results go through JSON in Garant's own store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.jobs.models import Job
from garant.mail.models import OutboxMessage
from tests.rights import shapes

AS_OF = "2026-03-02"


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def shop_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    elif request.param == "postgres":
        url = str(request.getfixturevalue("pg_url"))
    else:
        url = str(request.getfixturevalue("mariadb_url"))
    shapes.build(url)
    return url


def cli(workspace: Path, *args: str, as_of: bool = True) -> Any:
    dated = ["--as-of", AS_OF] if as_of else []
    return CliRunner().invoke(build_app(), [*args, "--workspace", str(workspace), *dated])


def _workspace(make_garant: Callable[..., Garant], url: str) -> Path:
    garant = make_garant(policy=shapes.POLICY)
    root: Path = garant.workspace
    garant.close()
    drafted = cli(
        root,
        "datamap",
        "infer",
        "--system",
        "shop",
        "--url",
        url,
        "--out",
        str(root / "datamap.yaml"),
        as_of=False,
    )
    assert drafted.exit_code == 0, drafted.output
    # the person confirms the draft: every collection of the person serves the sales
    text = (root / "datamap.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(\n      - name: (\w+)\n)", r"\1        activity: sales\n", text)
    (root / "datamap.yaml").write_text(text, encoding="utf-8")
    return root


def _erasure_for(workspace: Path, email: str) -> int:
    opened = cli(
        workspace,
        "request", "open", "--type", "erasure", "--identity", f"email={email}",
        "--channel", "email", "--reply-email", email, "--lang", "en", "--json",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    request_id = int(json.loads(opened.output)["id"])
    decided = cli(workspace, "request", "decide", str(request_id), "--accept")
    assert decided.exit_code == 0, decided.output
    return request_id


def test_inferred_map_erases_on_every_shape(
    make_garant: Callable[..., Garant], shop_url: str
) -> None:
    """The inferred map proposes no NULL for a NOT NULL column; the erasure completes:
    points with timestamp keys deleted, the immutable payments (a timestamp in their key)
    kept and said so once, the household cycle rewritten, nobody else's row changed."""
    workspace = _workspace(make_garant, shop_url)
    checked = cli(workspace, "datamap", "check", "--system", "shop", "--json", as_of=False)
    assert json.loads(checked.output)["drift"] == 0, checked.output
    request_id = _erasure_for(workspace, shapes.ADA)
    planned = cli(workspace, "request", "plan", str(request_id))
    assert planned.exit_code == 0, planned.output
    assert "shop.points: 2 erased (planned)" in planned.output
    ran = cli(workspace, "request", "run", str(request_id))
    assert ran.exit_code == 0, ran.output
    assert f"request {request_id}: answered" in ran.output
    assert shapes.rows(shop_url, "SELECT customer_id FROM points ORDER BY 1") == [(2,), (3,)]
    ada = shapes.rows(
        shop_url,
        "SELECT email, first_name, birth_date, is_minor FROM customer WHERE customer_id = 1",
    )[0]
    assert ada[0] is None and ada[1].startswith("anon-")
    assert ada[2] in (date(1900, 1, 1), "1900-01-01") and not ada[3]
    assert shapes.rows(shop_url, "SELECT phone, address FROM household") == [(None, None)]
    others = shapes.rows(
        shop_url, "SELECT first_name, household_id FROM customer WHERE customer_id > 1 ORDER BY 1"
    )
    assert others == [("Bob", 10), ("Carl", None)]
    assert len(shapes.rows(shop_url, "SELECT * FROM payment")) == 4
    shown = cli(workspace, "request", "show", str(request_id))
    assert "shop.payment: 0 erased; 2 kept live (immutable)\n" in shown.output
    assert "(planned)" not in shown.output
    letter = cli(workspace, "request", "letter", str(request_id)).output
    assert "- Sales: erased, except what is listed below as kept" in letter
    assert ": erased.\n" not in letter  # never "erased" and "kept" for the same activity
    assert "(2): kept to comply with a legal obligation" in letter


def test_values_the_database_would_refuse_are_refused_before_the_run(
    make_garant: Callable[..., Garant], shop_url: str
) -> None:
    """``null`` for NOT NULL birth_date / is_minor and a quoted date on a DATE column:
    ``datamap check`` names each line; ``request plan`` and ``request run`` refuse with
    file:line, and not one row changes."""
    workspace = _workspace(make_garant, shop_url)
    path = workspace / "datamap.yaml"
    text = _set_erasure(
        path.read_text(encoding="utf-8"),
        "birth_date",
        'fixed\n            erasure_value: "2000-01-01"',
    )
    text = _set_erasure(text, "is_minor", "null")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    birth = next(i for i, line in enumerate(lines, 1) if line.endswith('"2000-01-01"')) - 1
    minor = next(i for i, line in enumerate(lines, 1) if line.endswith("erasure: null"))
    checked = cli(workspace, "datamap", "check", "--system", "shop", "--json", as_of=False)
    assert checked.exit_code == 1
    found = {f["column"]: f for f in json.loads(checked.output)["findings"] if f["where"]}
    assert found["birth_date"]["where"].startswith(f"{path.name}:{birth}:")
    assert "not a date" in found["birth_date"]["message"]
    assert found["is_minor"]["where"].startswith(f"{path.name}:{minor}:")
    assert "cannot be emptied" in found["is_minor"]["message"]
    request_id = _erasure_for(workspace, shapes.ADA)
    before = shapes.rows(shop_url, "SELECT * FROM customer ORDER BY customer_id")
    for command in ("plan", "run"):
        refused = cli(workspace, "request", command, str(request_id))
        assert refused.exit_code == 2, refused.output
        assert f"{path.name}:{birth}:" in refused.output.replace("\n", "")
        assert "Traceback" not in refused.output
    assert shapes.rows(shop_url, "SELECT * FROM customer ORDER BY customer_id") == before
    assert len(shapes.rows(shop_url, "SELECT * FROM points")) == 4


def _set_erasure(text: str, field: str, strategy: str) -> str:
    """The draft with ``field``'s erasure lines replaced by ``erasure: <strategy>``."""
    indent = " " * 12
    pattern = rf"( {{10}}- name: {field}\n(?:{indent}(?!erasure).*\n)*)(?:{indent}erasure.*\n)*"
    return re.sub(pattern, rf"\1            erasure: {strategy}\n", text, count=1)


def _jobs(workspace: Path) -> list[Job]:
    garant = Garant.open(workspace)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            found = list(uow.session.scalars(select(Job).order_by(Job.id)))
            uow.session.expunge_all()
            return found
    finally:
        garant.close()


def test_a_failed_step_says_what_where_and_when_without_a_personal_value(
    make_garant: Callable[..., Garant], shop_url: str
) -> None:
    """A step the database refuses (the nickname Bob already has, under a unique index):
    exit 1 with one line, no personal value in the job record nor on stderr; run again at
    once after the fix; after the last attempt "needs attention" and staff mailed."""
    workspace = _workspace(make_garant, shop_url)
    path = workspace / "datamap.yaml"
    text = path.read_text(encoding="utf-8")
    taken = f"fixed\n            erasure_value: {shapes.BOB_NICK}"
    path.write_text(_set_erasure(text, "nickname", taken), encoding="utf-8")
    request_id = _erasure_for(workspace, shapes.ADA)
    for attempt in range(1, 6):
        ran = cli(workspace, "request", "run", str(request_id))
        assert ran.exit_code == 1, ran.output
        line = ran.output.strip().splitlines()
        assert f"request {request_id}: step erase in shop.customer failed" in ran.output
        assert "next attempt at" in ran.output if attempt < 5 else "no attempt left" in ran.output
        assert len([x for x in line if x.startswith("error:")]) == 1
        for secret in (shapes.BOB_NICK, "Countess", shapes.ADA, "Lovelace"):
            assert secret not in ran.output
        # the steps before (children first) committed and are not run twice
        assert len(shapes.rows(shop_url, "SELECT * FROM points")) == 2
    job = next(j for j in _jobs(workspace) if j.kind == "rights.execute")
    assert job.status == "failed" and job.attempts == 5
    for secret in (shapes.BOB_NICK, "Countess", shapes.ADA, "Lovelace"):
        assert secret not in (job.error or "")
    listed = json.loads(cli(workspace, "request", "list", "--json").output)
    assert listed[0]["attention"].startswith(f"request {request_id}: step erase in shop.customer")
    verbose = cli(workspace, "request", "run", str(request_id), "--verbose")
    assert verbose.exit_code == 1 and shapes.BOB_NICK not in verbose.output
    garant = Garant.open(workspace)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            mails = list(
                uow.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.template == "rights_attention")
                )
            )
            assert len(mails) == 1  # to the DPO address of the policy
    finally:
        garant.close()
    path.write_text(text, encoding="utf-8")  # the map corrected: the same job resumes now
    ran = cli(workspace, "request", "run", str(request_id))
    assert ran.exit_code == 0, ran.output
    assert f"request {request_id}: answered" in ran.output
    assert json.loads(cli(workspace, "request", "list", "--json").output)[0]["attention"] is None


def _set_collection_erasure(text: str, name: str, strategy: str) -> str:
    pattern = rf"(      - name: {name}\n(?:        (?!erasure:).*\n)*)        erasure: .*\n"
    return re.sub(pattern, rf"\1        erasure: {strategy}\n", text, count=1)


def test_a_deleted_row_that_others_point_at_is_kept_and_a_delete_cycle_runs(
    make_garant: Callable[..., Garant], shop_url: str
) -> None:
    """The household is deleted by the map, but Bob's row (and Ada's rewritten one) point
    at it: kept, with why, Bob's row untouched. Customer and household both deleted while
    pointing at each other: no longer refused (``household_id`` is nullable; see
    tests/rights/test_erasure_cycles_and_keys.py); Carl's erasure runs and keeps his row,
    which his immutable payment names."""
    workspace = _workspace(make_garant, shop_url)
    path = workspace / "datamap.yaml"
    draft = path.read_text(encoding="utf-8")
    path.write_text(_set_collection_erasure(draft, "household", "delete_row"), encoding="utf-8")
    request_id = _erasure_for(workspace, shapes.ADA)
    ran = cli(workspace, "request", "run", str(request_id))
    assert ran.exit_code == 0, ran.output
    shown = cli(workspace, "request", "show", str(request_id)).output
    assert "shop.household: 0 erased; 1 kept live (referenced_by_kept)" in shown
    assert shapes.rows(shop_url, "SELECT household_id FROM household") == [(10,)]
    bob = "SELECT first_name, household_id FROM customer WHERE customer_id = 2"
    assert shapes.rows(shop_url, bob) == [("Bob", 10)]
    assert (
        "referred to by records we must keep"
        in cli(workspace, "request", "letter", str(request_id)).output
    )
    both = _set_collection_erasure(
        _set_collection_erasure(draft, "household", "delete_row"), "customer", "delete_row"
    )
    path.write_text(both, encoding="utf-8")
    carl = _erasure_for(workspace, "carl@example.org")
    ran = cli(workspace, "request", "run", str(carl))
    assert ran.exit_code == 0 and f"request {carl}: answered" in ran.output, ran.output
    shown = cli(workspace, "request", "show", str(carl)).output
    assert "shop.customer: 0 erased; 1 kept live (owns_kept_records)" in shown, shown
    assert shapes.rows(shop_url, "SELECT count(*) FROM customer WHERE customer_id = 3") == [(1,)]
    assert shapes.rows(shop_url, bob) == [("Bob", 10)]


def test_a_shared_row_of_the_persons_own_is_exported_and_reported_kept(
    make_garant: Callable[..., Garant], shop_url: str
) -> None:
    """The household is ``shared`` (every member sees it) and owned by Ada, its holder: her
    access package holds it with her phone; her erasure keeps it and says why; nothing of
    it or of Bob's row changes."""
    workspace = _workspace(make_garant, shop_url)
    path = workspace / "datamap.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "      - name: household\n", "      - name: household\n        shared: true\n", 1
    )
    path.write_text(text, encoding="utf-8")
    opened = cli(
        workspace,
        "request", "open", "--type", "access", "--identity", f"email={shapes.ADA}",
        "--channel", "email", "--reply-email", shapes.ADA, "--lang", "en", "--json",
    )  # fmt: skip
    access = int(json.loads(opened.output)["id"])
    assert cli(workspace, "request", "decide", str(access), "--accept").exit_code == 0
    assert cli(workspace, "request", "run", str(access)).exit_code == 0
    garant = Garant.open(workspace)
    try:
        from garant.rights import package

        with garant.unit_of_work(read_only=True) as uow:
            latest = package.latest(uow, access)
            assert latest is not None
            data = json.loads(package.data_json(uow, latest))
    finally:
        garant.close()
    assert [r["phone"] for r in data["shop.household"]] == [shapes.ADA_PHONE]
    erasure = _erasure_for(workspace, shapes.ADA)
    assert cli(workspace, "request", "run", str(erasure)).exit_code == 0
    shown = cli(workspace, "request", "show", str(erasure)).output
    assert "shop.household: 0 erased; 1 kept live (shared)" in shown
    letter = cli(workspace, "request", "letter", str(erasure)).output
    assert "(1): shared with other people" in letter
    assert shapes.rows(shop_url, "SELECT phone FROM household") == [(shapes.ADA_PHONE,)]
    bob = "SELECT first_name, household_id FROM customer WHERE customer_id = 2"
    assert shapes.rows(shop_url, bob) == [("Bob", 10)]
