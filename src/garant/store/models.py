"""Every table of Garant's store, gathered on one metadata for Alembic.

Each feature adds its ``models`` module here when it adds tables.
"""

from garant.accounts import models as accounts_models
from garant.audit import models as audit_models
from garant.jobs import models as jobs_models
from garant.mail import models as mail_models
from garant.store.base import Base

metadata = Base.metadata

__all__ = ["accounts_models", "audit_models", "jobs_models", "mail_models", "metadata"]
