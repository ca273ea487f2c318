"""Which codes of a figure file can be comparison regions, and what they are called when the file
gives no label.

A region code in a file is first matched to an org unit's code (a municipality's code is its
kommunenummer, as in the demo: 4699). A code that is no org unit is kept as a comparison region
only if it has one of SSB's shapes below; any other code is refused, so that a mistyped unit code
(``4699-helse-hjemmme``) never becomes a region by accident.

    4 digits     a municipality (kommunenummer), e.g. 4601
    2 digits     a county (fylkesnummer), e.g. 46
    6 digits     a city district (bydel), e.g. 030101
    0            the whole country (Hele landet), as some statbank tables write it
    EAK          the whole country (KOSTRA)
    EAKUO        the country without Oslo (KOSTRA: Landet uten Oslo)
    EKA + 2      the municipalities of a county (KOSTRA), e.g. EKA46
    EKG + 2      a KOSTRA group, e.g. EKG13
"""

from __future__ import annotations

import re

_SHAPES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"[0-9]{4}"), "Kommune {code}"),
    (re.compile(r"[0-9]{2}"), "Fylke {code}"),
    (re.compile(r"[0-9]{6}"), "Bydel {code}"),
    (re.compile(r"0"), "Hele landet"),
    (re.compile(r"EAK"), "Landet"),
    (re.compile(r"EAKUO"), "Landet uten Oslo"),
    (re.compile(r"EKA([0-9]{2})"), "Fylke {number} (kommunene)"),
    (re.compile(r"EKG([0-9]{2})"), "KOSTRA-gruppe {number}"),
]
SHAPES_TEXT = "4601, 46, 030101, 0, EAK, EAKUO, EKA46, EKG13"


def is_region_code(code: str) -> bool:
    """Whether `code` has the shape of one of SSB's regions (see the module docstring)."""
    return any(pattern.fullmatch(code) for pattern, _ in _SHAPES)


def default_label(code: str) -> str:
    """The name a region gets when the file gives none (in Norwegian, as SSB names them)."""
    for pattern, label in _SHAPES:
        match = pattern.fullmatch(code)
        if match:
            number = match.group(1) if match.groups() else ""
            return label.format(code=code, number=number.lstrip("0") or number)
    return code
