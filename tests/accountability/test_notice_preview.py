"""DEF-V1: telling the persons of a new policy version shows how many and what, in each
language, and sends only once confirmed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from typer.testing import CliRunner

from garant.accountability.notice_preview import preview_notices
from garant.app import Garant
from garant.mail.models import OutboxMessage
from tests.accountability.cli import build
from tests.accountability.demo import POLICY, write_demo


def _outbox(garant: Garant) -> int:
    with garant.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_def_v1_policy_change_mailing_is_previewed_and_confirmed(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(policy=POLICY)
    write_demo(garant.workspace)
    garant.reload()
    from garant.policy.versions import publish

    with garant.unit_of_work() as uow:
        publish(uow=uow, path=garant.policy_path, note="Newsletter kept 3 years")
    shown = preview_notices(garant, "1")
    assert shown.recipients == 5 and shown.already_told == 0
    assert [lang for lang, _s, _t in shown.messages] == ["en", "fr"]
    assert all("Newsletter kept 3 years" in text for _l, _s, text in shown.messages)
    args = ["policy-change", "notify", "1", "-w", str(garant.workspace)]
    refused = CliRunner().invoke(build(), args, input="n\n")
    assert refused.exit_code == 0, refused.output
    assert "5 person(s) will receive it" in refused.output and "Nothing sent." in refused.output
    assert "Demo School has updated its privacy policy" in refused.output
    assert _outbox(garant) == 0
    sent = CliRunner().invoke(build(), args, input="y\n")
    assert sent.exit_code == 0 and "5 person(s) told" in sent.output
    assert _outbox(garant) == 5
    assert preview_notices(garant, "1").recipients == 0  # told once
