from __future__ import annotations

from typing import TYPE_CHECKING

from garant.mail.service import SEND_JOB, send_job

if TYPE_CHECKING:
    from garant.app import Garant


def install(garant: Garant) -> None:
    garant.jobs.register(SEND_JOB, send_job)
