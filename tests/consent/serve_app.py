"""A second process serving Garant's web app (the check's lean path included) on a port.

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
