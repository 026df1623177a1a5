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
    rights_links,
    users,
)

MODULES = (
    platform,
    policy,
    datamap,
    consent,
    retention,
    rights,
    rights_links,
    breaches,
    accountability,
    users,
)
