"""Bounded parameters shared by the API routes.

A number the store cannot hold (an id of 2**63, a count of 10**30) is refused at the door
with a 422 that names the parameter, instead of overflowing in the database driver.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1
MAX_PAGE = 1000

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's number.")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="A record's number.")]
PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many rows.")]
