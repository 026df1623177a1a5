"""Consent benchmark: in-process checks per second, /api/consent/check under load, and the
audience filter on a million identities, on SQLite and PostgreSQL.

    .venv/bin/python bench/consent.py --backend sqlite --identities 1000000
    .venv/bin/python bench/consent.py --backend postgres --pg postgresql+psycopg://postgres@127.0.0.1/postgres

The store is filled with the newsletter's state for N people (60 % consented, 10 %
withdrawn, 10 % consented then suppressed, 20 % never asked): the derived state table and
the suppression list are written directly in batches, as a projection of a ledger of that
size would be. HTTP: a bounded open-loop generator sends at a fixed rate on keep-alive
connections and measures each latency from the moment the request was due (no
coordinated omission); ``wrk`` adds a closed-loop maximum when installed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import create_engine, insert, text

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "examples" / "alliance-francaise" / "policy.yaml"
PURPOSE = "newsletter"
USER, PASSWORD = "bench@example.org", "a bench password!"
TOML = """\
mode = "production"
[store]
default_url = "sqlite:///garant.db"
[keys]
file = "keys/garant-keys.json"
env = "GARANT_BENCH_NO_KEYS"
[web]
secure_cookies = false
session_secret_env = "GARANT_BENCH_SESSION_SECRET"
"""


def email(i: int) -> str:
    return f"person{i}@example.org"


def make_workspace(root: Path) -> None:
    from garant.keys.keyring import generate_keyfile

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(POLICY, root / "policy.yaml")
    (root / "garant.toml").write_text(TOML, encoding="utf-8")
    generate_keyfile(root / "keys" / "garant-keys.json")


def populate(garant: Any, n: int) -> float:
    from garant.consent.audience_read import hash_identities
    from garant.consent.models import ConsentCurrent, SuppressionEntry
    from garant.consent.purposes import catalog
    from garant.consent.rules import suppression_expiry

    started = time.perf_counter()
    version = catalog(garant).purpose(PURPOSE).version
    at = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    with garant.unit_of_work() as uow:
        refs = hash_identities(uow, "email", [email(i) for i in range(n)]).current
    batch: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []

    def flush() -> None:
        with garant.store.engine.begin() as conn:
            if batch:
                conn.execute(insert(ConsentCurrent), batch)
            if entries:
                conn.execute(insert(SuppressionEntry), entries)
        batch.clear()
        entries.clear()

    for i in range(n):
        bucket = i % 10
        if bucket >= 8:
            continue
        ref = refs[i]
        batch.append(
            {
                "subject_ref": ref,
                "purpose": PURPOSE,
                "given": bucket != 6,
                "basis": "consent",
                "purpose_version": version,
                "at": at,
                "event_id": i,
            }
        )
        if bucket == 7:
            entries.append(
                {
                    "subject_ref": ref,
                    "purpose": "*",
                    "reason": "objection",
                    "added_at": at,
                    "expires_at": suppression_expiry(at),
                }
            )
        if len(batch) >= 20_000:
            flush()
    flush()
    return time.perf_counter() - started


def bench_in_process(garant: Any, n: int, checks: int) -> dict[str, float]:
    from garant.clock import FixedClock
    from garant.consent.check import may_use

    hot = [("email", email(i)) for i in random.sample(range(n), min(n, 5_000))]
    with garant.unit_of_work() as uow:
        for identity in hot:  # warm the cache (a live clock turns it on)
            may_use(uow=uow, identity=identity, purpose=PURPOSE)
        started = time.perf_counter()
        for k in range(checks):
            may_use(uow=uow, identity=hot[k % len(hot)], purpose=PURPOSE)
        cached = checks / (time.perf_counter() - started)
    live_clock = garant.clock
    garant.clock = FixedClock(datetime.now(UTC))  # no cache: every check reads the store
    cold = [("email", email(i)) for i in random.sample(range(n), min(n, 1_000))]
    with garant.unit_of_work() as uow:
        started = time.perf_counter()
        for identity in cold:
            may_use(uow=uow, identity=identity, purpose=PURPOSE)
        uncached = len(cold) / (time.perf_counter() - started)
    garant.clock = live_clock
    return {"cached_checks_per_s": round(cached), "uncached_checks_per_s": round(uncached)}


def bench_audience(garant: Any, n: int) -> dict[str, Any]:
    from garant.consent.audience import filter_audience

    people = [email(i) for i in range(n)]
    with garant.unit_of_work() as uow:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        result = filter_audience(uow=uow, purpose=PURPOSE, identities=people)
        seconds = time.perf_counter() - started
    summary = result.summary()
    return {
        "audience_seconds": round(seconds, 2),
        "load_average": round(load, 2),
        "allowed": summary["allowed"],
        "by_reason": summary["by_reason"],
    }


# --- HTTP ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(root: str, url: str, port: int) -> None:
    """As ``garant serve`` runs it (uvicorn picks uvloop and httptools when installed);
    ``GARANT_BENCH_PLAIN_ASYNCIO=1`` forces the pure-Python loop and parser to compare."""
    import uvicorn

    from garant.app import Garant
    from garant.web.app import create_app

    garant = Garant.open(Path(root), database_url=url, migrate=False)
    plain = os.environ.get("GARANT_BENCH_PLAIN_ASYNCIO") == "1"
    app = create_app(garant)
    gc.freeze()  # as `garant serve` does
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop="asyncio" if plain else "auto",
        http="h11" if plain else "auto",
    )


def token_for(garant: Any) -> str:
    from garant.accounts.service import add_user, issue_token

    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=USER, role="communications", password=PASSWORD)
        return str(issue_token(uow=uow, email=USER, name="bench"))


async def _connection(
    port: int, auth: str, queue: asyncio.Queue[Any], out: list[float], errors: list[str]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while True:
        item = await queue.get()
        if item is None:
            break
        due, path = item
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(
                line.split(b":")[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
        )
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            errors.append(head.split(b"\r\n")[0].decode())
        out.append(time.perf_counter() - due)
    writer.close()


async def open_loop(
    port: int, auth: str, rate: int, seconds: float, paths: list[str], connections: int
) -> dict[str, Any]:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    latencies: list[float] = []
    errors: list[str] = []
    workers = [
        asyncio.create_task(_connection(port, auth, queue, latencies, errors))
        for _ in range(connections)
    ]
    total = int(rate * seconds)
    cpu_before = time.process_time()
    start = time.perf_counter()
    for k in range(total):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, paths[k % len(paths)]))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    generator_cpu = (time.process_time() - cpu_before) / elapsed
    latencies.sort()
    return {
        "generator_cpu_share": round(generator_cpu, 2),
        "rate_asked": rate,
        "requests": len(latencies),
        "achieved_rps": round(len(latencies) / elapsed),
        "errors": len(errors),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
    }


def session_cookie(port: int) -> str:
    """Log in as the bench user through the login form; the session cookie needs no store."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login").read().decode()
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    form = {"csrf_token": found.group(1), "email": USER, "password": PASSWORD, "next": "/admin"}
    opener.open(f"http://127.0.0.1:{port}/login", urllib.parse.urlencode(form).encode())
    value = next(c.value for c in jar if c.name == "garant_session")
    return f"Cookie: garant_session={value}"


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)


def bench_http(
    root: Path, url: str, token: str, n: int, rate: int, seconds: float, runs: int
) -> dict[str, Any]:
    """The same load with an API token (the platform checks it in the store on every
    request) and with a staff session cookie (checked in memory)."""
    port = free_port()
    import garant

    # the engine this script imported (another checkout's with PYTHONPATH, to compare)
    env = {**os.environ, "PYTHONPATH": str(Path(garant.__file__).resolve().parents[1])}
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(root), url, str(port)], env=env
    )
    try:
        _wait_for(port)

        def paths_for(count: int) -> list[str]:
            people = random.sample(range(n), min(n, count))
            return [f"/api/consent/check?purpose={PURPOSE}&value={email(i)}" for i in people]

        hot, cold = paths_for(1_000), paths_for(100_000)
        result: dict[str, Any] = {}
        for name, auth in (
            ("session", session_cookie(port)),
            ("api_token", f"Authorization: Bearer {token}"),
        ):
            # warm up: each hot person asked once, at a rate the server keeps up with
            asyncio.run(open_loop(port, auth, 250, len(hot) / 250, hot, 8))
            for run in range(runs):
                cold_paths = cold[run::runs]  # other people each run: still uncached
                for label, paths in (("hot_1000_people", hot), ("cold_100000_people", cold_paths)):
                    measured = asyncio.run(open_loop(port, auth, rate, seconds, paths, 32))
                    measured["load_average"] = round(os.getloadavg()[0], 2)
                    result.setdefault(f"{name}_{label}", []).append(measured)
            if shutil.which("wrk"):
                result[f"{name}_wrk_max"] = run_wrk(port, auth, hot[0])
        for key, runs_of in list(result.items()):
            if isinstance(runs_of, list):
                result[key] = {
                    "median_p99_ms": median(r["p99_ms"] for r in runs_of),
                    "runs": runs_of,
                }
        return result
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_wrk(port: int, auth: str, path: str) -> dict[str, str]:
    """wrk's closed loop: the most the server gives, and its latencies there."""
    done = subprocess.run(
        ["wrk", "-t1", "-c16", "-d5s", "--latency", "-H", auth, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    summary: dict[str, str] = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if line.strip().startswith("99%"):
            summary["p99"] = parts[1]
        elif line.strip().startswith("50%"):
            summary["p50"] = parts[1]
        elif line.startswith("Requests/sec"):
            summary["rps"] = parts[1]
    return summary


def pg_database(admin_url: str) -> tuple[str, Any]:
    name = f"garant_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--identities", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=300_000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3, help="repeat each measure; medians")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-audience", action="store_true")
    parser.add_argument("--serve", nargs=3, metavar=("ROOT", "URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("GARANT_BENCH_SESSION_SECRET", "bench-session-secret-" + "x" * 32)
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    from garant.app import Garant

    random.seed(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        make_workspace(root)
        drop = None
        if args.backend == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            url, drop = pg_database(args.pg)
        try:
            garant = Garant.open(root, database_url=url)
            report: dict[str, Any] = {"backend": args.backend, "identities": args.identities}
            report["populate_seconds"] = round(populate(garant, args.identities), 1)
            checks = [
                bench_in_process(garant, args.identities, args.checks) for _ in range(args.runs)
            ]
            for key in checks[0]:
                report[key] = median(c[key] for c in checks)
            if not args.skip_audience:
                audience = [bench_audience(garant, args.identities) for _ in range(args.runs)]
                report["audience_seconds_median"] = median(a["audience_seconds"] for a in audience)
                report["audience_runs"] = audience
            if not args.skip_http:
                token = token_for(garant)
                report["http"] = bench_http(
                    root, url, token, args.identities, args.rate, args.seconds, args.runs
                )
            garant.close()
        finally:
            if drop is not None:
                drop()
    report["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
