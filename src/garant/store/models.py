"""Every table of Garant's store, gathered on one metadata for Alembic."""

from garant.accountability import models as accountability_models
from garant.accounts import models as accounts_models
from garant.audit import models as audit_models
from garant.breaches import models as breaches_models
from garant.consent import models as consent_models
from garant.dpia import models as dpia_models
from garant.jobs import models as jobs_models
from garant.mail import models as mail_models
from garant.policy import models as policy_models
from garant.processors import models as processors_models
from garant.retention import models as retention_models
from garant.rights import models as rights_models
from garant.store.base import Base
from garant.throttle import models as throttle_models

metadata = Base.metadata

__all__ = [
    "accountability_models",
    "accounts_models",
    "audit_models",
    "breaches_models",
    "consent_models",
    "dpia_models",
    "jobs_models",
    "mail_models",
    "metadata",
    "policy_models",
    "processors_models",
    "retention_models",
    "rights_models",
    "throttle_models",
]
