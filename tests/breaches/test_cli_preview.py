"""AF-B3 on the command line: `garant breach communicate` shows the recipients and the
message in each language, and queues nothing unless confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.mail.models import OutboxMessage
from tests.breaches.conftest import POLICY_WITH_DPO, record


def _outbox(garant: Garant) -> int:
    with garant.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_af_b3_cli_communication_previewed_then_confirmed(
    make_garant: Callable[..., Garant], tmp_path: Path
) -> None:
    garant = make_garant(policy=POLICY_WITH_DPO)
    breach = record(garant, datetime(2026, 3, 2, 8, tzinfo=UTC))
    people = tmp_path / "people.txt"
    people.write_text("anne@example.org\nbob@example.org\n", encoding="utf-8")
    args = ["breach", "communicate", breach.reference, "-w", str(garant.workspace),
            "--identities", str(people)]  # fmt: skip
    refused = CliRunner().invoke(build_app(), args, input="n\n")
    assert refused.exit_code == 0, refused.output
    assert "2 person(s) will receive it" in refused.output and "Nothing sent." in refused.output
    assert "fr: " in refused.output and "en: " in refused.output  # each language shown
    assert _outbox(garant) == 0
    sent = CliRunner().invoke(build_app(), args, input="y\n")
    assert sent.exit_code == 0 and "2 message(s) queued" in sent.output
    assert _outbox(garant) == 2
