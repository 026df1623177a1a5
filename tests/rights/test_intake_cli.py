"""``garant request verify --code`` counts every try like the web (issue 14)."""

from __future__ import annotations

from pathlib import Path

from garant.app import Garant
from garant.rights import intake
from tests.rights.conftest import NOW, ada
from tests.rights.helpers import code_for
from tests.rights.test_cli import cli, workspace  # noqa: F401 (the fixture)


def test_five_wrong_codes_from_the_cli_lock_the_code(
    workspace: Path,  # noqa: F811
) -> None:
    garant = Garant.open(workspace, database_url=None)
    try:
        with garant.unit_of_work() as uow:
            rid = intake.submit(uow=uow, data=ada("access"))[0].id
        good = code_for(garant, rid)
    finally:
        garant.close()
    bad = "000000" if good != "000000" else "111111"
    as_of = NOW.date().isoformat()
    for _ in range(5):
        wrong = cli(workspace, "request", "verify", str(rid), "--code", bad, as_of=as_of)
        assert wrong.exit_code == 2 and "not the one we sent" in wrong.output
    locked = cli(workspace, "request", "verify", str(rid), "--code", good, as_of=as_of)
    assert locked.exit_code == 2 and "ask for a new one" in locked.output
