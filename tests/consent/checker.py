"""A second process that keeps checking one person, with its cache on (the system clock).

python checker.py WORKSPACE DATABASE_URL EMAIL PURPOSE

Prints "ready" once its cache holds the answer, then "refused <wall time>" when it first
sees the withdrawal, then exits.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from garant.app import Garant
from garant.consent.check import cache_for, may_use


def main() -> None:
    workspace, url, email, purpose = sys.argv[1:5]
    garant = Garant.open(Path(workspace), database_url=url, migrate=False)
    cache = cache_for(garant)
    assert cache is not None, "the system clock turns the cache on"
    with garant.unit_of_work() as uow:
        assert may_use(uow=uow, identity=("email", email), purpose=purpose).allowed
    assert cache.entries, "the answer is cached"
    print("ready", flush=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with garant.unit_of_work() as uow:
            decision = may_use(uow=uow, identity=("email", email), purpose=purpose)
        if not decision.allowed:
            print(f"refused {time.time():.6f} {decision.code}", flush=True)
            return
        time.sleep(0.001)
    print("never refused", flush=True)


if __name__ == "__main__":
    main()
