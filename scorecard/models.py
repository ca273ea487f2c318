"""The scorecard's stored nouns: figure indicators, comparison regions, imported figures with
their revisions, the saved ContentsCode maps of source tables, and uploads awaiting confirmation.

Survey indicators are not stored here: they live in the questionnaires (surveys.models.Indicator)
and scorecard.queries.catalogue() lists them beside the figure indicators, keyed
``<questionnaire key>.<indicator key>``. A figure indicator's key never holds a dot, so the two
kinds of keys cannot collide.

A figure belongs to a series (one indicator at one place: an org unit or a comparison region) and
a period. Importing the same series and period again with a different value adds a revision; the
earlier revisions stay (KOSTRA publishes unrevised figures on 15 March and revised ones on
15 June), and the highest revision is the current one. A missing value keeps its reason in
`status` (SSB's symbols: ``..``, ``.``, ``:``, ``-``; see scorecard.labels.STATUS_TEXTS).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helhet.extensions import db
from helhet.models import OrgUnit, User, utcnow
from surveys.models import Dimension

__all__ = [
    "ComparisonRegion",
    "Dimension",
    "Direction",
    "Figure",
    "FigureIndicator",
    "FigureSeries",
    "FigureUpload",
    "Measure",
    "SourceMapping",
]


class Measure(enum.StrEnum):
    """The unit of measure of an indicator's values."""

    PERCENT = "percent"
    KRONER = "kroner"
    PER_1000_INHABITANTS = "per_1000_inhabitants"
    SCALE_SCORE = "scale_score"  # a score on a scale (e.g. 1-6); survey indicators are all this


class Direction(enum.StrEnum):
    """Which way is good: a goal is achieved above (higher) or below (lower) its target."""

    HIGHER = "higher"
    LOWER = "lower"


class FigureIndicator(db.Model):
    """An indicator whose values are imported (economy, sickness absence, population...)."""

    __tablename__ = "figure_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # [a-z][a-z0-9_]*, never a dot
    name: Mapped[dict] = mapped_column(JSON, default=dict)  # {"nb": ..., "nn": ..., "en": ...}
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    dimension: Mapped[Dimension]
    measure: Mapped[Measure]
    direction: Mapped[Direction]
    decimals: Mapped[int] = mapped_column(default=1)  # how many decimals a value is shown with
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. "SSB, KOSTRA"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<FigureIndicator {self.key}>"


class ComparisonRegion(db.Model):
    """A place that is not one of our org units, kept for comparison: another municipality
    (its kommunenummer), a KOSTRA group (EKG13), a county (EKA46), the country without Oslo (EAKUO).
    """

    __tablename__ = "comparison_region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    label: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<ComparisonRegion {self.code}>"


class FigureSeries(db.Model):
    """One indicator at one place: an org unit or a comparison region (exactly one of them).

    Each of the two unique constraints holds one kind of series (a NULL never collides), so an
    indicator has at most one series per org unit and one per comparison region.
    """

    __tablename__ = "figure_series"
    __table_args__ = (
        UniqueConstraint("indicator_id", "unit_id"),
        UniqueConstraint("indicator_id", "region_id"),
        CheckConstraint(
            "(unit_id IS NULL AND region_id IS NOT NULL)"
            " OR (unit_id IS NOT NULL AND region_id IS NULL)",
            name="one_place",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("figure_indicator.id"))
    # no cascade: an org unit with figures cannot be deleted (the admin page says it is in use)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("comparison_region.id"), index=True)

    indicator: Mapped[FigureIndicator] = relationship()
    unit: Mapped[OrgUnit | None] = relationship()
    region: Mapped[ComparisonRegion | None] = relationship()

    @property
    def place_code(self) -> str:
        return self.unit.code if self.unit is not None else self.region.code

    @property
    def place_name(self) -> str:
        return self.unit.name if self.unit is not None else self.region.label


class Figure(db.Model):
    """One revision of one value: a series in a period. The highest revision is the current one.

    `value` is None when the source has no number; `status` then says why (``..``, ``:``...).
    A value may have a status too (e.g. a provisional figure). `decimals` is the precision the
    source declared (JSON-stat ``unit.decimals``), None when it did not say.
    """

    __tablename__ = "figure"
    __table_args__ = (UniqueConstraint("series_id", "period", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("figure_series.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))  # scorecard.periods: 2024, 2024T1, 2024K1...
    revision: Mapped[int] = mapped_column(default=1)
    value: Mapped[float | None]
    status: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(500), default="")
    decimals: Mapped[int | None]
    source_file: Mapped[str] = mapped_column(String(255), default="")
    source_table: Mapped[str | None] = mapped_column(String(64))  # e.g. SSB's table id 12134
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC

    series: Mapped[FigureSeries] = relationship()

    @property
    def source(self) -> str:
        """Where the figure came from, in one word: the table id if the file named one, else the
        file's name."""
        return self.source_table or self.source_file

    def __repr__(self) -> str:
        return f"<Figure series {self.series_id} {self.period} r{self.revision}>"


class SourceMapping(db.Model):
    """Which indicator a source table's ContentsCode (JSON-stat metric category) is. Saved when a
    file is imported with `--map CODE=KEY` (or the page's map), and reused for the next file from
    the same table. `indicator_id` None: the code is left out on purpose (``--map CODE=-``)."""

    __tablename__ = "figure_source_map"
    __table_args__ = (UniqueConstraint("source_table", "source_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_table: Mapped[str] = mapped_column(String(64))
    source_code: Mapped[str] = mapped_column(String(64))
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("figure_indicator.id", ondelete="CASCADE")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    indicator: Mapped[FigureIndicator | None] = relationship()


class FigureUpload(db.Model):
    """A file an administrator uploaded on the import page, kept between the preview and the
    confirmation (in the database, so that any app server can confirm it). Only the uploader can
    confirm it, by its random token; it is deleted when confirmed and forgotten after
    services.UPLOAD_LIFETIME."""

    __tablename__ = "figure_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mappings: Mapped[dict] = mapped_column(JSON, default=dict)  # {code: key or "-"}
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC

    user: Mapped[User] = relationship()
