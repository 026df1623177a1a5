"""The retention approval in Chromium on the demo organization: a new workspace's sweeps
wait until the DPO has read one forecast and approved it (issue 15, no surprise
destruction); then the sweep runs and is listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from garant.app import Garant
from garant.retention import sweep
from tests.web.flows import demo_workspace, running

pytestmark = pytest.mark.browser

WAITING = "Les purges de conservation attendent votre accord"


def test_the_dpo_reads_the_forecast_then_approves_and_the_sweep_runs(
    make_garant: Callable[..., Garant], browser: Any
) -> None:
    garant = demo_workspace(make_garant, persons=6)
    with running(garant, browser, "retention") as demo:
        page = demo.dpo
        demo.go(page, "/admin/retention", "waiting")
        assert WAITING in page.content()
        assert page.get_by_role("table").first.is_visible(), "the forecast is shown first"
        page.get_by_role("button", name="Approuver ces prévisions").click()
        page.wait_for_load_state()
        demo.go(page, "/admin/retention", "approved")
        assert WAITING not in page.content()
        run = sweep.run(garant, gated=True)
        assert run is not None
        demo.go(page, "/admin/retention", "swept")
        rows = page.get_by_role("table").nth(1).get_by_role("row")
        assert rows.count() >= 2, "the sweep is listed under Sweeps"
