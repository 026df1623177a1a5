"""The Alliance Française demo, swept: a collection with many kept descendants.

The learners' due predicate holds thirty EXISTS (every child and grandchild with a rule
of its own protects its learner). Wrapped in one more SELECT it overflowed SQLite's fixed
parser stack ("parser stack overflow"), so every sweep of the demo failed; the batches
and the share check now read it without a subquery.
"""

from __future__ import annotations

from collections.abc import Callable

from garant.app import Garant
from garant.demo import build_demo_data
from garant.retention import approval, sweep
from garant.store.uow import SYSTEM


def test_the_demo_organizations_sweep_runs_on_sqlite(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant(example="alliance-francaise")
    assert build_demo_data(garant, "alliance-francaise", persons=20) is not None
    with garant.unit_of_work(SYSTEM) as uow:
        approval.approve(garant, uow=uow)
    session = sweep.open_session(garant)
    try:
        learners = [s for s in session.steps if s.target.name.endswith("learners")]
        assert learners and all(str(s.todo.compile()).count("EXISTS") >= 10 for s in learners), (
            "the predicate under test is the deep one"
        )
        with session.dbs.engine(learners[0].target.system).connect() as conn:
            count, _ = learners[0].next_batch(conn, None, 5)
            assert count >= 0
            assert learners[0].count_upto(conn, learners[0].todo, 3) <= 3
    finally:
        session.close()
    result = sweep.run(garant, gated=True)
    assert result is not None
