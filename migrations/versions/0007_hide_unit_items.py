"""hide unit items: a questionnaire can promise that units see only indicators, no item results

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # existing questionnaires keep showing items: the server default fills them with false
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hide_unit_items", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.drop_column("hide_unit_items")
