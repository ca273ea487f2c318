"""Invitation letters (PDF, one letter per code) and the mail-merge file (CSV).

Codes exist in clear only while a batch is being issued: these files are the only place they are
written down. Each letter shows the code in large type and, beside it, the code's personal link
(…/k/<code>) as a QR code, drawn with segno's module matrix as vector squares (segno: pure Python,
no image library needed; its matrix is also what the tests compare with the decoded image).

Letters in nb, nn and en use fpdf2's core Helvetica (Latin-1, which covers æ, ø and
å), with text from the database made Latin-1-safe first; letters in se, uk and pl (Sami letters such
as č and ŋ, Cyrillic, Polish ł) embed DejaVu Sans, found in UNICODE_FONT_DIRS (Debian's
fonts-dejavu-core puts it in /usr/share/fonts/truetype/dejavu).
"""

from __future__ import annotations

import io
import ipaddress
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from collector import codes
from helhet import spreadsheets
from helhet.i18n import last_open, localized, open_until
from helhet.problems import HelhetError

LATIN1_LANGUAGES = ("nb", "nn", "en")
UNICODE_FONT_DIRS = (
    Path(__file__).resolve().parent / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
)
UNICODE_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class LetterFontMissing(HelhetError):
    """Letters in se, uk or pl need DejaVu Sans, which this computer lacks."""


def unicode_font_dir() -> Path | None:
    for folder in UNICODE_FONT_DIRS:
        if all((folder / name).is_file() for name in UNICODE_FONT_FILES.values()):
            return folder
    return None


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


def csv_bytes(issued: list[IssuedCode], info: LetterInfo, language: str = "nb") -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads æøå) for mail merge: one row per code. Every column is
    text; one that starts like a formula (a unit named "=HYPERLINK(...)") gets a quote in front.

    `link` is the code's personal link (…/k/<code>: it opens the survey without typing the code),
    `last_day` is the last day the round is open (31.12.2026 for a round that closes at
    midnight), `open_until` says it in `language` to follow "open" ("til og med 31.12.2026")."""
    day, _at = last_open(info.closes_at)
    last_day = day.strftime("%d.%m.%Y")
    until = open_until(info.closes_at, language)
    return spreadsheets.csv_bytes(
        [
            ["code", "unit", "unit_name", "address", "link", "last_day", "open_until"],
            *(
                [
                    codes.display(item.code),
                    item.unit_code,
                    item.unit_name,
                    info.address,
                    codes.personal_link(info.address, item.code),
                    last_day,
                    until,
                ]
                for item in issued
            ),
        ]
    )


def pdf_bytes(issued: list[IssuedCode], info: LetterInfo, language: str = "nb") -> bytes:
    """A4 PDF, one letter per code, in `language` (nb, nn, en, se, uk or pl).

    Raises LetterFontMissing for se, uk or pl when DejaVu Sans is not installed."""
    if language in LATIN1_LANGUAGES:
        family, clean = "Helvetica", latin1
    else:
        folder = unicode_font_dir()
        if folder is None:
            raise LetterFontMissing(
                _(
                    "Letters in this language need the font DejaVu Sans (on Debian and Ubuntu:"
                    " apt install fonts-dejavu-core)."
                ),
                "language",
            )
        family, clean = "DejaVu", (lambda text: text)
    with force_locale(language):
        texts = {
            "heading": _("Invitation to answer a survey"),
            "how": _("Go to this address on a phone, tablet or computer:"),
            "code_label": _("and enter your personal code:"),
            "deadline": _("The survey is open %(until)s.", until=open_until(info.closes_at)),
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
            "scan": _("Or scan this with the camera of your phone:"),
        }
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 25, 25)
    if family == "DejaVu":
        for style, name in UNICODE_FONT_FILES.items():
            pdf.add_font(family, style, str(folder / name))
    pdf.set_title(clean(texts["heading"]))
    pdf.set_creator("Helhet")
    for item in issued:
        pdf.add_page()
        pdf.set_font(family, "", 11)
        pdf.cell(0, 6, clean(info.sender), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(18)
        pdf.set_font(family, "B", 18)
        pdf.multi_cell(0, 9, clean(texts["heading"]), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(4)
        pdf.set_font(family, "", 12)
        with force_locale(language):
            intro = _(
                "You are invited to answer the survey «%(title)s» for %(unit)s.",
                title=localized(info.title, language),
                unit=item.unit_name,
            )
        pdf.multi_cell(0, 6.5, clean(intro), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(6)
        pdf.multi_cell(0, 6.5, clean(texts["how"]), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)
        pdf.set_font(family, "B", 16)
        pdf.multi_cell(0, 9, clean(info.address), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)
        pdf.set_font(family, "", 12)
        pdf.multi_cell(0, 6.5, clean(texts["code_label"]), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(3)
        top = pdf.get_y()
        pdf.set_font("Courier", "B", 26)
        pdf.set_line_width(0.6)
        pdf.cell(
            CODE_BOX_WIDTH,
            18,
            codes.display(item.code),
            border=1,
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(family, "", 9)
        pdf.set_xy(pdf.l_margin + CODE_BOX_WIDTH + 6, top - 5)
        pdf.multi_cell(QR_SIZE, 4, clean(texts["scan"]), align="L")
        draw_qr(
            pdf,
            codes.personal_link(info.address, item.code),
            pdf.l_margin + CODE_BOX_WIDTH + 6,
            top + 4,
        )
        pdf.set_xy(pdf.l_margin, max(top + 18, top + 4 + QR_SIZE) + 6)
        pdf.set_font(family, "", 12)
        for key in ("deadline", "anonymous", "languages", "keep"):
            pdf.multi_cell(0, 6.5, clean(texts[key]), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(3)
        pdf.set_y(-25)
        pdf.set_font(family, "", 9)
        pdf.cell(
            0,
            5,
            clean(f"{item.unit_name} ({item.unit_code})"),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    return bytes(pdf.output())


CODE_BOX_WIDTH = 110  # mm; the QR code of the personal link stands to its right
QR_SIZE = 34  # mm, quiet zone included: about 0.9 mm per module for a link of ~40 characters


def qr_matrix(link: str) -> tuple:
    """The QR code of a personal link as rows of 0/1 modules (segno, error correction M: a
    printed letter may be folded or smudged)."""
    return segno.make(link, error="m", micro=False).matrix


def draw_qr(pdf: FPDF, link: str, x: float, y: float) -> None:
    """Draw the link's QR code as black squares (vector: sharp at any printer resolution), with
    the quiet zone of 4 modules that scanners need around it."""
    matrix = qr_matrix(link)
    quiet = 4
    module = QR_SIZE / (len(matrix) + 2 * quiet)
    pdf.set_fill_color(0, 0, 0)
    for row_number, row in enumerate(matrix):
        start = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:  # one rectangle per run of dark modules
                pdf.rect(
                    x + (quiet + start) * module,
                    y + (quiet + row_number) * module,
                    (column - start) * module,
                    module,
                    style="F",
                )
                start = None


def zip_bytes(issued: list[IssuedCode], info: LetterInfo, language: str, stem: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.csv", csv_bytes(issued, info, language))
        archive.writestr(f"{stem}.pdf", pdf_bytes(issued, info, language))
    return out.getvalue()
