"""Every API operation, fuzzed from its own OpenAPI document with a DPO's token.

Schemathesis generates valid and invalid requests for each operation (ids of 2**63,
counts of 10**30, dates at the edge of time, unicode in paths) and fails the test on any
5xx, any status code or content type the document does not declare, and any body that
does not match the declared schema. Bounded: a fixed seed, a few examples per operation,
so that the run takes about two minutes on two cores.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.clock import FixedClock
from garant.demo import build_demo_data
from garant.web.app import create_app
from tests.conftest import DEFAULT_NOW, LiveServer, write_workspace

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
DPO = "dpo@fuzz.example"


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Garant, str]]:
    """The Alliance Française workspace with its demo database, and a DPO's API token."""
    root = write_workspace(tmp_path_factory.mktemp("fuzz") / "ws", example="alliance-francaise")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GARANT_TEST_SESSION_SECRET", "fuzz-session-secret-" + "x" * 32)
        garant = Garant.open(root, clock=FixedClock(DEFAULT_NOW))
        assert build_demo_data(garant, "alliance-francaise", persons=20) is not None
        with garant.unit_of_work() as uow:
            add_user(uow=uow, email=DPO, role="dpo", password="correct horse battery")
            token = issue_token(uow=uow, email=DPO, name="fuzz")
        yield garant, token
    garant.close()


def test_no_operation_answers_outside_its_documented_contract(
    fuzzed: tuple[Garant, str], tmp_path: Path
) -> None:
    """The schemathesis command against a real server: any failure is printed with the
    curl line that reproduces it."""
    garant, token = fuzzed
    with LiveServer(garant) as server:
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "run",
                f"{server.url}/api/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                ",".join(CHECKS),
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "10",
                "--seed",
                "2026",
                "--workers",
                "2",
                "--no-color",
                "--request-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
            check=False,
        )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]


def test_the_document_declares_errors_on_every_operation(fuzzed: tuple[Garant, str]) -> None:
    """A client reads 404, 409, 422 and 429 from the document, with one error shape."""
    document = create_app(fuzzed[0]).openapi()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if not {"404", "422", "429"} <= set(operation["responses"])
    ]
    assert missing == []
    error = document["components"]["schemas"]["ErrorRead"]
    assert "detail" in error["properties"]
