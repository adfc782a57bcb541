"""task-force workspace: ranking read model, review history, plans, certificates, API tokens, audit log

Revision ID: tf01
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "tf01"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ranking_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("cycle_id", sa.Integer(), sa.ForeignKey("cycles.id"), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("province", sa.String(2), nullable=False),
        sa.Column("regency", sa.String(5), nullable=False),
        sa.Column("sector", sa.String(1), nullable=False),
        sa.Column("size", sa.String(10), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("rating", sa.String(10)),
        sa.Column("total", sa.Float()),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("verified_rating", sa.String(10)),
        sa.Column("verified_total", sa.Float()),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("previous_total", sa.Float()),
        sa.Column("previous_rating", sa.String(10)),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("submitted_at", _TS),
    )
    op.create_index("ix_ranking_rows_national", "ranking_rows", ["cycle_id", "priority"])
    op.create_index("ix_ranking_rows_province", "ranking_rows", ["cycle_id", "province", "priority"])
    op.create_index("ix_ranking_rows_regency", "ranking_rows", ["cycle_id", "regency", "priority"])
    op.create_index("ix_ranking_rows_province_name", "ranking_rows", ["cycle_id", "province", "name"])
    op.create_index("ix_ranking_rows_company", "ranking_rows", ["company_id", "cycle_id"])

    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id", sa.Integer(), sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=False),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("by_user", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_status_changes_submission_id", "status_changes", ["submission_id"])

    op.create_table(
        "evidence_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "evidence_id", sa.Integer(), sa.ForeignKey("evidence.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "submission_id", sa.Integer(), sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("by_user", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_evidence_reviews_evidence_id", "evidence_reviews", ["evidence_id"])
    op.create_index("ix_evidence_reviews_submission_id", "evidence_reviews", ["submission_id"])

    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id"), nullable=False),
        sa.Column(
            "submission_id", sa.Integer(), sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("question", sa.String(100)),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_improvement_actions_company_id", "improvement_actions", ["company_id"])
    op.create_index("ix_improvement_actions_submission_id", "improvement_actions", ["submission_id"])

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer(),
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("rating", sa.String(10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("issued_at", _TS, nullable=False),
    )
    op.create_index("ix_certificates_company_id", "certificates", ["company_id"])

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_used_at", _TS),
        sa.Column("revoked_at", _TS),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("user_id", sa.Integer()),
        sa.Column("user_email", sa.String(254), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    # Append-only in the database itself, not only in our code.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    for table in (
        "audit_events",
        "api_tokens",
        "certificates",
        "improvement_actions",
        "evidence_reviews",
        "status_changes",
        "ranking_rows",
    ):
        op.drop_table(table)
