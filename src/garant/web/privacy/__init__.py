"""Privacy-center pages for data subjects, one module per feature."""

from garant.web.privacy import (
    accountability,
    breaches,
    consent,
    datamap,
    home,
    policy,
    retention,
    rights,
)

MODULES = (home, policy, datamap, consent, retention, rights, breaches, accountability)
