"""Entry point of the ``garant`` command.

Commands are loaded when used: ``garant --help`` lists them from the table below without
importing any feature (SQLAlchemy, the policy models, the web stack), and ``garant mail
list`` imports the platform commands only. Each feature module still declares its own
commands with ``register(app)``; the table only says which module holds which name.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import typer
from typer import _click  # Typer ships its own Click; its Context is the one typed here
from typer.core import TyperGroup

# name -> (module under garant.cli, the line shown by ``garant --help``), in help order
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("platform", "Create a workspace, empty or from an example."),
    "demo": ("platform", "Try Garant: a demo served with its worker and mail catcher."),
    "serve": ("platform", "Serve the back office, the privacy center and the API."),
    "worker": ("platform", "Run the work that is due: requests, sweeps, reminders, mail."),
    "celery-worker": ("platform", "Run jobs on Celery workers (for several machines)."),
    "policy": ("policy", "The policy: check, publish, notice, promises."),
    "register": ("policy", "The register of processing activities, for the authority."),
    "form": ("policy", "Collection forms: the information text and its checks."),
    "datamap": ("datamap", "Where personal data lives: show and validate the data map."),
    "subject": ("datamap", "One person's data: find it, export it."),
    "request": ("rights", "Requests from persons: open, verify, decide, carry out, answer."),
    "erasure": ("rights", "The erasure journal: replay erasures after a restore."),
    "directive": ("rights", "Directives about a person's data after their death."),
    "consent": ("consent", "Consents: record, withdraw, and check a use."),
    "audience": ("consent", "Keep only the persons a campaign may reach."),
    "suppression": ("consent", "The list of persons who objected to marketing."),
    "cookies": ("consent", "Cookie choices and the banner."),
    "retention": ("retention", "Retention: what expires soon, and the sweep."),
    "archive": ("retention", "The intermediate archive: read, restore, destroy."),
    "hold": ("retention", "Legal holds that stop deletion."),
    "breach": ("breaches", "Data breaches: register, risk, the 72-hour clock, notices."),
    "check": ("accountability", "Compare the policy's promises with the real data."),
    "processor": ("accountability", "Processors, their contracts and transfers."),
    "dpia": ("accountability", "Data protection impact assessments."),
    "disclosure": ("accountability", "Disclosures to authorities and third parties."),
    "record": ("accountability", "Trainings, agreements, charters and procedures."),
    "dossier": ("accountability", "The accountability dossier for the authority."),
    "policy-change": ("accountability", "Tell the persons of a new policy version."),
    "db": ("platform", "Garant's own database: upgrade, backup, restore."),
    "audit": ("platform", "The audit log: read it, verify it, seal it."),
    "user": ("accounts", "Staff accounts, roles and API tokens."),
    "keys": ("platform", "The secret keys: create, rotate, retire."),
    "mail": ("platform", "The mail Garant sends: list, read, test."),
}

# "(AF-D1)", "(DEF-R5, DEF-R6)": promise IDs belong to `garant policy promises`, not to help
_ID = r"[A-Z]{2,4}-[A-Z]{1,2}\d+[a-z]?"
_PROMISE_IDS = re.compile(rf"\s*\((?:{_ID}(?:,\s*|\s*/\s*)?)+\)")
_INLINE_IDS = re.compile(rf"(?:[:;,]|\s*/)?\s*\b{_ID}\b")


def plain(text: str | None) -> str | None:
    """Help text without promise IDs."""
    return _INLINE_IDS.sub("", _PROMISE_IDS.sub("", text)) if text else text


def _clean(command: Any) -> None:
    command.help = plain(command.help)
    command.short_help = plain(command.short_help)
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = plain(param.help)
    for child in (getattr(command, "commands", None) or {}).values():
        _clean(child)


@cache
def _load(module_name: str) -> dict[str, Any]:
    """The Click commands a feature module registers (imported on first use only)."""
    from importlib import import_module

    module = import_module(f"garant.cli.{module_name}")
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    module.register(app)
    group = typer.main.get_group(app)
    for command in group.commands.values():
        _clean(command)
    return dict(group.commands)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"garant {version('garant')}")
        raise typer.Exit()


class GarantGroup(TyperGroup):
    """Loads commands when used; turns Garant's own errors into a clear message and an exit
    code, never a traceback."""

    # An app given its commands directly (a feature's tests) uses them; the ``garant``
    # command itself has none registered and reads the table.
    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(self.commands) or list(COMMANDS)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> Any:
        if self.commands:
            return self.commands.get(cmd_name)
        entry = COMMANDS.get(cmd_name)
        return None if entry is None else _load(entry[0]).get(cmd_name)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """Plain help from the table: listing the commands imports none of them."""
        if self.commands:
            return super().format_help(ctx, formatter)
        self.format_usage(ctx, formatter)
        formatter.write_paragraph()
        formatter.write_text(self.help or "")
        options = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]
        with formatter.section("Options"):
            formatter.write_dl(options)
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_m, line) in COMMANDS.items()])
        formatter.write_paragraph()
        formatter.write_text("Run `garant COMMAND --help` for a command's options.")

    def invoke(self, ctx: _click.Context) -> Any:
        from garant.errors import GarantError

        try:
            return super().invoke(ctx)
        except GarantError as exc:
            _error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            from sqlalchemy.exc import DataError, OperationalError  # once something failed

            if isinstance(exc, OperationalError):
                _error(
                    f"database unreachable or failing ({_why(exc)}): check that it runs "
                    "and that its URL in garant.toml or the data map is right"
                )
            elif isinstance(exc, OverflowError | DataError):
                _error(f"a number or a date is out of range ({_why(exc)})")
            else:
                raise
            raise typer.Exit(2) from None


def _why(exc: Exception) -> str:
    """The driver's reason without the statement or its parameters (personal values)."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).splitlines()[0][:200]


def _error(message: str) -> None:
    from garant.cli.common import err_console

    err_console.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)


def build_app() -> typer.Typer:
    app = typer.Typer(
        cls=GarantGroup,
        help="Garant: makes a published privacy policy true.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )

    @app.callback()
    def root(
        version: bool = typer.Option(
            False,
            "--version",
            help="Print Garant's version and exit.",
            callback=_version,
            is_eager=True,
        ),
    ) -> None:
        """Garant: makes a published privacy policy true."""

    return app


def main() -> None:
    build_app()()
