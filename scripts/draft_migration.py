"""Print the Alembic operations that a feature's new tables need.

    .venv/bin/python scripts/draft_migration.py consent_ suppression_

Upgrades a scratch SQLite database to the current heads, compares it with the models,
and prints the operations for the tables whose names start with the given prefixes, to
paste into that feature's revision file.
"""

import sys
import tempfile

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import ops

from garant.store.engine import Store
from garant.store.migrate import upgrade
from garant.store.models import metadata


def _table(op: ops.MigrateOperation) -> str:
    return getattr(op, "table_name", "") or ""


def main(prefixes: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/draft.db")
        upgrade(store)
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"render_as_batch": True})
            script = produce_migrations(context, metadata)
    kept = [op for op in script.upgrade_ops.ops if _table(op).startswith(tuple(prefixes))]
    print(render_python_code(ops.UpgradeOps(ops=kept), render_as_batch=True))
    print("# downgrade:")
    for op in reversed(kept):
        if isinstance(op, ops.CreateTableOp):
            print(f"    op.drop_table({op.table_name!r})")


if __name__ == "__main__":
    main(sys.argv[1:] or [""])
