"""The scorecard pages: the four dimensions side by side for an org unit, with drill-down, filters,
the council report (PDF), the chief executive's summaries, and the public scorecard of the
periods the administrator has published.

    /styringskort?periode=2026&enhet=CODE&dimensjon=economy&under=1     leaders and administrators
    /styringskort/rapport.pdf?periode=2026&enhet=CODE                    the council report
    /styringskort/<period>/sammendrag/<dimension>                        the chief executive's text
    /styringskort/publisering                                            publish a period (admins)
    /offentlig/styringskort[/<period>[?enhet=CODE][/mal/<id>|/rapport.pdf]]   anyone, read-only

Leaders read their own subtree (the units above them are not shown); administrators and the
public read the whole municipality. Every number comes from scorecard.card (the one results
service for survey results, with its suppression; the current figure revisions), so the public
pages hide exactly what the leaders' pages hide. A period that is not published is a 404 on the
public pages, as one that has no goals.
"""

from __future__ import annotations

import base64
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.formatting import format_interval, format_number
from collector import clock
from helhet import queries as core_queries
from helhet.access import admin_only, public, readable_unit_ids, staff_only
from helhet.extensions import db
from helhet.i18n import current_language
from helhet.models import OrgUnit
from helhet.problems import attach, status
from scorecard import bp, goal_queries, goal_services
from scorecard import card as scorecard_card
from scorecard.card_pages import card_view, goal_chart, goal_history, top_units
from scorecard.council_report import council_pdf, method_paragraphs
from scorecard.goal_forms import CommentForm, ConfirmForm, PublishForm, SummaryForm
from scorecard.goal_labels import (
    MEASURE_LABELS,
    STATE_LABELS,
    STATUS_ICONS,
    STATUS_LABELS,
    STATUS_ORDER,
    TREND_LABELS,
    is_chief_executive,
    may_write_summaries,
    status_label,
)
from scorecard.goal_models import GoalState
from scorecard.goal_services import GoalError
from scorecard.labels import DIMENSION_LABELS
from scorecard.models import Dimension
from scorecard.periods import Period
from scorecard.queries import DIMENSION_ORDER


@bp.context_processor
def goal_helpers():
    language = current_language()
    return {
        "goal_number": lambda value, decimals=1: format_number(value, decimals, language),
        "goal_interval": lambda low, high, decimals=1: format_interval(
            low, high, decimals, language
        ),
        "target_number": lambda value, decimals=1: format_number(
            value, scorecard_card.target_decimals(value, decimals), language
        ),
        "status_label": status_label,
        "status_labels": STATUS_LABELS,
        "status_icons": STATUS_ICONS,
        "status_order": [s.value for s in STATUS_ORDER],
        "trend_labels": TREND_LABELS,
        "state_labels": STATE_LABELS,
        "measure_state_labels": MEASURE_LABELS,
        "day": lambda day: day.strftime("%d.%m.%Y") if day else "",
        "chart_src": lambda chart: (
            "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode("ascii")
        ),
        "may_write_summaries": may_write_summaries(current_user),
    }


def _period(text: str | None, periods: list[str]) -> str:
    """The period asked for, else the newest with goals, else this year."""
    parsed = Period.parse((text or "")[:20])
    if parsed is not None and parsed.is_year:
        return str(parsed)
    return periods[0] if periods else str(clock.today().year)


def _dimension(text: str | None) -> str | None:
    return text if text in {d.value for d in DIMENSION_ORDER} else None


def _unit(code: str | None, readable: set[int] | None) -> OrgUnit:
    """The org unit asked for (404 unknown, 403 outside the reader's subtree), else the top of
    the reader's part of the tree."""
    if code:
        unit = core_queries.unit_by_code(code[:64])
        if unit is None:
            abort(404)
        if readable is not None and unit.id not in readable:
            abort(403)
        return unit
    tops = top_units(readable)
    if not tops:
        abort(404)
    return tops[0]


def _page(period: str, unit: OrgUnit, readable, periods, public_view: bool):
    dimension = _dimension(request.args.get("dimensjon"))
    below = request.args.get("under") == "1"
    view = card_view(period, unit, readable, dimension=dimension, below=below)
    return render_template(
        "scorecard/card.html",
        view=view,
        periods=periods,
        chosen_dimension=dimension or "",
        dimensions=[(d.value, DIMENSION_LABELS[d.value]) for d in DIMENSION_ORDER],
        public=public_view,
        published=goal_queries.publication(period) is not None,
        method=method_paragraphs(),
        today=clock.today(),
    )


@bp.get("/styringskort")
@staff_only
def scorecard_page():
    readable = readable_unit_ids()
    periods = goal_queries.goal_periods()
    period = _period(request.args.get("periode"), periods)
    unit = _unit(request.args.get("enhet"), readable)
    return _page(period, unit, readable, periods, public_view=False)


def _pdf(period: str, unit: OrgUnit, readable, public_view: bool):
    body = council_pdf(period, unit, readable, current_language(), public_view)
    return send_file(
        io.BytesIO(body),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"styringskort-{period}-{unit.code}.pdf",
    )


@bp.get("/styringskort/rapport.pdf")
@staff_only
def council_report():
    """The council report of a period for an org unit and the units below it, in the reader's
    language, with the scorecard page's access."""
    readable = readable_unit_ids()
    period = _period(request.args.get("periode"), goal_queries.goal_periods())
    return _pdf(period, _unit(request.args.get("enhet"), readable), readable, False)


# --- the chief executive's summaries -------------------------------------------------------------


@bp.route("/styringskort/<period>/sammendrag/<dimension>", methods=["GET", "POST"])
@staff_only
def edit_summary(period: str, dimension: str):
    parsed = Period.parse(period[:20])
    if parsed is None or not parsed.is_year or str(parsed) != period or not _dimension(dimension):
        abort(404)
    found = goal_queries.summary(period, Dimension(dimension))
    form = SummaryForm(formdata=None, text=found.text if found else "")
    writer = may_write_summaries(current_user)
    if request.method == "POST" and not writer:  # the page says who writes it; nothing is saved
        flash(_("Only the chief executive and administrators write the summaries."), "error")
        return redirect(url_for(".edit_summary", period=period, dimension=dimension), 303)
    if request.method == "POST":
        form = SummaryForm()
        if form.validate():
            try:
                goal_services.save_summary(
                    period, Dimension(dimension), form.text.data, current_user
                )
            except GoalError as error:
                db.session.rollback()
                attach(form, error)
            else:
                db.session.commit()
                flash(_("The summary is saved."), "success")
                return redirect(url_for(".scorecard_page", periode=period), 303)
    return render_template(
        "scorecard/summary_form.html",
        form=form,
        period=period,
        dimension=dimension,
        dimension_label=DIMENSION_LABELS[dimension],
        summary=found,
        writer=writer,
        chief_executive=is_chief_executive(current_user),
    ), status(form)


# --- publication ---------------------------------------------------------------------------------


@bp.route("/styringskort/publisering", methods=["GET", "POST"])
@admin_only
def publication():
    form = PublishForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            if form.action.data == "publish":
                goal_services.publish(form.period.data, current_user)
                message = _("The scorecard of %(period)s is public now.", period=form.period.data)
            else:
                goal_services.unpublish(form.period.data)
                message = _(
                    "The scorecard of %(period)s is no longer public.", period=form.period.data
                )
        except GoalError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for(".publication"), 303)
    periods = sorted(
        set(goal_queries.goal_periods()) | set(goal_queries.published_periods()), reverse=True
    )
    return render_template(
        "scorecard/publication.html",
        periods=periods,
        published=set(goal_queries.published_periods()),
        form=PublishForm(formdata=None),
    )


# --- the public scorecard ------------------------------------------------------------------------


def _published(period: str) -> str:
    parsed = Period.parse(period[:20])
    if parsed is None or str(parsed) != period or goal_queries.publication(period) is None:
        abort(404)
    return period


@bp.get("/offentlig/styringskort")
@public
def public_index():
    return render_template("scorecard/public_index.html", periods=goal_queries.published_periods())


@bp.get("/offentlig/styringskort/<period>")
@public
def public_scorecard(period: str):
    period = _published(period)
    code = request.args.get("enhet")
    unit = core_queries.unit_by_code(code[:64]) if code else None
    if code and unit is None:
        abort(404)
    if unit is None:
        tops = top_units(None)
        if not tops:
            abort(404)
        unit = tops[0]
    return _page(period, unit, None, goal_queries.published_periods(), public_view=True)


@bp.get("/offentlig/styringskort/<period>/mal/<int:goal_id>")
@public
def public_goal(period: str, goal_id: int):
    period = _published(period)
    goal = goal_queries.goal_by_id(goal_id)
    if goal is None or goal.period != period or goal.state != GoalState.ACCEPTED:
        abort(404)
    row = scorecard_card.goal_row(goal)
    return render_template(
        "scorecard/goal.html",
        goal=goal,
        row=row,
        entry=goal_queries.indicator_entries().get(goal.indicator_key),
        chart=goal_chart(row),
        history=goal_history(goal),
        comment_form=CommentForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        next_period=None,
        public=True,
        today=clock.today(),
    )


@bp.get("/offentlig/styringskort/<period>/rapport.pdf")
@public
def public_report(period: str):
    period = _published(period)
    tops = top_units(None)
    if not tops:
        abort(404)
    return _pdf(period, tops[0], None, True)
