"""grids: consecutive scale questions with the same grid key are shown as one grid (surveys
Question.grid); only presentation, answers are stored as before

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # A database upgraded while the order was 0011 -> 0014 -> 0013 is stamped 0013 and has the
    # column already; from here on it gets only what it lacks (0015 adds the contact table).
    if "grid" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("question")}:
        return
    # nullable: existing questions are shown one by one, as before
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grid", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("grid")
