"""ranking rows: priority bucket and covering indexes, so every ranking page is an index-only query

Revision ID: tf02
Revises: tf01
"""

import sqlalchemy as sa
from alembic import op

revision = "tf02"
down_revision = "tf01"
branch_labels = None
depends_on = None

# Everything the ranking page, its counts and the exports read, after the scope and the rank key: with
# these in the index SQLite never visits the table for a page (see webapp.ranking.services).
_COVER = [
    "sector",
    "size",
    "rating",
    "status",
    "total",
    "verified_rating",
    "verified_total",
    "completeness",
    "previous_total",
    "name",
    "submission_id",
]
_OLD = ("ix_ranking_rows_national", "ix_ranking_rows_province", "ix_ranking_rows_regency")


def upgrade() -> None:
    with op.batch_alter_table("ranking_rows") as batch:
        batch.add_column(sa.Column("bucket", sa.Integer(), nullable=False, server_default="0"))
    floor = "floor(priority)" if op.get_bind().dialect.name == "postgresql" else "CAST(priority AS INTEGER)"
    # Priorities are never below -1 and -1 is whole, so SQLite's truncating cast is the floor here.
    op.execute(f"UPDATE ranking_rows SET bucket = {floor}")
    for name in _OLD:
        op.drop_index(name, table_name="ranking_rows")
    op.create_index(
        "ix_ranking_rows_national",
        "ranking_rows",
        ["cycle_id", "bucket", "priority", "province", "regency", *_COVER],
    )
    op.create_index(
        "ix_ranking_rows_province",
        "ranking_rows",
        ["cycle_id", "province", "bucket", "priority", "regency", *_COVER],
    )
    op.create_index(
        "ix_ranking_rows_regency",
        "ranking_rows",
        ["cycle_id", "regency", "bucket", "priority", "province", *_COVER],
    )


def downgrade() -> None:
    for name in _OLD:
        op.drop_index(name, table_name="ranking_rows")
    op.create_index("ix_ranking_rows_national", "ranking_rows", ["cycle_id", "priority"])
    op.create_index("ix_ranking_rows_province", "ranking_rows", ["cycle_id", "province", "priority"])
    op.create_index("ix_ranking_rows_regency", "ranking_rows", ["cycle_id", "regency", "priority"])
    with op.batch_alter_table("ranking_rows") as batch:
        batch.drop_column("bucket")
