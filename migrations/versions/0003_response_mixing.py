"""responses are mixed in shuffled batches; open-link answers can be held for review

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00

Existing responses count as released (mixed), as paper answers are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RESPONSE_STATE = sa.Enum(
    "received", "released", "held", name="responsestate", native_enum=False, length=20
)
HOLD_REASON = sa.Enum(
    "over_population", "burst", name="holdreason", native_enum=False, length=20
)


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", RESPONSE_STATE, nullable=False, server_default="released")
        )
        batch_op.add_column(sa.Column("held_reason", HOLD_REASON, nullable=True))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)
        batch_op.create_index(
            "ix_response_campaign_unit_state", ["campaign_id", "unit_id", "state"], unique=False
        )


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_campaign_unit_state")
        batch_op.drop_column("held_reason")
        batch_op.drop_column("state")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("sealed_at")
