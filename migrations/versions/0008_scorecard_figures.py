"""scorecard figures: figure indicators, comparison regions, imported figures with revisions,
saved ContentsCode maps per source table, and uploads awaiting confirmation (scorecard/models.py).
The starter set of indicators is not data of this migration: `helhet init-db` adds it
(scorecard.services.install_starter_indicators), so that its texts live in one place.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comparison_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_region")),
        sa.UniqueConstraint("code", name=op.f("uq_comparison_region_code")),
    )
    op.create_table(
        "figure_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
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
        sa.Column(
            "measure",
            sa.Enum(
                "percent",
                "kroner",
                "per_1000_inhabitants",
                "scale_score",
                name="measure",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "direction",
            sa.Enum("higher", "lower", name="direction", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_indicator")),
        sa.UniqueConstraint("key", name=op.f("uq_figure_indicator_key")),
    )
    op.create_table(
        "figure_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(unit_id IS NULL AND region_id IS NOT NULL)"
            " OR (unit_id IS NOT NULL AND region_id IS NULL)",
            name=op.f("ck_figure_series_one_place"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["figure_indicator.id"],
            name=op.f("fk_figure_series_indicator_id_figure_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["comparison_region.id"],
            name=op.f("fk_figure_series_region_id_comparison_region"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_figure_series_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_series")),
        sa.UniqueConstraint(
            "indicator_id", "region_id", name=op.f("uq_figure_series_indicator_id_region_id")
        ),
        sa.UniqueConstraint(
            "indicator_id", "unit_id", name=op.f("uq_figure_series_indicator_id_unit_id")
        ),
    )
    with op.batch_alter_table("figure_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figure_series_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figure_series_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "figure_source_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_table", sa.String(length=64), nullable=False),
        sa.Column("source_code", sa.String(length=64), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["figure_indicator.id"],
            name=op.f("fk_figure_source_map_indicator_id_figure_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_source_map")),
        sa.UniqueConstraint(
            "source_table",
            "source_code",
            name=op.f("uq_figure_source_map_source_table_source_code"),
        ),
    )
    op.create_table(
        "figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("source_table", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["figure_series.id"],
            name=op.f("fk_figure_series_id_figure_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure")),
        sa.UniqueConstraint(
            "series_id", "period", "revision", name=op.f("uq_figure_series_id_period_revision")
        ),
    )
    op.create_table(
        "figure_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mappings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_figure_upload_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_figure_upload_token")),
    )
    with op.batch_alter_table("figure_upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figure_upload_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("figure_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_upload_user_id"))
    op.drop_table("figure_upload")
    op.drop_table("figure")
    op.drop_table("figure_source_map")
    with op.batch_alter_table("figure_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_series_unit_id"))
        batch_op.drop_index(batch_op.f("ix_figure_series_region_id"))
    op.drop_table("figure_series")
    op.drop_table("figure_indicator")
    op.drop_table("comparison_region")
