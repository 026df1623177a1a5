"""Back-office pages, one module per feature; each may export ``NAV`` items."""

from garant.web.admin import (
    accountability,
    breach_preview,
    breaches,
    consent,
    dashboard,
    datamap,
    mail,
    policy,
    retention,
    rights,
    rights_links,
    rights_review,
)

MODULES = (
    dashboard,
    policy,
    datamap,
    consent,
    retention,
    rights,
    rights_review,
    rights_links,
    breach_preview,
    breaches,
    accountability,
    mail,
)
