"""tallies and the results cache: the sufficient statistics of released answers
(collector/tallies.py), a partial index on the responses that wait to be mixed, and computed
results kept per round (results/cache.py). `helhet init-db` fills the tallies of rounds stored
before this revision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _keys(table: str) -> list:
    return [
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f(f"fk_{table}_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f(f"fk_{table}_unit_id_org_unit")
        ),
    ]


def upgrade():
    op.create_table(
        "tally_unit",
        *_keys("tally_unit"),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "unit_id", name=op.f("pk_tally_unit")),
    )
    op.create_table(
        "tally_item",
        *_keys("tally_item"),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("dont_know", sa.Boolean(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "campaign_id",
            "unit_id",
            "question_key",
            "dont_know",
            "value",
            name=op.f("pk_tally_item"),
        ),
    )
    op.create_table(
        "tally_score",
        *_keys("tally_score"),
        sa.Column("indicator_key", sa.String(length=64), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "campaign_id",
            "unit_id",
            "indicator_key",
            "answered",
            "total",
            name=op.f("pk_tally_score"),
        ),
    )
    op.create_table(
        "result_cache",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_result_cache_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "fingerprint", "name", name=op.f("pk_result_cache")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(
            "ix_response_received",
            ["campaign_id"],
            unique=False,
            postgresql_where=sa.text("state = 'received'"),
            sqlite_where=sa.text("state = 'received'"),
        )


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_response_received",
            postgresql_where=sa.text("state = 'received'"),
            sqlite_where=sa.text("state = 'received'"),
        )
    op.drop_table("result_cache")
    op.drop_table("tally_score")
    op.drop_table("tally_item")
    op.drop_table("tally_unit")
