"""goals: a target per indicator, org unit and period (a year), with the state of a leader's
proposal; the measures planned for goals not (surely) reached, comments on goals, the chief
executive's summaries per dimension and period, and the periods published for everyone
(scorecard/goal_models.py). Evaluations are computed, never stored.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:47:15
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dimension_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column(
            "dimension",
            sa.Enum(
                "economy",
                "service",
                "organisation",
                "community",
                name="dimension",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_dimension_summary_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dimension_summary")),
        sa.UniqueConstraint(
            "period", "dimension", name=op.f("uq_dimension_summary_period_dimension")
        ),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_key", sa.String(length=130), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column("tolerance", sa.Double(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed", "accepted", "rejected", name="goalstate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user.id"],
            name=op.f("fk_goal_proposed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_goal_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
        sa.UniqueConstraint(
            "indicator_key", "unit_id", "period", name=op.f("uq_goal_indicator_key_unit_id_period")
        ),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "scorecard_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user.id"],
            name=op.f("fk_scorecard_publication_published_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_publication")),
        sa.UniqueConstraint("period", name=op.f("uq_scorecard_publication_period")),
    )
    op.create_table(
        "goal_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=254), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_goal_comment_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_goal_comment_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_comment")),
    )
    with op.batch_alter_table("goal_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_comment_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "goal_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_goal_measure_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_measure")),
    )
    with op.batch_alter_table("goal_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_measure_goal_id"), ["goal_id"], unique=False)


def downgrade():
    with op.batch_alter_table("goal_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_measure_goal_id"))

    op.drop_table("goal_measure")
    with op.batch_alter_table("goal_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_comment_goal_id"))

    op.drop_table("goal_comment")
    op.drop_table("scorecard_publication")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_unit_id"))
        batch_op.drop_index(batch_op.f("ix_goal_period"))

    op.drop_table("goal")
    op.drop_table("dimension_summary")
