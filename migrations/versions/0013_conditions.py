"""conditions (skip logic): a question or a section is shown only when earlier answers meet its
condition (surveys Question.condition, Section.condition; JSON, surveys/conditions.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    # nullable: existing questions and sections have no condition (always shown)
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("condition", sa.JSON(), nullable=True))
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("condition", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("condition")
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_column("condition")
