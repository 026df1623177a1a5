"""Erase Pagila customers the way a new user would: the map ``datamap infer`` drafts, unedited.

    .venv/bin/python scripts/try_pagila.py PAGILA_DIR
    .venv/bin/python scripts/try_pagila.py PAGILA_DIR --backend sqlite --customers 1,148

``PAGILA_DIR`` holds ``pagila-schema.sql`` and ``pagila-data.sql`` (loaded with ``psql``
into a fresh PostgreSQL database, ``--pg-database`` on the server of ``--pg-url``) and
``pagila.sqlite`` (copied). On each backend: ``garant init``, ``datamap infer``,
``datamap check``, then for each customer ``request open``, ``verify --accept``,
``decide --accept``, ``request plan`` and ``request run --now``, all through the real CLI
in a subprocess. It prints one line per customer: what the plan said, the run's exit code
and last line, and what is left of the customer's row. Issue 15's bar: each erasure
either completes (exit 0, "answered") or is refused before it starts (exit 2, the map's
file:line), never a failed step. Exit 1 when one customer missed the bar.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

DEFAULT_CUSTOMERS = "1,2,148,526,599"
"""Mary Smith (the first), a second one, the two with the most rentals, the last."""


@dataclass
class Outcome:
    customer: int
    plan: str
    run_exit: int
    run_line: str
    left: str

    @property
    def ok(self) -> bool:
        completed = self.run_exit == 0 and self.run_line.endswith("answered")
        refused = self.run_exit == 2 and ":" in self.run_line
        return completed or refused


def garant(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "garant", *args, "--workspace", str(workspace)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[-1].strip() if lines else ""


def load_postgres(pagila: Path, pg_url: str, database: str) -> str:
    """A fresh database ``database`` holding Pagila; its SQLAlchemy URL."""
    if shutil.which("psql") is None:
        raise SystemExit("psql is needed to load Pagila's SQL dump into PostgreSQL")
    server = make_url(pg_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    target = server.set(database=database)
    env = {**os.environ, "PGPASSWORD": target.password or ""}
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", target.host or "127.0.0.1"]
    psql += ["-p", str(target.port or 5432), "-U", target.username or "postgres", "-d", database]
    for part in ("pagila-schema.sql", "pagila-data.sql"):
        done = subprocess.run([*psql, "-f", str(pagila / part)], env=env, capture_output=True)
        if done.returncode != 0:
            raise SystemExit(f"{pagila / part}: psql failed: {done.stderr.decode()[-500:]}")
    return target.render_as_string(hide_password=False)


def load_sqlite(pagila: Path, work: Path) -> str:
    copy = work / "pagila.sqlite"
    shutil.copyfile(pagila / "pagila.sqlite", copy)
    return f"sqlite:///{copy}"


def customer_row(url: str, customer: int) -> dict[str, object] | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = (
                conn.execute(
                    text(
                        "SELECT first_name, last_name, email, "
                        "(SELECT count(*) FROM rental r"
                        " WHERE r.customer_id = c.customer_id) AS rentals "
                        "FROM customer c WHERE customer_id = :id"
                    ),
                    {"id": customer},
                )
                .mappings()
                .first()
            )
    finally:
        engine.dispose()
    return dict(row) if row else None


def erase(workspace: Path, url: str, customer: int) -> Outcome:
    before = customer_row(url, customer)
    if before is None or not before["email"]:
        return Outcome(customer, "no such customer or no email", 2, "skipped: nobody to erase", "")
    email = str(before["email"])
    opened = garant(
        workspace, "request", "open", "--type", "erasure", "--identity", f"email={email}",
        "--channel", "email", "--reply-email", email, "--lang", "en", "--json",
    )  # fmt: skip
    if opened.returncode != 0:
        return Outcome(customer, "", opened.returncode, "open: " + last_line(opened), "")
    request_id = str(json.loads(opened.stdout)["id"])
    for verb in ("verify", "decide"):
        done = garant(workspace, "request", verb, request_id, "--accept")
        if done.returncode != 0:
            return Outcome(customer, "", done.returncode, f"{verb}: " + last_line(done), "")
    planned = garant(workspace, "request", "plan", request_id)
    plan = "; ".join(line.strip() for line in planned.stdout.strip().splitlines())
    ran = garant(workspace, "request", "run", request_id, "--now")
    after = customer_row(url, customer)
    left = (
        "row deleted"
        if after is None
        else (
            f"name {after['first_name']} {after['last_name']}, email {after['email']}, "
            f"{after['rentals']} rentals"
        )
    )
    return Outcome(customer, plan or last_line(planned), ran.returncode, last_line(ran), left)


def try_backend(name: str, url: str, work: Path, customers: list[int]) -> list[Outcome]:
    workspace = work / f"ws-{name}"
    init = [sys.executable, "-m", "garant", "init", str(workspace)]
    done = subprocess.run(init, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"garant init: {last_line(done)}")
    inferred = garant(
        workspace, "datamap", "infer", "--system", "pagila", "--url", url,
        "--out", str(workspace / "datamap.yaml"), "--force",
    )  # fmt: skip
    written = [x for x in inferred.stdout.splitlines() if "draft written" in x]
    said = written[0].strip() if written else last_line(inferred)
    print(f"[{name}] datamap infer: exit {inferred.returncode}: {said}")
    checked = garant(workspace, "datamap", "check")
    print(f"[{name}] datamap check: exit {checked.returncode}: {last_line(checked)}")
    outcomes = []
    for customer in customers:
        outcome = erase(workspace, url, customer)
        mark = "ok  " if outcome.ok else "FAIL"
        print(f"[{name}] {mark} customer {customer}: plan: {outcome.plan}")
        print(
            f"[{name}]      run: exit {outcome.run_exit}: {outcome.run_line}; left: {outcome.left}"
        )
        outcomes.append(outcome)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pagila", type=Path, help="the folder holding Pagila's files")
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    parser.add_argument("--pg-database", default="garant_try_pagila")
    parser.add_argument(
        "--customers", default=DEFAULT_CUSTOMERS, help="customer ids, comma-separated"
    )
    parser.add_argument(
        "--work", type=Path, help="where the workspaces go (default: a temporary folder)"
    )
    args = parser.parse_args()
    customers = [int(c) for c in args.customers.split(",") if c.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="garant-pagila-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"workspaces in {work}")
    outcomes: list[Outcome] = []
    if args.backend in ("postgresql", "both"):
        url = load_postgres(args.pagila, args.pg_url, args.pg_database)
        outcomes += try_backend("postgresql", url, work, customers)
    if args.backend in ("sqlite", "both"):
        outcomes += try_backend("sqlite", load_sqlite(args.pagila, work), work, customers)
    failed = [o for o in outcomes if not o.ok]
    print(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} erasures"
        " completed or were refused before they started"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
