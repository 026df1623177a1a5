"""``python -m garant`` runs the command line."""

from garant.cli.main import main

main()
