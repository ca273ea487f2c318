"""A round's PDF report for one unit, in the reader's language (nb, nn or en).

    report_pdf(campaign, unit, reader, "nb") -> bytes

A cover (round, questionnaire, unit, period, responses and response rate, "preliminary" while the
round is open), the summary table (every indicator beside the parent and the municipality where
the reader may read them), each indicator's charts as PNG (the answers per question and the units
below), and a note on method. Every number comes from results/pages.py (`summary`,
`indicator_page`), that is from `services.round_results` for the units the reader may see: the
report shows what the pages show, and a suppressed cell says so in words and carries no number.
Access is the caller's: the route loads the round and unit as the summary page does, the command
reads as an administrator.

The PDF uses fpdf2's core Helvetica, as the letters do (collector/letters.py): Latin-1 covers æ, ø
and å, and text from the database is made Latin-1-safe first.
"""

from __future__ import annotations

import io

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FontFace

from analysis.formatting import format_interval, format_percent
from collector.clock import utcnow
from collector.letters import latin1
from collector.models import Campaign
from helhet.i18n import local_date, local_time, localized
from helhet.models import OrgUnit
from results import pages
from results.pdf import GREY, WIDTH, Document
from results.services import Cell

HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230), size_pt=7)


def chart_texts(unit: OrgUnit) -> dict:
    """The translated chart labels `pages.indicator_page` takes (the page's and the report's)."""
    return {
        "title_items": _("Answers per question"),
        "description_items": _(
            "Diverging bars: the share of each answer per question, the low answers to the"
            " left and the high answers to the right. The numbers are in the table below."
        ),
        "axis_items": "",  # the legend sits where the axis label would
        "title_children": _("The units below, side by side"),
        "description_children": _(
            "Dots with intervals: the score (0–100) of each unit below, highest first."
            " The numbers are in the table below."
        ),
        "axis_children": _("Score (0–100)"),
        "missing": _("Too few answers"),
        "complementary": _("Hidden to protect another unit with few answers"),
        "reference": unit.name,
    }


def items_hidden_text() -> str:
    """What the drill-down and the report say where the questionnaire shows units no items."""
    return _(
        "This survey promises that results per question are not shown for units: only the"
        " indicators are. The results per question are shown for sectors and the whole"
        " municipality."
    )


def report_pdf(campaign: Campaign, unit: OrgUnit, reader: pages.Reader, language: str) -> bytes:
    """The report of `unit` (in the round's tree, readable by `reader`) in `language`."""
    with force_locale(language):
        summary = pages.summary(campaign, unit, reader)
        drills = [
            pages.indicator_page(campaign, unit, row.key, reader, language, chart_texts(unit))
            for row in summary.rows
        ]
        return _Report(
            summary, [d for d in drills if d is not None], language, reader.is_admin
        ).render()


class _Report(Document):
    """Lays the report out; call within `force_locale(language)`."""

    def __init__(
        self,
        summary: pages.Summary,
        drills: list[pages.IndicatorPage],
        language: str,
        is_admin: bool,
    ):
        super().__init__(
            f"{summary.unit.name} - {summary.campaign.name}",
            _("Results report") + ": " + summary.unit.name,
            language,
        )
        self.s = summary
        self.is_admin = is_admin
        self.drills = drills

    # --- formatting ------------------------------------------------------------------------------

    def too_few(self, reason: str | None = None) -> str:
        """What a hidden cell says instead of a number (as the pages say it)."""
        if reason == "complementary":
            return _("Hidden to protect another unit with few answers")
        return _("Too few answers to show a result (under %(n)s)", n=self.s.min_group)

    def score(self, cell: Cell | None) -> str:
        if cell is None:
            return "–"
        if cell.suppressed:
            return self.too_few(cell.reason)
        return self.number(cell.score_0_100, 0)

    # --- drawing ---------------------------------------------------------------------------------

    def render(self) -> bytes:
        self.cover()
        self.table()
        for drill in self.drills:
            if not (drill.items_hidden and drill.children_chart is None):  # nothing to draw
                self.charts(drill)
        self.method()
        return bytes(self.pdf.output())

    def cover(self) -> None:
        s, pdf = self.s, self.pdf
        pdf.add_page()
        pdf.set_text_color(*GREY)
        self.text(_("Results report"), 11)
        pdf.set_text_color(0)
        pdf.ln(20)
        self.text(s.unit.name, 26, "B", 12)
        pdf.ln(4)
        self.text(s.campaign.name, 15, "", 8)
        self.text(localized(s.campaign.questionnaire.title), 13, "", 7)
        pdf.ln(10)
        if s.result.suppressed:
            responses = rate = self.too_few(s.result.reason)
        else:
            responses = self.number(s.result.respondents, 0)
            rate = (
                _("Unknown (no headcount)")
                if s.result.response_rate is None
                else format_percent(s.result.response_rate, 0, self.language)
            )
        facts = [
            (_("Unit"), f"{s.unit.name} ({s.unit.code})"),
            (
                _("Period"),
                _(
                    "%(start)s to %(end)s",
                    start=local_date(s.campaign.opens_at),
                    end=local_date(s.campaign.closes_at),
                ),
            ),
            (_("Responses"), responses),
            (_("Response rate"), rate),
        ]
        for label, value in facts:
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(40, 7, latin1(label))
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 7, latin1(value), new_x="LMARGIN", new_y="NEXT")
        if s.preliminary:
            pdf.ln(8)
            self.text(_("Preliminary results"), 13, "B", 7)
            sentence = _("the round is still open, so the numbers can still change.")
            self.text(sentence[:1].upper() + sentence[1:], 11)
        pdf.ln(12)
        pdf.set_text_color(*GREY)
        self.text(_("Made %(time)s.", time=local_time(utcnow())), 9)
        pdf.set_text_color(0)

    def table(self) -> None:
        s, pdf = self.s, self.pdf
        pdf.add_page()
        self.heading(_("Indicators"))
        if s.parent and s.top:
            compared = _(
                "Compared with %(parent)s (the level above) and %(top)s (the whole municipality).",
                parent=s.parent.name,
                top=s.top.name,
            )
        elif s.parent:
            compared = _("Compared with %(parent)s (the level above).", parent=s.parent.name)
        elif self.is_admin:
            compared = ""  # the top of the round: there is nothing above to compare with
        else:
            compared = _(
                "Not compared with other units: you may read the results of your own part of the"
                " organisation only."
            )
        if s.previous:
            compared += " " + _(
                "The change is since %(round)s; it is marked as a change only where it is larger"
                " than chance can explain (Holm-corrected over this page).",
                round=s.previous.name,
            )
        if compared.strip():
            self.text(compared.strip(), 10)
            pdf.ln(3)
        header = [
            _("Indicator"),
            _("Answers"),
            _("Mean"),
            _("Score (0–100)"),
            _("95 %% interval") % {},
            _("Favourable"),
        ]
        widths = [24, 15, 21, 15, 22, 19]
        if s.previous:
            header.append(_("Change (points)"))
            widths.append(18)
        if s.parent:
            header.append(s.parent.name)
            widths.append(20)
        if s.top:
            header.append(s.top.name)
            widths.append(20)
        widths[0] += WIDTH - sum(widths)
        pdf.set_font("Helvetica", "", 8)
        with pdf.table(
            col_widths=widths,
            width=WIDTH,
            headings_style=HEADING,
            line_height=4.5,
            text_align=["LEFT"] + ["RIGHT"] * (len(widths) - 1),
            padding=1.2,
        ) as table:
            # "95 %": a no-break space (Latin-1 has it), so the header does not break after 95
            table.row([latin1(h).replace("95 %", "95\xa0%") for h in header])
            for row in s.rows:
                line = table.row()
                line.cell(latin1(localized(row.name) or row.key))
                c = row.cell
                if c.suppressed:
                    line.cell(latin1(self.too_few(c.reason)), colspan=5, align="LEFT")
                else:
                    line.cell(self.number(c.n, 0))
                    line.cell(self.number(c.estimate, 2))
                    line.cell(self.number(c.score_0_100, 0))
                    line.cell(
                        latin1(format_interval(c.score_ci_low, c.score_ci_high, 0, self.language))
                    )
                    line.cell(latin1(format_percent(c.favourable_share, 0, self.language)))
                if s.previous:
                    line.cell(latin1(self.change(row.change)))
                if s.parent:
                    line.cell(latin1(self.score(row.parent)))
                if s.top:
                    line.cell(latin1(self.score(row.top)))
        pdf.ln(3)
        pdf.set_text_color(*GREY)
        self.text(
            _(
                "Answers: valid answers. Mean: on the question's scale. Score: the mean rescaled"
                " to 0–100. Favourable: the share at or above the indicator's favourable level."
            ),
            8.5,
            height=4.5,
        )
        pdf.set_text_color(0)
        if any(drill.items_hidden for drill in self.drills):
            pdf.ln(3)
            self.text(items_hidden_text(), 10)

    def change(self, change: pages.Change | None) -> str:
        if change is None:
            return "–"
        difference = ("+" if change.points > 0 else "") + str(change.points)  # as on the page
        if change.significant:
            return f"{difference} ({_('change')})"
        return f"{difference} {_('(no clear change)')}"

    def charts(self, drill: pages.IndicatorPage) -> None:
        pdf = self.pdf
        pdf.add_page()
        self.heading(localized(drill.name) or drill.key)
        for chart in (drill.distribution_chart, drill.children_chart):
            if chart is None:
                continue
            pdf.image(io.BytesIO(chart.png), w=WIDTH)
            pdf.ln(4)
        if drill.distribution_chart is None and not drill.items_hidden:  # hidden: said once
            self.text(self.too_few(drill.cell.reason), 10)
        for item in drill.items:  # who a conditional question was asked of, under the chart
            if item.asked_only:
                asked = _(
                    "Asked only when %(condition)s; its answers count only those it was asked of.",
                    condition=item.asked_only,
                )
                self.text(f"{localized(item.text) or item.key}: {asked}", 9)

    def method(self) -> None:
        self.pdf.add_page()
        self.heading(_("About the numbers"))
        paragraphs = [
            _(
                "Each indicator is shown as a score from 0 to 100 (the mean on the question's"
                " scale, rescaled), with a 95 %% interval: the true value lies within it with 95"
                " %% certainty. Results with fewer than %(n)s answers are not shown, nor results"
                " that could be worked out from the others.",
                n=self.s.min_group,
            ),
            _(
                "The interval shows how uncertain a result is: a unit where few answered gets a"
                " wide interval. Two units whose intervals overlap much may not differ at all."
            ),
            _(
                "A change since the previous round is marked only where it is larger than chance"
                " can explain after Holm correction for the number of indicators compared;"
                " smaller differences are shown as no clear change."
            ),
            _(
                "To protect anonymity, a result with fewer than %(n)s answers is hidden, and so"
                " is any result that would let someone work out a hidden one by subtracting"
                " (complementary suppression). A hidden result says so in words and has no"
                " number, in this report, on the pages and in the downloads.",
                n=self.s.min_group,
            ),
        ]
        for paragraph in paragraphs:
            self.text(paragraph, 10.5)
            self.pdf.ln(3)
