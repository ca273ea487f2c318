"""What Helhet's PDF reports share (results/report.py and scorecard/council_report.py): A4 pages
with the document's label and the page number at the foot, a paragraph and a heading in fpdf2's
core Helvetica, with text made Latin-1-safe first (as the letters, collector/letters.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF

from analysis.formatting import format_number
from collector.letters import latin1

WIDTH = 170  # mm between the margins of an A4 page
GREY = (90, 90, 90)


class Pages(FPDF):
    """A4 pages with `label` and the page number at the foot."""

    def __init__(self, label: str):
        super().__init__(format="A4", unit="mm")
        self.label = latin1(label)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*GREY)
        self.cell(WIDTH - 35, 5, self.label)
        page = _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}")
        self.cell(35, 5, latin1(page), align="R")
        self.set_text_color(0)


class Document:
    """A report's PDF in `language`: `self.pdf` to draw on; `render` gives the bytes. Make and
    draw it within `force_locale(language)`."""

    def __init__(self, label: str, title: str, language: str):
        self.language = language
        self.pdf = Pages(label)
        self.pdf.set_margins(20, 20, 20)
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_title(latin1(title))
        self.pdf.set_creator("Helhet")
        self.pdf.set_lang(language)

    def number(self, value, decimals: int = 1) -> str:
        return format_number(value, decimals, self.language)

    def text(self, text: str, size: float = 10.5, style: str = "", height: float = 5.5) -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, text: str, size: float = 15) -> None:
        self.pdf.ln(2)
        self.text(text, size, "B", size * 0.5)
        self.pdf.ln(2)
