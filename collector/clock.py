"""Time for survey rounds: stored as naive UTC, read and written by people in Europe/Oslo.

A round is open when ``opens_at <= now < closes_at``. Forms and the command line take local
dates or times; a closing *date* means "through that whole day" (the round closes at the next
midnight), an opening date means "from the start of that day".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from helhet.models import utcnow

OSLO = ZoneInfo("Europe/Oslo")

__all__ = ["OSLO", "from_local", "parse_local", "to_local", "today", "utcnow"]


def from_local(moment: datetime) -> datetime:
    """A naive Europe/Oslo time as naive UTC (for storing)."""
    return moment.replace(tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A stored naive UTC time as naive Europe/Oslo (for showing)."""
    return moment.replace(tzinfo=UTC).astimezone(OSLO).replace(tzinfo=None)


def today() -> date:
    """Today's date in Norway: the only time a response keeps."""
    return datetime.now(OSLO).date()


LOCAL_FORMATS = (
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def parse_local(text: str, end_of_day: bool = False) -> datetime:
    """Parse a local date or date and time into naive UTC.

    A date alone is the start of that day, or with `end_of_day` the start of the next day (so
    ``--closes 2026-03-31`` keeps the round open through 31 March). Raises ValueError, also for a
    time at the very ends of the calendar (0001-01-01 has no UTC time before it).
    """
    try:
        return _parse_local(text.strip(), end_of_day)
    except OverflowError:
        raise ValueError(f"out of range: {text!r}") from None


def _parse_local(text: str, end_of_day: bool) -> datetime:
    for fmt in LOCAL_FORMATS:
        try:
            return from_local(datetime.strptime(text, fmt))
        except ValueError:
            continue
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if end_of_day:
            day += timedelta(days=1)
        return from_local(datetime.combine(day, time()))
    raise ValueError(f"not a date or time: {text!r}")
