"""A server process of its own serving Garant's web app on a port (uvicorn, as `garant
serve` does), for tests that need several processes on one store.

python serve_app.py WORKSPACE DATABASE_URL PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from garant.app import Garant
from garant.web.app import create_app


def main() -> None:
    workspace, url, port = sys.argv[1:4]
    garant = Garant.open(Path(workspace), database_url=url, migrate=False)
    uvicorn.run(create_app(garant), host="127.0.0.1", port=int(port), log_level="warning")


if __name__ == "__main__":
    main()
