"""Benchmark: find and export one person, beside hand-written SQL fetching the same rows.

    # generated shop: N persons, 10N related rows (bench/generate.py), SQLite or PostgreSQL
    python bench/subject_export.py shop --url sqlite:///bench/shop.db --persons 1000000 --generate
    # Pagila as loaded from ../shared/data/pagila (PostgreSQL)
    python bench/subject_export.py pagila --url postgresql+psycopg://postgres@127.0.0.1/pagila
    # every Pagila customer, each exported --repeat times: what each customer costs
    python bench/subject_export.py pagila-each --url postgresql+psycopg://postgres@127.0.0.1/pagila
    # a copy of Pagila where one customer has 100,000 more rentals and payments
    python bench/subject_export.py pagila-big --url postgresql+psycopg://postgres@127.0.0.1/pagila

Per person, over ``--samples`` random persons (after a short warm-up), each timed alone:
- ``find``: the engine's traversal (``garant.subjects.find.traverse``), keys only;
- ``fetch``: the traversal reading every row it reaches with its mapped columns, as the
  export reads them (one pass: ``traverse(..., sink=...)``, one held connection per
  system): the engine's fetch;
- ``baseline``: hand-written SQL (one statement per collection, joins where needed)
  fetching the same rows, every column; the row counts are compared person by person;
- ``export``: ``export_subject`` writing the zip (JSON, CSV, manifest, index.html) and
  its audit event; ``packaging`` is export minus fetch.
Prints a JSON report; ``--markdown`` prints the table rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import generate
from baselines import PAGILA_BASELINE, SHOP_BASELINE, pagila_datamap
from sqlalchemy import Connection, create_engine, text

from garant.app import Garant
from garant.datamap.models import Collection, System
from garant.subjects.export import export_subject
from garant.subjects.find import traverse
from garant.subjects.rules import Identity
from garant.subjects.schemas import RowSet
from garant.workspace import create_workspace

WARMUP = 3


def workspace(root: Path, datamap: str) -> Garant:
    ws = create_workspace(root / "ws")
    (ws / "datamap.yaml").write_text(datamap, encoding="utf-8")
    return Garant.open(ws)


class CountingSink:
    """A discovery sink that asks for every mapped column, as the export does, and counts
    the rows it is handed (own and context)."""

    def __init__(self) -> None:
        self.rows = 0

    def columns(self, system: System, coll: Collection) -> list[str]:
        entity = [coll.entity_column] if coll.entity_column else []
        return list(dict.fromkeys([*coll.key_columns, *(f.name for f in coll.fields), *entity]))

    def take(
        self, rowset: RowSet, relation: str, names: list[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        self.rows += len(rows)


def engine_fetch(garant: Garant, identities: list[Identity]) -> int:
    """The engine's fetch as the export performs it: one pass, the traversal reading every
    row it reaches with its mapped columns (one held connection per system)."""
    sink = CountingSink()
    traverse(garant, identities, sink=sink)
    return sink.rows


def export_once(garant: Garant, identities: list[Identity], out: Path) -> int:
    with garant.unit_of_work() as uow:
        result = export_subject(uow=uow, identities=identities, out=out, purpose="benchmark")
    counts = result.manifest["counts"]
    return int(counts["records"] + counts["context_records"])


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def stats(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def measure(
    garant: Garant,
    conn: Connection,
    emails: list[str],
    baseline: Callable[[Connection, str], int],
    out_dir: Path,
) -> dict[str, Any]:
    times: dict[str, list[float]] = {"find": [], "fetch": [], "baseline": [], "export": []}
    mismatches = 0
    rows_total = 0
    for index, email in enumerate(emails):
        ids = [Identity("email", email)]
        t_find, _ = timed(lambda: traverse(garant, ids))  # noqa: B023
        t_fetch, engine_rows = timed(lambda: engine_fetch(garant, ids))  # noqa: B023
        t_base, base_rows = timed(lambda: baseline(conn, email))  # noqa: B023
        t_export, _ = timed(lambda: export_once(garant, ids, out_dir / "p.zip"))  # noqa: B023
        if index < WARMUP:
            continue
        mismatches += engine_rows != base_rows
        rows_total += base_rows
        for name, value in (
            ("find", t_find),
            ("fetch", t_fetch),
            ("baseline", t_base),
            ("export", t_export),
        ):
            times[name].append(value)
    report: dict[str, Any] = {name: stats(values) for name, values in times.items()}
    packaging = [e - f for e, f in zip(times["export"], times["fetch"], strict=True)]
    report["packaging"] = stats(packaging)
    report["fetch_to_baseline"] = round(
        statistics.median(times["fetch"]) / statistics.median(times["baseline"]), 2
    )
    report["persons"] = len(times["find"])
    report["rows_per_person_mean"] = round(rows_total / max(1, len(times["find"])), 1)
    report["row_count_mismatches"] = mismatches
    return report


def repeated(
    args: argparse.Namespace, once: Callable[[random.Random], dict[str, Any]]
) -> dict[str, Any]:
    """``--repeat`` runs over different random persons; each figure is the median of the
    runs' medians (and of their p95s), every run kept in ``runs``."""
    runs = [once(random.Random(args.seed + i)) for i in range(args.repeat)]
    summary: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, dict):
            summary[key] = {k: round(statistics.median(r[key][k] for r in runs), 2) for k in value}
        elif isinstance(value, float):
            summary[key] = round(statistics.median(r[key] for r in runs), 2)
        else:
            summary[key] = sum(r[key] for r in runs) if key.endswith("mismatches") else value
    summary["fetch_to_baseline"] = round(
        summary["fetch"]["median_ms"] / summary["baseline"]["median_ms"], 2
    )
    summary["runs"] = runs
    return summary


def run_shop(args: argparse.Namespace) -> dict[str, Any]:
    if args.generate:
        generate.generate(args.url, args.persons, say=lambda m: print(m, file=sys.stderr)).dispose()
    engine = create_engine(args.url)
    with tempfile.TemporaryDirectory() as tmp, engine.connect() as conn:
        garant = workspace(Path(tmp), generate.datamap_yaml(args.url))
        report = repeated(
            args,
            lambda rng: measure(
                garant,
                conn,
                [
                    f"person{rng.randint(1, args.persons)}@example.org"
                    for _ in range(args.samples + WARMUP)
                ],
                SHOP_BASELINE,
                Path(tmp),
            ),
        )
        garant.close()
    engine.dispose()
    return {
        "dataset": f"shop {args.persons:,} persons, {10 * args.persons:,} related rows",
        "url": engine.dialect.name,
    } | report


def run_pagila(args: argparse.Namespace) -> dict[str, Any]:
    if args.indexed:
        from baselines import indexed_pagila_copy

        args.url = indexed_pagila_copy(args.url)
    engine = create_engine(args.url)
    with engine.connect() as conn:
        emails = [
            r[0] for r in conn.execute(text("SELECT email FROM customer ORDER BY customer_id"))
        ]
    with tempfile.TemporaryDirectory() as tmp, engine.connect() as conn:
        garant = workspace(Path(tmp), pagila_datamap(args.url))
        report = repeated(
            args,
            lambda rng: measure(
                garant,
                conn,
                emails[:WARMUP] + rng.sample(emails, min(args.samples, len(emails))),
                PAGILA_BASELINE,
                Path(tmp),
            ),
        )
        garant.close()
    engine.dispose()
    name = "pagila (599 customers)" + (", with the indexes check notes" if args.indexed else "")
    return {"dataset": name, "url": "postgresql"} | report


def run_pagila_each(args: argparse.Namespace) -> dict[str, Any]:
    """Every Pagila customer exported ``--repeat`` times, in rounds (every customer once,
    then again): each customer's median tells what that customer costs, apart from the
    machine's stalls, which a single export may meet whoever the customer."""
    engine = create_engine(args.url)
    with engine.connect() as conn:
        emails = [
            r[0] for r in conn.execute(text("SELECT email FROM customer ORDER BY customer_id"))
        ]
    engine.dispose()
    times: dict[str, list[float]] = {email: [] for email in emails}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        garant = workspace(Path(tmp), pagila_datamap(args.url))
        for email in emails[:WARMUP]:
            export_once(garant, [Identity("email", email)], Path(tmp) / "p.zip")
        for _ in range(args.repeat):
            for email in emails:
                ids = [Identity("email", email)]
                seconds, count = timed(lambda: export_once(garant, ids, Path(tmp) / "p.zip"))  # noqa: B023
                times[email].append(seconds)
                rows[email] = count
        garant.close()
    medians = {email: statistics.median(values) for email, values in times.items()}
    slowest = max(medians, key=medians.__getitem__)
    every = sorted(medians.values())
    return {
        "dataset": f"pagila, each of {len(emails)} customers exported {args.repeat} times",
        "customer_medians": stats(every),
        "slowest_customer": {
            "median_ms": round(medians[slowest] * 1000, 2),
            "rows": rows[slowest],
            "runs_ms": [round(t * 1000, 2) for t in times[slowest]],
        },
        "customers_over_10_ms": sum(1 for m in every if m >= 0.010),
        "single_exports": stats([t for values in times.values() for t in values]),
        "rows_per_customer": {"min": min(rows.values()), "max": max(rows.values())},
    }


def run_pagila_big(args: argparse.Namespace) -> dict[str, Any]:
    """Each run in a fresh process (its peak memory its own): ``cold``, the big export
    first, paying the process's one-time costs (reading the data map, describing the
    tables, SQLAlchemy compiling each statement); ``warm``, after one ordinary customer's
    export in the same process, as in a server or a worker that has exported before."""
    from baselines import grow_pagila_copy

    url, email, added = grow_pagila_copy(args.url, args.extra)
    engine = create_engine(url)
    with engine.connect() as conn:
        other = conn.execute(
            text("SELECT email FROM customer WHERE email <> :e ORDER BY customer_id LIMIT 1"),
            {"e": email},
        ).scalar_one()
    engine.dispose()
    report: dict[str, Any] = {
        "dataset": (
            f"pagila copy, one customer with {args.extra:,} more rentals and "
            f"{args.extra:,} more payments ({added:,} rows)"
        )
    }
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "datamap.yaml").write_text(pagila_datamap(url), encoding="utf-8")
        for name, warm in (("cold", []), ("warm", ["--warm-email", other])):
            runs = []
            for _ in range(args.runs):
                child = subprocess.run(
                    [sys.executable, __file__, "one", "--url", url, "--email", email]
                    + ["--dir", tmp, *warm],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs.append(json.loads(child.stdout))
            report[name] = {
                "runs": runs,
                "median_export_s": round(statistics.median(r["export_s"] for r in runs), 3),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            }
    return report


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    """One export in a fresh process, so that its peak memory is its own (after
    ``--warm-email``'s export when given)."""
    root = Path(args.dir)
    ws_root = Path(tempfile.mkdtemp(dir=root))
    garant = workspace(ws_root, (root / "datamap.yaml").read_text(encoding="utf-8"))
    if args.warm_email:
        export_once(garant, [Identity("email", args.warm_email)], ws_root / "warm.zip")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds, rows = timed(
        lambda: export_once(garant, [Identity("email", args.email)], ws_root / "p.zip")
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = (ws_root / "p.zip").stat().st_size
    garant.close()
    return {
        "export_s": round(seconds, 3),
        "rows": rows,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "zip_mb": round(size / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Subject find and export benchmark")
    parser.add_argument("dataset", choices=["shop", "pagila", "pagila-each", "pagila-big", "one"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="measurement runs (shop, pagila)")
    parser.add_argument(
        "--indexed", action="store_true", help="pagila: in a copy with the indexes check notes"
    )
    parser.add_argument("--email")
    parser.add_argument("--warm-email", help="one: export this person first")
    parser.add_argument("--dir")
    args = parser.parse_args()
    runner = {
        "shop": run_shop,
        "pagila": run_pagila,
        "pagila-each": run_pagila_each,
        "pagila-big": run_pagila_big,
        "one": run_one,
    }
    load_before = os.getloadavg()[0]
    report = runner[args.dataset](args)
    if args.dataset != "one":
        # The machine is shared: the load says how far the times are from a quiet one's.
        report["load_average_1m"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        report["cpus"] = os.cpu_count()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
