"""``garant processor edit|end|reopen``: the same corrections as the web and the API."""

from __future__ import annotations

import json
from collections.abc import Callable

from garant.app import Garant
from tests.accountability.cli import run_cli


def _listed(garant: Garant) -> dict[str, dict[str, object]]:
    code, out = run_cli(garant, "processor", "list", "--json")
    assert code == 0, out
    return {p["name"]: p for p in json.loads(out)}


def test_def_sp1_the_cli_corrects_ends_and_reopens_an_entry(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    """DEF-SP1: the register of processors is kept from the command line too; a refused
    correction says which option is wrong and changes nothing."""
    garant = make_garant(url=store_url)  # the clock: 2026-03-02
    assert run_cli(garant, "processor", "add", "Hoster", "--country", "FR")[0] == 0

    code, out = run_cli(garant, "processor", "edit", "Hoster")
    assert code != 0 and "nothing to change" in out
    code, out = run_cli(garant, "processor", "edit", "Hoster", "--scc-module", "2")
    assert code != 0 and "scc_module" in out
    code, out = run_cli(garant, "processor", "edit", "Hoster", "--tia", "soon")
    assert code != 0 and "--tia" in out and "Traceback" not in out
    assert _listed(garant)["Hoster"]["scc_module"] is None

    code, out = run_cli(
        garant, "processor", "edit", "Hoster", "--name", "Hoster SAS", "--country", "DE",
        "--breach-hours", "24",
    )  # fmt: skip
    assert code == 0, out
    entry = _listed(garant)["Hoster SAS"]
    assert entry["countries"] == ["DE"] and entry["breach_notice_hours"] == 24

    code, out = run_cli(
        garant, "processor", "end", "Hoster SAS", "--on", "2026-03-09", "--as-of", "2026-03-02"
    )
    assert code != 0 and "future" in out
    code, out = run_cli(
        garant, "processor", "end", "Hoster SAS", "--on", "2026-03-01", "--reason", "moved",
        "--as-of", "2026-03-02",
    )  # fmt: skip
    assert code == 0, out
    assert _listed(garant)["Hoster SAS"]["ended_on"] == "2026-03-01"

    assert run_cli(garant, "processor", "reopen", "Hoster SAS")[0] == 0
    assert _listed(garant)["Hoster SAS"]["ended_on"] is None
    code, out = run_cli(garant, "processor", "reopen", "Hoster SAS")
    assert code != 0 and "has not ended" in out
