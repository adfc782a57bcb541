"""form revisions: a counter on each submission that every answer change moves, and the revision each
answer was written at, so a worker can tell what changed in a form since it last read it

Revision ID: fc01
Revises: tf02
"""

import sqlalchemy as sa
from alembic import op

revision = "fc01"
down_revision = "tf02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("revision")
