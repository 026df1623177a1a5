"""A quick CLI: `garant --help` lists every command without importing any feature, within
twice the time of a bare Typer app; `--version`; help in plain words (no promise IDs)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from garant.cli.main import COMMANDS, _load, build_app

BARE = """
import typer
app = typer.Typer()
@app.command()
def one() -> None: ...
@app.command()
def two() -> None: ...
app()
"""
PROMISE_ID = re.compile(r"\b[A-Z]{2,4}-[A-Z]{1,2}\d")


def _registered() -> dict[str, set[str]]:
    """Each command name, with every module that registers it."""
    found: dict[str, set[str]] = {}
    for module_name in sorted({module for module, _line in COMMANDS.values()}):
        app = typer.Typer()
        import_module(f"garant.cli.{module_name}").register(app)  # type: ignore[attr-defined]
        for name in typer.main.get_group(app).commands:
            found.setdefault(name, set()).add(module_name)
    return found


def test_the_table_names_every_command_of_every_module() -> None:
    registered = _registered()
    assert set(registered) == set(COMMANDS)
    for name, (module_name, _line) in COMMANDS.items():
        assert module_name in registered[name], name


def _walk(command: Any) -> list[str]:
    texts = [command.help or "", command.short_help or ""]
    texts += [getattr(p, "help", None) or "" for p in command.params]
    for child in (getattr(command, "commands", None) or {}).values():
        texts += _walk(child)
    return texts


def test_help_speaks_plain_words_without_promise_ids() -> None:
    texts = [line for _module, line in COMMANDS.values()]
    for module_name in {module for module, _line in COMMANDS.values()}:
        for command in _load(module_name).values():
            texts += _walk(command)
    assert [t for t in texts if PROMISE_ID.search(t)] == []


def test_version_and_help_list_every_command() -> None:
    runner = CliRunner()
    version = runner.invoke(build_app(), ["--version"])
    assert version.exit_code == 0 and re.fullmatch(r"garant \d+\.\d+\.\d+\S*\n", version.output)
    shown = runner.invoke(build_app(), ["--help"])
    assert shown.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"^  {re.escape(name)}\s", shown.output, re.MULTILINE), name


def _seconds(args: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def test_help_imports_no_feature_and_is_within_twice_a_bare_typer_app(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom garant.cli.main import main\nsys.argv = ['garant', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'garant.cli.',"
        " 'garant.app', 'fastapi'))))"
    )
    loaded = (
        subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    assert loaded == "['garant.cli.main']"
    bare = tmp_path / "bare.py"
    bare.write_text(BARE)
    ours = _seconds([sys.executable, "-m", "garant", "--help"])
    reference = _seconds([sys.executable, str(bare), "--help"])
    assert ours <= 2 * reference, (ours, reference)
