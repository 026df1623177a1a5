"""Alembic environment: the engine comes from the Store that runs the migration."""

from __future__ import annotations

from alembic import context

from garant.store.models import metadata

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
