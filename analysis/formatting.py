"""Number formatting for people: decimal comma in Norwegian, as Språkrådet recommends.

    format_number(3.456, 1, "nb")        -> "3,5"
    format_number(12345.6, 0, "nn")      -> "12 346"      (no-break space between thousands)
    format_number(3.456, 1, "en")        -> "3.5"
    format_interval(2.9, 3.4, 1, "nb")   -> "2,9–3,4"
    format_percent(0.456, 0, "nb")       -> "46 %"

No dependency on the process locale (which a web server must not change per request).
Missing values (None/NaN) become the `missing` text (default an en dash).
"""

from __future__ import annotations

import math

NORWEGIAN = ("nb", "nn", "no")
NO_BREAK_SPACE = "\u00a0"
EN_DASH = "\u2013"


def _is_norwegian(locale: str) -> bool:
    return locale.split("_")[0].split("-")[0].lower() in NORWEGIAN


def format_number(value, decimals: int = 1, locale: str = "nb", missing: str = EN_DASH) -> str:
    """A number with `decimals` decimals, grouped thousands, and the locale's decimal mark."""
    if value is None:
        return missing
    value = float(value)
    if math.isnan(value):
        return missing
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    if _is_norwegian(locale):
        text = text.replace(",", NO_BREAK_SPACE).replace(".", ",")
    return text


def format_interval(
    low, high, decimals: int = 1, locale: str = "nb", missing: str = EN_DASH
) -> str:
    """An interval as "low–high" (with spaces around the dash when a bound is negative)."""
    if low is None or high is None or math.isnan(float(low)) or math.isnan(float(high)):
        return missing
    a = format_number(low, decimals, locale)
    b = format_number(high, decimals, locale)
    sep = f" {EN_DASH} " if (float(low) < 0 or float(high) < 0) else EN_DASH
    return f"{a}{sep}{b}"


def format_percent(share, decimals: int = 0, locale: str = "nb", missing: str = EN_DASH) -> str:
    """A share (0-1) as a percentage; Norwegian puts a (no-break) space before the % sign."""
    if share is None or math.isnan(float(share)):
        return missing
    number = format_number(100.0 * float(share), decimals, locale)
    return f"{number}{NO_BREAK_SPACE}%" if _is_norwegian(locale) else f"{number}%"
