"""The demo as one process: worker and mail catcher beside the server, a clear line for a
busy port, a newcomer's workspace that works from `garant init --example`."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.demo.run import check_port, demo_services
from garant.errors import ConfigError
from garant.mail.models import OutboxMessage
from garant.mail.service import queue_mail


def _status(garant: Garant, message_id: int) -> str:
    with garant.store.session() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        return message.status


def test_worker_and_catcher_send_queued_mail_without_a_second_command(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant()
    with demo_services(garant, poll=0.1) as catcher:
        with garant.unit_of_work() as uow:
            message_id = queue_mail(
                uow=uow, to="ana@example.org", template="test", lang="fr",
                context={"organization": "Org"}, key="demo:1",
            ).id  # fmt: skip
        deadline = time.monotonic() + 10
        while _status(garant, message_id) != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _status(garant, message_id) == "sent"
        assert catcher.received == 1
        assert (
            garant.settings.mail.host == "127.0.0.1" and garant.settings.mail.port == catcher.port
        )
    with garant.store.session() as session:
        assert session.scalars(select(OutboxMessage)).one().error is None


def test_a_busy_port_is_one_clear_line(make_garant: Callable[..., Garant]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match=f"port {port} on 127.0.0.1 is already in use"):
            check_port("127.0.0.1", port)
        garant = make_garant()
        result = CliRunner().invoke(
            build_app(), ["serve", "-w", str(garant.workspace), "--port", str(port)]
        )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use: stop what runs there or "
        f"choose another port (make run PORT=8001, or --port 8001)"
    ]


def test_demo_prints_the_login_on_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["demo", "--directory", str(tmp_path / "demo"), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    login = [line for line in result.output.splitlines() if line.startswith("DPO login:")]
    assert len(login) == 1
    email, password = login[0].removeprefix("DPO login:").split("  password: ")
    assert email.strip() == "dpo@demo.garant.example" and len(password.strip()) >= 12
    assert "/admin/mail" in result.output


def test_init_with_an_example_leaves_a_working_workspace(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        build_app(), ["init", str(tmp_path / "ws"), "--example", "def-network", "--demo"]
    )
    assert result.exit_code == 0, result.output
    assert "Demo database: demo/def-network.db" in result.output
    assert (tmp_path / "ws" / "demo" / "def-network.db").stat().st_size > 0
    truth = json.loads((tmp_path / "ws" / "demo" / "def-network.truth.json").read_text())
    email = truth["persons"][0]["identities"]["email"]
    found = runner.invoke(
        build_app(), ["subject", "find", "-i", f"email={email}", "-w", str(tmp_path / "ws")]
    )  # the database is where the map points: the person is found in it
    assert found.exit_code == 0, found.output
    assert "customers" in found.output


def test_demo_db_creates_the_folder_it_writes_into(tmp_path: Path) -> None:
    target = tmp_path / "not" / "yet" / "there.db"
    result = CliRunner().invoke(
        build_app(),
        ["datamap", "demo-db", "--example", "def-network", "--persons", "3",
         "--url", f"sqlite:///{target}"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
