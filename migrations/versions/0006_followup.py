"""follow-up: per round and org unit, strengths to keep and areas to improve, with their actions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "followup_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("strength", "improve", name="followupkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_followup_point_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name=op.f("fk_followup_point_unit_id_org_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_point")),
    )
    with op.batch_alter_table("followup_point", schema=None) as batch_op:
        batch_op.create_index(
            "ix_followup_point_campaign_unit", ["campaign_id", "unit_id"], unique=False
        )

    op.create_table(
        "followup_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["followup_point.id"],
            name=op.f("fk_followup_action_point_id_followup_point"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_action")),
    )
    with op.batch_alter_table("followup_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_action_point_id"), ["point_id"], unique=False)


def downgrade():
    with op.batch_alter_table("followup_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_action_point_id"))
    op.drop_table("followup_action")
    with op.batch_alter_table("followup_point", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_point_campaign_unit")
    op.drop_table("followup_point")
