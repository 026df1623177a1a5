"""The ``garant`` command line: thin, it calls the domain services."""
