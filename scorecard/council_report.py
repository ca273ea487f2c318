"""The council report of a period (PDF, fpdf2, as results/report.py): the scorecard of an org unit
and the units below it, by dimension, with the chief executive's summaries, every goal's value,
interval, target, status (in words, beside its colour) and trend, and for each goal not achieved
or uncertain the responsible leader's explanation and the measures planned; the measures of last
period's goals say whether they were carried out.

    council_pdf("2026", unit, readable, "nb", public=False) -> bytes

Every number comes from scorecard.card (the one results service for survey results, so a
suppressed result has no number here either, only the reason in words). Access is the caller's:
the route passes the reader's `readable` units. Helvetica and Latin-1, as the other PDFs.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FontFace

from analysis.formatting import format_interval
from collector.clock import utcnow
from collector.letters import latin1
from helhet.i18n import local_time
from helhet.models import OrgUnit
from results.pdf import GREY, WIDTH, Document
from scorecard import card as scorecard_card
from scorecard.card import CardRow
from scorecard.card_pages import card_view
from scorecard.evaluation import Status
from scorecard.goal_labels import MEASURE_LABELS, TREND_LABELS, status_label

HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230), size_pt=7.5)
# light fills with dark text: the status is always written out, the colour only helps
STATUS_FILLS = {
    Status.ACHIEVED.value: (214, 238, 220),
    Status.UNCERTAIN.value: (255, 241, 201),
    Status.NOT_ACHIEVED.value: (248, 215, 219),
    Status.NO_DATA.value: (232, 234, 238),
}


def council_pdf(
    period: str, unit: OrgUnit, readable: set[int] | None, language: str, public: bool = False
) -> bytes:
    with force_locale(language):
        view = card_view(period, unit, readable, below=True)
        return _Report(view, language, public).render()


class _Report(Document):
    def __init__(self, view, language: str, public: bool):
        title = _("Scorecard %(period)s", period=view.period)
        super().__init__(f"{view.unit.name} - {title}", f"{title}: {view.unit.name}", language)
        self.view = view
        self.public = public

    def render(self) -> bytes:
        self.cover()
        for column in self.view.columns:
            self.dimension(column)
        self.method()
        return bytes(self.pdf.output())

    def cover(self) -> None:
        pdf, view = self.pdf, self.view
        pdf.add_page()
        pdf.set_text_color(*GREY)
        self.text(_("Council report"), 11)
        pdf.set_text_color(0)
        pdf.ln(18)
        self.text(view.unit.name, 26, "B", 12)
        pdf.ln(3)
        self.text(_("Scorecard %(period)s", period=view.period), 16, "", 8)
        pdf.ln(8)
        rows = view.rows
        self.text(
            _(
                "%(goals)s goals on the four dimensions: %(achieved)s achieved, %(uncertain)s"
                " uncertain or close to the target, %(missed)s not achieved, %(none)s without"
                " data.",
                goals=len(rows),
                achieved=view.counts["achieved"],
                uncertain=view.counts["uncertain"],
                missed=view.counts["not_achieved"],
                none=view.counts["no_data"],
            ),
            11,
        )
        pdf.ln(10)
        pdf.set_text_color(*GREY)
        self.text(_("Made %(time)s.", time=local_time(utcnow())), 9)
        pdf.set_text_color(0)

    def dimension(self, column) -> None:
        pdf = self.pdf
        pdf.add_page()
        self.heading(column.label)
        if column.summary is not None:
            self.text(_("The chief executive's summary"), 11, "B")
            self.text(column.summary.text, 10.5)
            pdf.ln(4)
        if not column.rows:
            self.text(_("No goals on this dimension."), 10.5)
            return
        self.table(column.rows)
        followed = [row for row in column.rows if row.needs_followup or row.previous_measures]
        for row in followed:
            self.followup(row)

    def table(self, rows: list[CardRow]) -> None:
        pdf = self.pdf
        header = [
            _("Goal"),
            _("Unit"),
            _("Value"),
            _("95 %% interval") % {},
            _("Target"),
            _("Status"),
            _("Trend"),
        ]
        widths = [38, 27, 17, 22, 15, 26, 25]
        widths[0] += WIDTH - sum(widths)
        pdf.set_font("Helvetica", "", 8)
        with pdf.table(
            col_widths=widths,
            width=WIDTH,
            headings_style=HEADING,
            line_height=4.5,
            text_align=["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT"],
            padding=1.2,
        ) as table:
            table.row([latin1(h).replace("95 %", "95\xa0%") for h in header])
            for row in rows:
                line = table.row()
                line.cell(latin1(row.indicator_name))
                line.cell(latin1(row.unit_name))
                line.cell(self.number(row.value, row.decimals) if row.value is not None else "-")
                line.cell(
                    latin1(format_interval(row.ci_low, row.ci_high, row.decimals, self.language))
                    if row.ci_low is not None
                    else "-"
                )
                line.cell(
                    self.number(
                        row.target, scorecard_card.target_decimals(row.target, row.decimals)
                    )
                )
                line.cell(
                    latin1(status_label(row.status.value, row.kind)),
                    style=FontFace(fill_color=STATUS_FILLS[row.status.value]),
                )
                line.cell(latin1(self.trend(row)))
        pdf.ln(2)

    def trend(self, row: CardRow) -> str:
        if row.trend is None:
            return "-"
        words = str(TREND_LABELS[row.trend.value])
        if row.change is not None and row.trend.value != "unchanged":
            sign = "+" if row.change > 0 else ""
            words += f" ({sign}{self.number(row.change, row.decimals)})"
        return words

    def followup(self, row: CardRow) -> None:
        pdf = self.pdf
        pdf.ln(3)
        self.text(
            f"{row.indicator_name}, {row.unit_name}: {status_label(row.status.value, row.kind)}",
            11,
            "B",
        )
        self.text(row.explanation, 9.5, height=5)
        if row.needs_followup:
            if row.leader_explanation:
                self.text(_("Explanation") + ": " + row.leader_explanation, 10)
            else:
                self.text(_("No explanation has been written yet."), 10, "I")
            if row.measures:
                self.text(_("Measures planned:"), 10, "B")
                for measure in row.measures:
                    self.text(self.measure_line(measure), 10)
            else:
                self.text(_("No measures have been planned yet."), 10, "I")
        if row.previous_measures:
            self.text(_("Last period's measures:"), 10, "B")
            for measure in row.previous_measures:
                self.text(self.measure_line(measure), 10)
        pdf.ln(1)

    def measure_line(self, measure) -> str:
        state = str(MEASURE_LABELS[measure.status.value])
        if measure.done_on:
            state += " " + measure.done_on.strftime("%d.%m.%Y")
        return "- " + _(
            "%(text)s (responsible: %(who)s, by %(deadline)s): %(state)s",
            text=measure.text,
            who=measure.responsible,
            deadline=measure.deadline.strftime("%d.%m.%Y"),
            state=state,
        )

    def method(self) -> None:
        self.pdf.add_page()
        self.heading(_("About the evaluation"))
        for paragraph in method_paragraphs():
            self.text(paragraph, 10.5)
            self.pdf.ln(3)


def method_paragraphs() -> list[str]:
    """How goals are evaluated, in words (the report and the scorecard page say the same)."""
    return [
        _(
            "Survey results are compared with their target through the 95 %% interval, not the"
            " point alone: a goal is achieved when the whole interval is on the good side of the"
            " target, not achieved when the whole interval is on the bad side, and uncertain when"
            " the target lies inside the interval."
        )
        % {},
        _(
            "Figures (economy, sickness absence, population) have no sampling error: a figure on"
            " the good side of its target is achieved; one on the bad side but within the"
            " tolerance band is close to the target; one beyond the band is not achieved."
        ),
        _(
            "A survey result is the latest closed round of the period that covers the unit."
            " Results with too few answers are hidden to protect the respondents, and then have"
            " no number here either: the goal has no data."
        ),
        _(
            "The trend compares the value with the previous period. A change in a survey result"
            " is called better or worse only when it is larger than chance can explain after Holm"
            " correction over the whole scorecard; a figure's change is its real change."
        ),
    ]
