"""Periods of figures and goals, written as SSB writes them.

    Period.parse("2024")      -> 2024            a year
    Period.parse("2024K3")    -> 2024K3          a quarter (kvartal); "2024Q3" is read as 2024K3
    Period.parse("2024T2")    -> 2024T2          a tertial (the municipalities' reporting periods)
    Period.parse("2024M07")   -> 2024M07         a month; "2024M7" is read as 2024M07
    Period.parse("24")        -> None            anything else, and years outside 1900-2100

`str(period)` is the canonical text stored in the database; `period.year` the year it lies in.
Periods of one kind sort chronologically (`sort_key`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIRST_YEAR, LAST_YEAR = 1900, 2100
_PATTERN = re.compile(r"([0-9]{4})(?:([KQTM])([0-9]{1,2}))?")
_LARGEST = {"K": 4, "T": 3, "M": 12}
_ORDER = {"": 0, "T": 1, "K": 2, "M": 3}


@dataclass(frozen=True)
class Period:
    year: int
    kind: str = ""  # "" a year, "T" a tertial, "K" a quarter, "M" a month
    number: int = 0  # the tertial, quarter or month (0 for a year)

    @classmethod
    def parse(cls, text: object) -> Period | None:
        """The period `text` names, or None if it is not one (see the module docstring)."""
        if not isinstance(text, str):
            return None
        match = _PATTERN.fullmatch(text.strip().upper())
        if match is None:
            return None
        year, kind, number = int(match.group(1)), match.group(2) or "", match.group(3)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        if not kind:
            return cls(year)
        kind = "K" if kind == "Q" else kind
        if kind != "M" and len(number) != 1:
            return None
        if not 1 <= int(number) <= _LARGEST[kind]:
            return None
        return cls(year, kind, int(number))

    @property
    def is_year(self) -> bool:
        return not self.kind

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, _ORDER[self.kind], self.number)

    def __str__(self) -> str:
        if not self.kind:
            return str(self.year)
        if self.kind == "M":
            return f"{self.year}M{self.number:02d}"
        return f"{self.year}{self.kind}{self.number}"


def period_sort_key(text: str) -> tuple[int, int, int]:
    """Sort stored period texts chronologically (unparseable ones first)."""
    period = Period.parse(text)
    return period.sort_key if period else (0, 0, 0)
