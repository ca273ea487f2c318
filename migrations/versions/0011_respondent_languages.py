"""respondent languages: a round can require languages (collector Campaign.required_languages),
and a questionnaire can say which of its languages are unchecked machine-assisted translations
(surveys Questionnaire.unchecked_translations)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 13:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # both nullable: existing rounds require no language, existing questionnaires are checked
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_languages", sa.JSON(), nullable=True))
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unchecked_translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.drop_column("unchecked_translations")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("required_languages")
