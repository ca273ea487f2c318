"""Invitation letters (PDF, one letter per code) and the mail-merge file (CSV).

Codes exist in clear only while a batch is being issued: these files are the only place they are
written down. The PDF uses fpdf2's core Helvetica (Latin-1, which covers æ, ø and å); text from the
database is made Latin-1-safe first.
"""

from __future__ import annotations

import io
import ipaddress
import zipfile
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from collector import codes
from collector.clock import to_local
from helhet import spreadsheets
from helhet.i18n import local_time, localized

TYPOGRAPHY = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u2212": "-",
        "\u2003": " ",
    }
)


def latin1(text: str) -> str:
    return text.translate(TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class LetterInfo:
    """What a letter says besides the code."""

    sender: str  # the municipality's name
    title: dict  # the questionnaire's title per language
    address: str  # where to answer, e.g. https://helhet.kommune.no/svar
    closes_at: datetime  # naive UTC


@dataclass(frozen=True)
class IssuedCode:
    code: str  # normalised
    unit_code: str
    unit_name: str


def only_this_computer(address: str) -> bool:
    """True if `address` names this computer (127.0.0.0/8, ::1, localhost, 0.0.0.0): no respondent
    could open it from a letter."""
    host = (
        (urlsplit(address if "://" in address else "//" + address).hostname or "")
        .rstrip(".")
        .lower()
    )
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return (
        ip.is_loopback
        or ip.is_unspecified
        or bool(mapped and (mapped.is_loopback or mapped.is_unspecified))
    )


def info_for(campaign, address: str) -> LetterInfo:
    """What the letters of a round say: sender (the municipality at the top of the round's first
    unit), the questionnaire's title, the answering address and the closing time."""
    root = campaign.units[0].unit if campaign.units else None
    while root is not None and root.parent is not None:
        root = root.parent
    return LetterInfo(
        sender=root.name if root else "",
        title=dict(campaign.questionnaire.title or {}),
        address=address,
        closes_at=campaign.closes_at,
    )


def csv_bytes(issued: list[IssuedCode], info: LetterInfo) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads æøå) for mail merge: one row per code. Every column is
    text; one that starts like a formula (a unit named "=HYPERLINK(...)") gets a quote in front."""
    closes = to_local(info.closes_at).strftime("%Y-%m-%d %H:%M")
    return spreadsheets.csv_bytes(
        [
            ["code", "unit", "unit_name", "address", "closes"],
            *(
                [codes.display(item.code), item.unit_code, item.unit_name, info.address, closes]
                for item in issued
            ),
        ]
    )


def pdf_bytes(issued: list[IssuedCode], info: LetterInfo, language: str = "nb") -> bytes:
    """A4 PDF, one letter per code, in `language` (nb, nn or en)."""
    with force_locale(language):
        texts = {
            "heading": _("Invitation to answer a survey"),
            "how": _("Go to this address on a phone, tablet or computer:"),
            "code_label": _("and enter your personal code:"),
            "deadline": _("The survey is open until %(date)s.", date=local_time(info.closes_at)),
            "anonymous": _(
                "Your answers are anonymous. The code only makes sure that each person answers"
                " once: it is never stored together with your answers, and nobody can see what you"
                " answered."
            ),
            "languages": _(
                "You can answer in bokmål, nynorsk or English, and you can stop and continue later"
                " with the same code."
            ),
            "keep": _("Keep this letter until you have answered. The code can be used once."),
        }
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 25, 25)
    pdf.set_title(latin1(texts["heading"]))
    pdf.set_creator("Helhet")
    for item in issued:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 6, latin1(info.sender), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(18)
        pdf.set_font("Helvetica", "B", 18)
        pdf.multi_cell(0, 9, latin1(texts["heading"]), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(4)
        pdf.set_font("Helvetica", "", 12)
        with force_locale(language):
            intro = _(
                "You are invited to answer the survey «%(title)s» for %(unit)s.",
                title=localized(info.title, language),
                unit=item.unit_name,
            )
        pdf.multi_cell(0, 6.5, latin1(intro), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(6)
        pdf.multi_cell(0, 6.5, latin1(texts["how"]), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, latin1(info.address), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(
            0, 6.5, latin1(texts["code_label"]), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        pdf.ln(3)
        pdf.set_font("Courier", "B", 30)
        pdf.set_line_width(0.6)
        pdf.cell(
            0, 18, codes.display(item.code), border=1, align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(8)
        pdf.set_font("Helvetica", "", 12)
        for key in ("deadline", "anonymous", "languages", "keep"):
            pdf.multi_cell(0, 6.5, latin1(texts[key]), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(3)
        pdf.set_y(-25)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(
            0,
            5,
            latin1(f"{item.unit_name} ({item.unit_code})"),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    return bytes(pdf.output())


def zip_bytes(issued: list[IssuedCode], info: LetterInfo, language: str, stem: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.csv", csv_bytes(issued, info))
        archive.writestr(f"{stem}.pdf", pdf_bytes(issued, info, language))
    return out.getvalue()
