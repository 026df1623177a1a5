"""Commands of the accountability feature: processors, DPIAs, disclosures, records, the
live check, the dossier and policy-change notices. Thin: each calls the domain."""

from __future__ import annotations

import typer

from garant.cli.accountability.dossier import check, dossier_app, policy_change_app
from garant.cli.accountability.dpia import dpia_app
from garant.cli.accountability.processors import processor_app
from garant.cli.accountability.records import disclosure_app, record_app


def register(app: typer.Typer) -> None:
    """Add this feature's commands and groups to the main app."""
    app.add_typer(processor_app, name="processor")
    app.add_typer(dpia_app, name="dpia")
    app.add_typer(disclosure_app, name="disclosure", no_args_is_help=True)
    app.add_typer(record_app, name="record")
    app.add_typer(dossier_app, name="dossier", no_args_is_help=True)
    app.add_typer(policy_change_app, name="policy-change", no_args_is_help=True)
    app.command("check")(check)
