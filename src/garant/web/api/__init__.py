"""REST API routers, one module per feature."""

from garant.web.api import (
    accountability,
    breaches,
    consent,
    datamap,
    platform,
    policy,
    retention,
    rights,
    users,
)

MODULES = (platform, policy, datamap, consent, retention, rights, breaches, accountability, users)
