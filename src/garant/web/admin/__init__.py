"""Back-office pages, one module per feature; each may export ``NAV`` items."""

from garant.web.admin import (
    accountability,
    breaches,
    consent,
    dashboard,
    datamap,
    policy,
    retention,
    rights,
)

MODULES = (dashboard, policy, datamap, consent, retention, rights, breaches, accountability)
