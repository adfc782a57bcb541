"""Alembic environment: always run with a connection handed in by ``webapp.db.upgrade``."""

from alembic import context

from webapp.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `hamscore db upgrade` (webapp.db.upgrade), not the alembic CLI")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
