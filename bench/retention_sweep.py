"""Benchmark: ``garant retention run`` beside hand-written SQL making the same change.

    .venv/bin/python -m bench.retention_sweep --rows 1000000 --runs 3 [--kinds sqlite,pg]

A table of people (30% past a 3-year rule), their orders (one per second person, removed
with their owner) and 100 persons under a legal hold (all past their period, all kept).
For each backend the data is built once, then every run works on a fresh copy: Garant's
sweep on one, the hand-written SQL on another, in the same process order, each in its own
process so its peak memory is its own. Both copies must end identical. Prints the median
times, their ratio and the peak memory, as a Markdown table, and writes JSON beside it.

The sweep runs gated, as ``garant retention run`` and the daily job run it: the bench's
workspace is approved once (``garant retention approve``'s service) and, since 30% of
``people`` is due, its ``retention.yaml`` sets ``max_share`` to 0.35 (default 0.2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.retention import data

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[1]
MAX_SHARE = 0.35  # the share a sweep may remove without a covering approval (default 0.2)


def workspace(folder: Path, kind: str, batch: int) -> Path:
    from garant.keys.keyring import generate_keyfile

    ws = folder / f"ws-{kind}"
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "garant.toml").write_text(
        'mode = "production"\n[store]\ndefault_url = "sqlite:///garant.db"\n'
        '[keys]\nfile = "keys/k.json"\nenv = "BENCH_NO_KEYS"\n',
        encoding="utf-8",
    )
    generate_keyfile(ws / "keys" / "k.json")
    (ws / "policy.yaml").write_text(data.POLICY, encoding="utf-8")
    system_kind = "sqlite" if kind == "sqlite" else "postgresql"
    (ws / "datamap.yaml").write_text(data.DATAMAP.format(kind=system_kind), encoding="utf-8")
    # 30 % of `people` is due: above the default max_share (0.2), so this bench's own
    # workspace allows MAX_SHARE; the DPO's approval is still required (see `approve`).
    (ws / "retention.yaml").write_text(
        f"batch_size: {batch}\nmax_share: {MAX_SHARE}\n", encoding="utf-8"
    )
    return ws


def place_holds(ws: Path, rows: int) -> None:
    from garant.app import Garant
    from garant.retention import holds

    garant = Garant.open(ws, as_of=data.TODAY)
    with garant.unit_of_work() as uow:
        for email in data.held_emails(rows):
            holds.add_hold(uow=uow, reason="bench litigation", identity=("email", email))
    garant.close()


def approve(ws: Path, url: str) -> None:
    """What the DPO does before a new workspace's first sweep (`garant retention
    approve`): the forecast, read from the template, recorded for the bench's day. The
    sweeps are then run gated, as `garant retention run` and the daily job run them."""
    import os

    from garant.app import Garant
    from garant.retention.approval import approve as approve_forecast
    from garant.store.uow import Actor

    os.environ["BENCH_CRM_URL"] = url
    garant = Garant.open(ws, as_of=data.TODAY)
    try:
        with garant.unit_of_work(Actor("cli", "bench-dpo", "dpo")) as uow:
            approve_forecast(garant, uow=uow)
    finally:
        garant.close()
        del os.environ["BENCH_CRM_URL"]


def measure(mode: str, kind: str, url: str, ws: Path, rows: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.retention.child", mode, kind, url, str(ws), str(rows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"{mode} on {kind} failed: {out.stderr.strip().splitlines()[-1:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_kind(kind: str, rows: int, runs: int, batch: int, folder: Path) -> dict[str, Any]:
    template = str(folder / "template.db") if kind == "sqlite" else f"bench_ret_tpl_{rows}"
    if kind == "sqlite":
        data.make_template(kind, template, rows)
        template_url = f"sqlite:///{template}"
    else:
        data.drop_pg(PG_ADMIN, template)
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{template}"'))
        admin.dispose()
        template_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + template
        data.make_template(kind, template_url, rows)
    ws = workspace(folder, kind, batch)
    place_holds(ws, rows)
    approve(ws, template_url)
    results: dict[str, list[dict[str, Any]]] = {"garant": [], "sql": []}
    ends: dict[str, tuple[int, int]] = {}
    for run in range(runs):
        for mode in ("garant", "sql"):
            target = str(folder / f"{mode}.db") if kind == "sqlite" else f"bench_ret_{mode}"
            url = data.copy(kind, template, target, PG_ADMIN)
            results[mode].append(measure(mode, kind, url, ws, rows))
            ends[mode] = data.counts(url)
            if kind == "pg":
                data.drop_pg(PG_ADMIN, target)
        print(
            f"  {kind} {rows:,} run {run + 1}: "
            f"garant {results['garant'][-1]['seconds']:.2f}s, "
            f"sql {results['sql'][-1]['seconds']:.2f}s",
            file=sys.stderr,
        )
    if ends["garant"] != ends["sql"]:
        raise SystemExit(f"{kind}: Garant left {ends['garant']}, the SQL left {ends['sql']}")
    if kind == "pg":
        data.drop_pg(PG_ADMIN, template)
    g = statistics.median(r["seconds"] for r in results["garant"])
    s = statistics.median(r["seconds"] for r in results["sql"])
    return {
        "kind": kind,
        "rows": rows,
        "runs": runs,
        "batch": batch,
        "garant_s": round(g, 3),
        "sql_s": round(s, 3),
        "ratio": round(g / s, 2),
        "garant_process_s": round(statistics.median(r["total"] for r in results["garant"]), 3),
        "garant_peak_mib": round(max(r["peak_mib"] for r in results["garant"]), 1),
        "sql_peak_mib": round(max(r["peak_mib"] for r in results["sql"]), 1),
        "left": {"people": ends["garant"][0], "orders": ends["garant"][1]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--kinds", default="sqlite,pg")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "retention_sweep.json")
    args = parser.parse_args()
    rows_out = []
    for rows in args.rows:
        for kind in args.kinds.split(","):
            with tempfile.TemporaryDirectory(prefix="bench-ret-") as tmp:
                rows_out.append(bench_kind(kind, rows, args.runs, args.batch, Path(tmp)))
            # Written after every size and backend: a long run interrupted keeps what it did.
            args.out.write_text(json.dumps(rows_out, indent=1), encoding="utf-8")
    print(
        "| backend | rows | garant (median) | hand SQL (median) | ratio "
        "| garant peak RSS | SQL peak RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows_out:
        print(
            f"| {r['kind']} | {r['rows']:,} | {r['garant_s']:.2f} s | {r['sql_s']:.2f} s | "
            f"{r['ratio']:.2f}x | {r['garant_peak_mib']:.0f} MiB | {r['sql_peak_mib']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
