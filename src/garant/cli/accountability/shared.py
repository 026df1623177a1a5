"""What the accountability commands share: option types, dates, tables."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from garant.cli.common import console
from garant.errors import InvalidInput, first_error

Multi = Annotated[list[str] | None, typer.Option()]


def as_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def show_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def validated(model: Any, **values: Any) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        where, what = first_error(exc)
        raise InvalidInput(f"{where or 'input'}: {what}") from None
