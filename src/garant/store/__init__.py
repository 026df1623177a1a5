"""Garant's own store: SQLAlchemy 2 models on one metadata, Alembic migrations."""

from garant.store.base import Base, utcnow
from garant.store.engine import Store

__all__ = ["Base", "Store", "utcnow"]
