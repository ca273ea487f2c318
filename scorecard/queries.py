"""Reads of the scorecard: the indicator catalogue and the imported figures.

    catalogue()                         every indicator (figure and survey) as CatalogueEntry
    catalogue_entry("sykefravaer")      one, by key; "medarbeiderundersokelse.trivsel" for a survey
    figure_indicator("sykefravaer")     the stored FigureIndicator (None for survey keys)
    figure_rows(indicator_key=..., unit_code=..., region_code=..., period=..., readable=...)
                                        current figures (or every revision: history=True) as rows
    current_figure(key, period, unit=unit)   the current revision of one figure (or None)
    figure_history(key, period, unit=unit)   every revision of one figure, oldest first
    comparison_values(key, period)      the comparison regions' current figures for a period

Survey indicators are read from the questionnaires (surveys.queries): the newest published
version of each questionnaire key, never a copy, and no survey result is ever stored here.
`readable` is helhet.access.readable_unit_ids(): None for administrators; for a leader the ids of
their subtree, and figures of other org units are left out (comparison regions are public
statistics and always included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from helhet.extensions import db
from helhet.models import OrgUnit, utcnow
from scorecard.models import (
    ComparisonRegion,
    Dimension,
    Direction,
    Figure,
    FigureIndicator,
    FigureSeries,
    FigureUpload,
    Measure,
    SourceMapping,
)
from scorecard.periods import period_sort_key
from surveys import queries as survey_queries

DIMENSION_ORDER = [
    Dimension.ECONOMY,
    Dimension.SERVICE,
    Dimension.ORGANISATION,
    Dimension.COMMUNITY,
]
UPLOAD_LIFETIME = timedelta(hours=1)


# --- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    """One indicator of the catalogue, whichever kind. Texts are {"nb": ..., "nn": ..., "en": ...}
    (pick one with helhet.i18n.localized)."""

    key: str
    kind: str  # "figure" (imported, stored here) or "survey" (from a questionnaire)
    name: dict
    description: dict
    dimension: Dimension
    measure: Measure
    direction: Direction
    decimals: int
    source: str
    id: int | None = None  # the FigureIndicator's id (figure indicators)
    questionnaire_key: str | None = None  # survey indicators
    indicator_key: str | None = None  # survey indicators: the key inside the questionnaire
    scale: tuple[int, int] | None = None  # survey indicators: the scale of their items

    @property
    def is_survey(self) -> bool:
        return self.kind == "survey"

    def as_dict(self) -> dict:
        """The entry as `helhet indicators list --format json` prints it."""
        return {
            "key": self.key,
            "kind": self.kind,
            "name": {lang: self.name.get(lang, "") for lang in ("nb", "nn", "en")},
            "dimension": self.dimension.value,
            "measure": self.measure.value,
            "direction": self.direction.value,
            "decimals": self.decimals,
            "description": {lang: self.description.get(lang, "") for lang in ("nb", "nn", "en")},
            "source": self.source,
            "questionnaire": self.questionnaire_key,
            "scale": list(self.scale) if self.scale else None,
        }


def figure_indicators() -> list[FigureIndicator]:
    return list(db.session.scalars(select(FigureIndicator).order_by(FigureIndicator.key)))


def figure_indicator(key: str) -> FigureIndicator | None:
    """The figure indicator with this key (None for a survey indicator's key or an unknown one)."""
    return db.session.scalar(select(FigureIndicator).where(FigureIndicator.key == key))


def figure_indicator_by_id(ident: int) -> FigureIndicator | None:
    return db.session.get(FigureIndicator, ident) if 1 <= ident <= 2**31 - 1 else None


def _figure_entry(indicator: FigureIndicator) -> CatalogueEntry:
    return CatalogueEntry(
        key=indicator.key,
        kind="figure",
        name=dict(indicator.name or {}),
        description=dict(indicator.description or {}),
        dimension=Dimension(indicator.dimension),
        measure=Measure(indicator.measure),
        direction=Direction(indicator.direction),
        decimals=indicator.decimals,
        source=indicator.source,
        id=indicator.id,
    )


def survey_indicators() -> list[CatalogueEntry]:
    """The indicators of the newest published version of every questionnaire, keyed
    <questionnaire key>.<indicator key>, on their items' scale."""
    newest = {}
    for questionnaire in survey_queries.all_published():  # by key, newest version first
        newest.setdefault(questionnaire.key, questionnaire)
    entries = []
    for questionnaire in newest.values():
        for indicator in survey_queries.indicators(questionnaire):
            items = survey_queries.indicator_items(indicator)
            lows = [q.scale_min for q in items if q.scale_min is not None]
            highs = [q.scale_max for q in items if q.scale_max is not None]
            entries.append(
                CatalogueEntry(
                    key=f"{questionnaire.key}.{indicator.key}",
                    kind="survey",
                    name=dict(indicator.name or {}),
                    description=dict(questionnaire.title or {}),
                    dimension=Dimension(indicator.dimension),
                    measure=Measure.SCALE_SCORE,
                    direction=Direction.HIGHER,
                    decimals=1,
                    source=f"{questionnaire.key} v{questionnaire.version}",
                    questionnaire_key=questionnaire.key,
                    indicator_key=indicator.key,
                    scale=(min(lows), max(highs)) if lows and highs else None,
                )
            )
    return entries


def catalogue() -> list[CatalogueEntry]:
    """Every indicator: by dimension (economy, service, organisation, community), figure
    indicators before survey indicators, then by key."""
    entries = [_figure_entry(i) for i in figure_indicators()] + survey_indicators()
    return sorted(
        entries, key=lambda e: (DIMENSION_ORDER.index(e.dimension), e.kind != "figure", e.key)
    )


def catalogue_entry(key: str) -> CatalogueEntry | None:
    """The indicator with this key: a figure indicator, or a survey indicator
    (<questionnaire key>.<indicator key>); None if there is none."""
    if "." not in key:
        indicator = figure_indicator(key)
        return _figure_entry(indicator) if indicator else None
    return next((e for e in survey_indicators() if e.key == key), None)


# --- regions, maps, uploads ----------------------------------------------------------------------


def comparison_regions() -> list[ComparisonRegion]:
    return list(db.session.scalars(select(ComparisonRegion).order_by(ComparisonRegion.code)))


def region_by_code(code: str) -> ComparisonRegion | None:
    return db.session.scalar(select(ComparisonRegion).where(ComparisonRegion.code == code))


def saved_mappings(source_table: str | None) -> dict[str, str | None]:
    """The saved map of a source table: ContentsCode -> indicator key (None: left out)."""
    if not source_table:
        return {}
    rows = db.session.scalars(
        select(SourceMapping)
        .where(SourceMapping.source_table == source_table)
        .options(joinedload(SourceMapping.indicator))
    )
    return {m.source_code: (m.indicator.key if m.indicator else None) for m in rows}


def upload_for(user_id: int, token: str) -> FigureUpload | None:
    """The user's own upload with this token, if it has not expired."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(FigureUpload).where(
            FigureUpload.token == token,
            FigureUpload.user_id == user_id,
            FigureUpload.created_at >= utcnow() - UPLOAD_LIFETIME,
        )
    )


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """One figure (one revision) as lists, pages and the API show it."""

    indicator: str
    unit: str | None  # the org unit's code, or None for a comparison region
    region: str | None  # the comparison region's code, or None for an org unit
    place_name: str
    period: str
    value: float | None  # None when missing; `status` then says why
    status: str | None
    revision: int
    current: bool  # the highest revision of its series and period
    source: str  # the table id, or the file's name
    source_file: str
    note: str
    decimals: int | None  # declared by the source (JSON-stat unit.decimals)
    imported_at: datetime  # UTC
    series_id: int

    def as_dict(self) -> dict:
        """The row as `helhet figures list --format json` prints it."""
        return {
            "indicator": self.indicator,
            "unit": self.unit,
            "region": self.region,
            "name": self.place_name,
            "period": self.period,
            "value": self.value,
            "status": self.status,
            "revision": self.revision,
            "source": self.source,
            "note": self.note,
            "imported_at": self.imported_at.isoformat(timespec="seconds") + "Z",
        }


def _latest_revisions():
    return (
        select(
            Figure.series_id,
            Figure.period,
            func.max(Figure.revision).label("revision"),
        )
        .group_by(Figure.series_id, Figure.period)
        .subquery()
    )


def figure_rows(
    indicator_key: str | None = None,
    unit_code: str | None = None,
    region_code: str | None = None,
    period: str | None = None,
    readable: set[int] | None = None,
    history: bool = False,
) -> list[FigureRow]:
    """Figures, filtered, sorted by indicator, place (org units, then regions) and period (each
    period's revisions oldest first). Only current revisions unless `history`. A leader's
    `readable` set leaves out other org units' figures (see the module docstring)."""
    latest = _latest_revisions()
    query = (
        select(Figure, FigureSeries, FigureIndicator, OrgUnit, ComparisonRegion, latest.c.revision)
        .join(FigureSeries, Figure.series_id == FigureSeries.id)
        .join(FigureIndicator, FigureSeries.indicator_id == FigureIndicator.id)
        .outerjoin(OrgUnit, FigureSeries.unit_id == OrgUnit.id)
        .outerjoin(ComparisonRegion, FigureSeries.region_id == ComparisonRegion.id)
        .join(
            latest,
            and_(latest.c.series_id == Figure.series_id, latest.c.period == Figure.period),
        )
    )
    if not history:
        query = query.where(Figure.revision == latest.c.revision)
    if indicator_key is not None:
        query = query.where(FigureIndicator.key == indicator_key)
    if unit_code is not None:
        query = query.where(OrgUnit.code == unit_code)
    if region_code is not None:
        query = query.where(ComparisonRegion.code == region_code)
    if period is not None:
        query = query.where(Figure.period == period)
    if readable is not None:
        query = query.where(
            (FigureSeries.region_id.is_not(None)) | (FigureSeries.unit_id.in_(readable or {-1}))
        )
    rows = []
    for figure, series, indicator, unit, region, highest in db.session.execute(query):
        rows.append(
            FigureRow(
                indicator=indicator.key,
                unit=unit.code if unit else None,
                region=region.code if region else None,
                place_name=unit.name if unit else region.label,
                period=figure.period,
                value=figure.value,
                status=figure.status,
                revision=figure.revision,
                current=figure.revision == highest,
                source=figure.source,
                source_file=figure.source_file,
                note=figure.note,
                decimals=figure.decimals,
                imported_at=figure.imported_at,
                series_id=series.id,
            )
        )
    return sorted(
        rows,
        key=lambda r: (
            r.indicator,
            r.unit is None,
            r.unit or r.region,
            period_sort_key(r.period),
            r.revision,
        ),
    )


def _series_query(indicator_key: str, unit: OrgUnit | None, region: ComparisonRegion | None):
    if (unit is None) == (region is None):
        raise ValueError("give exactly one of unit and region")
    query = (
        select(FigureSeries.id)
        .join(FigureIndicator, FigureSeries.indicator_id == FigureIndicator.id)
        .where(FigureIndicator.key == indicator_key)
    )
    if unit is not None:
        return query.where(FigureSeries.unit_id == unit.id)
    return query.where(FigureSeries.region_id == region.id)


def figure_history(
    indicator_key: str,
    period: str,
    unit: OrgUnit | None = None,
    region: ComparisonRegion | None = None,
) -> list[Figure]:
    """Every revision of one figure (an indicator at an org unit or a region, in a period),
    oldest first; [] when there is none."""
    series = _series_query(indicator_key, unit, region).scalar_subquery()
    return list(
        db.session.scalars(
            select(Figure)
            .where(Figure.series_id == series, Figure.period == period)
            .order_by(Figure.revision)
        )
    )


def current_figure(
    indicator_key: str,
    period: str,
    unit: OrgUnit | None = None,
    region: ComparisonRegion | None = None,
) -> Figure | None:
    """The current (highest) revision of one figure, or None when nothing was imported."""
    history = figure_history(indicator_key, period, unit, region)
    return history[-1] if history else None


def comparison_values(indicator_key: str, period: str) -> list[FigureRow]:
    """The comparison regions' current figures of an indicator in a period, by region code."""
    return [
        row
        for row in figure_rows(indicator_key=indicator_key, period=period)
        if row.region is not None
    ]


def current_figures(series_ids: list[int], periods: list[str]) -> dict[tuple[int, str], Figure]:
    """(series id, period) -> its current figure, for the given series and periods."""
    if not series_ids or not periods:
        return {}
    found: dict[tuple[int, str], Figure] = {}
    for start in range(0, len(series_ids), 500):  # stay below the databases' parameter limits
        chunk = series_ids[start : start + 500]
        for figure in db.session.scalars(
            select(Figure)
            .where(Figure.series_id.in_(chunk), Figure.period.in_(periods))
            .order_by(Figure.revision)
        ):
            found[(figure.series_id, figure.period)] = figure  # the highest revision wins
    return found


def series_by_place(indicator_ids: list[int]) -> dict[tuple[int, str, int], FigureSeries]:
    """(indicator id, "unit" or "region", place id) -> its series, for these indicators."""
    if not indicator_ids:
        return {}
    found = {}
    for series in db.session.scalars(
        select(FigureSeries).where(FigureSeries.indicator_id.in_(indicator_ids))
    ):
        if series.unit_id is not None:
            found[(series.indicator_id, "unit", series.unit_id)] = series
        else:
            found[(series.indicator_id, "region", series.region_id)] = series
    return found


def figure_periods(indicator_key: str | None = None) -> list[str]:
    """The periods that have figures (of one indicator, or any), oldest first."""
    query = select(Figure.period).distinct()
    if indicator_key is not None:
        query = (
            query.join(FigureSeries, Figure.series_id == FigureSeries.id)
            .join(FigureIndicator, FigureSeries.indicator_id == FigureIndicator.id)
            .where(FigureIndicator.key == indicator_key)
        )
    return sorted(db.session.scalars(query), key=period_sort_key)


def uploads_older_than(moment: datetime) -> list[FigureUpload]:
    return list(db.session.scalars(select(FigureUpload).where(FigureUpload.created_at < moment)))
