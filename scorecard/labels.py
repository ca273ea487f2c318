"""Translated names of the scorecard's vocabulary (units of measure, directions, the status
symbols of a missing figure), and the words a CSV file may use for them. The dimension names are
the questionnaires' (surveys.labels.DIMENSION_LABELS): one set of four dimensions for both kinds
of indicators.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from scorecard.models import Direction, Measure
from surveys.labels import DIMENSION_LABELS
from surveys.models import Dimension

__all__ = [
    "DIMENSION_LABELS",
    "DIMENSION_WORDS",
    "DIRECTION_LABELS",
    "DIRECTION_WORDS",
    "MEASURE_LABELS",
    "MEASURE_WORDS",
    "STATUS_TEXTS",
    "status_text",
]

MEASURE_LABELS = {
    Measure.PERCENT.value: _l("Percent"),
    Measure.KRONER.value: _l("Kroner"),
    Measure.PER_1000_INHABITANTS.value: _l("Per 1,000 inhabitants"),
    Measure.SCALE_SCORE.value: _l("Score on a scale"),
}
DIRECTION_LABELS = {
    Direction.HIGHER.value: _l("Higher is better"),
    Direction.LOWER.value: _l("Lower is better"),
}

# SSB's symbols for a figure that is missing or special (the same in KOSTRA, the statbank and its
# API), and what each means. Other symbols from a file are kept as they are, without a text.
STATUS_TEXTS = {
    "..": _l("Data not available"),
    ".": _l("Cannot occur (not applicable)"),
    "...": _l("Not yet available"),
    ":": _l("Not published, to protect confidentiality"),
    "-": _l("Nil (nothing to report)"),
}


def status_text(symbol: str | None) -> str:
    """What a status symbol means, in the current language ("" when unknown or None)."""
    text = STATUS_TEXTS.get(symbol or "")
    return str(text) if text is not None else ""


# Words an indicator CSV may use (lower case; the stored value, English and Norwegian).
DIMENSION_WORDS = {
    **{d.value: d for d in Dimension},
    "økonomi": Dimension.ECONOMY,
    "okonomi": Dimension.ECONOMY,
    "tjenestekvalitet": Dimension.SERVICE,
    "tenestekvalitet": Dimension.SERVICE,
    "organisasjonskvalitet": Dimension.ORGANISATION,
    "samfunnskvalitet": Dimension.COMMUNITY,
}
MEASURE_WORDS = {
    **{m.value: m for m in Measure},
    "prosent": Measure.PERCENT,
    "%": Measure.PERCENT,
    "kr": Measure.KRONER,
    "nok": Measure.KRONER,
    "per_1000_innbyggere": Measure.PER_1000_INHABITANTS,
    "per_1000_innbyggjarar": Measure.PER_1000_INHABITANTS,
    "skala": Measure.SCALE_SCORE,
    "scale": Measure.SCALE_SCORE,
}
DIRECTION_WORDS = {
    "higher": Direction.HIGHER,
    "higher_is_better": Direction.HIGHER,
    "høyere": Direction.HIGHER,
    "hoyere": Direction.HIGHER,
    "høgare": Direction.HIGHER,
    "lower": Direction.LOWER,
    "lower_is_better": Direction.LOWER,
    "lavere": Direction.LOWER,
    "lågare": Direction.LOWER,
}
