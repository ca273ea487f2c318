"""The goal pages: setting goals (administrators), proposing and commenting on them (leaders, for
their own subtree), and the follow-up of a goal that is not (surely) reached: the responsible
leader's explanation and the measures planned (what, who, by when, carried out or not).

    /mal                                    goals by period, the reader's subtree
    /mal/ny                                 a new goal (administrators) or a proposal (leaders)
    /mal/<id>                               a goal: its evaluation, chart, dialogue, history
    /mal/<id>/endre                         change it (leaders: their proposals only)
    /mal/<id>/godta, /avvis, /kopier, /slett   an administrator's answers and actions
    /mal/<id>/kommentar                     a comment (leaders and administrators)
    /mal/<id>/oppfolging                    the explanation and the measures
    /mal/<id>/tiltak/<m>[/status|/slett]    one measure
    /mal/kopier, /mal/import                copy a period's goals on; import a goals file

Every page about one goal loads it once (`_goal_page`): 404 when there is none, 403 when its
unit is outside the reader's subtree. What may be written is goal_services' decision.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from collector import clock
from helhet import queries as core_queries
from helhet.access import admin_only, readable_unit_ids, staff_only
from helhet.extensions import db
from helhet.i18n import localized
from helhet.problems import attach, status
from helhet.tabular import ImportFailed
from scorecard import bp, goal_queries, goal_services
from scorecard import card as scorecard_card
from scorecard.card_pages import goal_chart, goal_history
from scorecard.goal_forms import (
    CommentForm,
    ConfirmForm,
    CopyForm,
    DoneForm,
    ExplanationForm,
    GoalForm,
    GoalImportForm,
    MeasureForm,
)
from scorecard.goal_models import Goal, GoalState
from scorecard.goal_services import GoalError
from scorecard.labels import DIMENSION_LABELS
from scorecard.periods import Period
from scorecard.queries import DIMENSION_ORDER

LIST_STATES = ("proposed", "accepted", "rejected")


def _readable() -> set[int] | None:
    return readable_unit_ids()


def _goal_page(view: Callable) -> Callable:
    """The view gets the goal (404 when there is none, 403 outside the reader's subtree) and,
    when the address names one, its measure (404 when it is not the goal's)."""

    @wraps(view)
    def load(goal_id: int, measure_id: int = 0):
        goal = goal_queries.goal_by_id(goal_id)
        if goal is None:
            abort(404)
        readable = _readable()
        if readable is not None and goal.unit_id not in readable:
            abort(403)
        if measure_id:
            measure = goal_queries.measure(goal, measure_id)
            if measure is None:
                abort(404)
            return view(goal, measure)
        return view(goal)

    return load


def _indicator_groups(current: str | None = None) -> dict:
    """The indicators by dimension for a select: {dimension name: [(key, "name (key)")]}."""
    entries = goal_queries.indicator_entries()
    groups: dict[str, list[tuple[str, str]]] = {}
    for dimension in DIMENSION_ORDER:
        label = str(DIMENSION_LABELS[dimension.value])
        groups[label] = [
            (key, f"{localized(entry.name) or key} ({key})")
            for key, entry in sorted(entries.items(), key=lambda kv: (kv[1].kind, kv[0]))
            if entry.dimension == dimension
        ]
    if current and current not in entries:
        groups[_("Unknown")] = [(current, current)]
    return groups


def _unit_choices() -> tuple[list, dict]:
    readable = _readable()
    units = core_queries.flattened(readable)
    return units, {str(unit.id): unit for unit, _depth in units}


def _goal_form(form: GoalForm, goal: Goal | None = None) -> tuple[GoalForm, dict]:
    units, by_id = _unit_choices()
    form.fill_choices(_indicator_groups(goal.indicator_key if goal else None), units)
    return form, by_id


# --- the list ------------------------------------------------------------------------------------


@bp.get("/mal")
@staff_only
def goals():
    periods = goal_queries.goal_periods(states=None)
    chosen = request.args.get("periode", "")[:20]
    period = Period.parse(chosen)
    period_text = str(period) if period else (periods[0] if periods else "")
    state = request.args.get("status", "")
    states = (GoalState(state),) if state in LIST_STATES else None
    found = goal_queries.goals(period=period_text or None, readable=_readable(), states=states)
    entries = goal_queries.indicator_entries()
    return render_template(
        "scorecard/goals.html",
        goals=found,
        entries=entries,
        periods=periods,
        chosen_period=period_text,
        chosen_state=state if states else "",
        next_period=goal_queries.next_period(period_text) if period_text else None,
        confirm=ConfirmForm(formdata=None),
    )


# --- a new goal, a change ------------------------------------------------------------------------


@bp.route("/mal/ny", methods=["GET", "POST"])
@staff_only
def new_goal():
    form, units = _goal_form(GoalForm())
    if request.method == "GET":
        form.period.data = (
            form.period.data or request.args.get("periode", "")[:4] or str(clock.today().year)
        )
    if form.validate_on_submit():
        data = form.to_data(units)
        try:
            if current_user.is_admin:
                made = goal_services.create_goal(data)
            else:
                made = goal_services.propose_goal(data, current_user, _readable())
            db.session.commit()
        except GoalError as error:
            db.session.rollback()
            attach(form, error)
        except IntegrityError:  # the same goal made at the same moment by someone else
            db.session.rollback()
            attach(form, GoalError(_("This goal was just made by someone else."), "indicator"))
        else:
            if made.state == GoalState.PROPOSED:
                flash(
                    _("The goal is proposed. An administrator will accept or reject it."), "success"
                )
            else:
                flash(_("The goal is saved."), "success")
            return redirect(url_for(".goal_detail", goal_id=made.id), 303)
    return render_template("scorecard/goal_form.html", form=form, goal=None), status(form)


@bp.route("/mal/<int:goal_id>/endre", methods=["GET", "POST"])
@staff_only
@_goal_page
def edit_goal(goal: Goal):
    if not current_user.is_admin and goal.state == GoalState.ACCEPTED:
        # leaders change their proposals; an accepted goal is the administrator's to change
        flash(
            _("Only an administrator can change an accepted goal. Comment on it instead."), "error"
        )
        return redirect(url_for(".goal_detail", goal_id=goal.id) + "#kommentarer", 303)
    form, units = _goal_form(GoalForm.of(goal) if request.method == "GET" else GoalForm(), goal)
    if request.method == "POST" and form.validate():
        try:
            goal_services.update_goal(
                goal, form.to_data(units), None if current_user.is_admin else _readable()
            )
            db.session.commit()
        except GoalError as error:
            db.session.rollback()
            attach(form, error)
        except IntegrityError:
            db.session.rollback()
            attach(form, GoalError(_("This goal was just made by someone else."), "indicator"))
        else:
            flash(_("The goal is saved."), "success")
            return redirect(url_for(".goal_detail", goal_id=goal.id), 303)
    return render_template("scorecard/goal_form.html", form=form, goal=goal), status(form)


# --- one goal ------------------------------------------------------------------------------------


def _detail(goal: Goal, comment_form=None, code: int = 200):
    row = scorecard_card.goal_row(goal) if goal.state == GoalState.ACCEPTED else None
    chart = goal_chart(row) if row is not None else None
    return render_template(
        "scorecard/goal.html",
        goal=goal,
        row=row,
        entry=goal_queries.indicator_entries().get(goal.indicator_key),
        chart=chart,
        history=goal_history(goal),
        comment_form=comment_form or CommentForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        next_period=goal_queries.next_period(goal.period),
        public=False,
        today=clock.today(),
    ), code


@bp.get("/mal/<int:goal_id>")
@staff_only
@_goal_page
def goal_detail(goal: Goal):
    return _detail(goal)


@bp.post("/mal/<int:goal_id>/kommentar")
@staff_only
@_goal_page
def comment_goal(goal: Goal):
    form = CommentForm()
    if form.validate():
        try:
            goal_services.add_comment(goal, current_user, form.text.data)
        except GoalError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The comment is saved."), "success")
            return redirect(url_for(".goal_detail", goal_id=goal.id) + "#kommentarer", 303)
    return _detail(goal, comment_form=form, code=status(form))


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _decided(goal: Goal, decide, done: str):
    """An administrator's confirmed decision on a proposal: `decide(goal)`, then back to it."""
    _confirmed()
    try:
        decide(goal)
    except GoalError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".goal_detail", goal_id=goal.id), 303)


@bp.post("/mal/<int:goal_id>/godta")
@admin_only
@_goal_page
def accept_goal(goal: Goal):
    return _decided(
        goal, goal_services.accept_goal, _("The goal is accepted: it is on the scorecard.")
    )


@bp.post("/mal/<int:goal_id>/avvis")
@admin_only
@_goal_page
def reject_goal(goal: Goal):
    return _decided(
        goal,
        goal_services.reject_goal,
        _("The proposal is rejected. The leader can revise it."),
    )


@bp.post("/mal/<int:goal_id>/kopier")
@admin_only
@_goal_page
def copy_goal(goal: Goal):
    _confirmed()
    after = goal_queries.next_period(goal.period)
    if after is None or goal.state != GoalState.ACCEPTED:
        flash(_("Only an accepted goal can be copied to the next period."), "error")
        return redirect(url_for(".goal_detail", goal_id=goal.id), 303)
    try:
        summary = goal_services.copy_goals([goal], after)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        summary = goal_services.CopySummary(0, 1)
    if summary.copied:
        copy = goal_queries.goal_for(goal.indicator_key, goal.unit_id, after)
        flash(_("The goal is copied to %(period)s.", period=after), "success")
        return redirect(url_for(".goal_detail", goal_id=copy.id), 303)
    flash(_("%(period)s already has this goal.", period=after), "error")
    return redirect(url_for(".goal_detail", goal_id=goal.id), 303)


@bp.route("/mal/<int:goal_id>/slett", methods=["GET", "POST"])
@admin_only
@_goal_page
def delete_goal(goal: Goal):
    form = ConfirmForm()
    if form.validate_on_submit():
        period = goal.period
        goal_services.delete_goal(goal)
        db.session.commit()
        flash(_("The goal is deleted."), "success")
        return redirect(url_for(".goals", periode=period), 303)
    return render_template("scorecard/goal_delete.html", goal=goal, form=form)


# --- follow-up: the explanation and the measures -------------------------------------------------


def _followup(goal: Goal, explanation_form=None, measure_form=None, code: int = 200):
    if goal.state != GoalState.ACCEPTED:
        abort(404)  # a proposal has no result to follow up
    return render_template(
        "scorecard/goal_followup.html",
        goal=goal,
        row=scorecard_card.goal_row(goal),
        entry=goal_queries.indicator_entries().get(goal.indicator_key),
        explanation_form=explanation_form
        or ExplanationForm(formdata=None, explanation=goal.explanation),
        measure_form=measure_form or MeasureForm(formdata=None),
        done_form=DoneForm(formdata=None),
        today=clock.today(),
    ), code


@bp.get("/mal/<int:goal_id>/oppfolging")
@staff_only
@_goal_page
def goal_followup(goal: Goal):
    return _followup(goal)


@bp.post("/mal/<int:goal_id>/oppfolging")
@staff_only
@_goal_page
def save_explanation(goal: Goal):
    if goal.state != GoalState.ACCEPTED:
        abort(404)
    form = ExplanationForm()
    if form.validate():
        try:
            goal_services.set_explanation(goal, form.explanation.data)
        except GoalError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The explanation is saved."), "success")
            return redirect(url_for(".goal_followup", goal_id=goal.id), 303)
    return _followup(goal, explanation_form=form, code=status(form))


@bp.post("/mal/<int:goal_id>/tiltak")
@staff_only
@_goal_page
def add_measure(goal: Goal):
    if goal.state != GoalState.ACCEPTED:
        abort(404)
    form = MeasureForm()
    if form.validate():
        try:
            goal_services.add_measure(
                goal, form.text.data, form.responsible.data, form.deadline.data
            )
        except GoalError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The measure is saved."), "success")
            return redirect(url_for(".goal_followup", goal_id=goal.id) + "#tiltak", 303)
    return _followup(goal, measure_form=form, code=status(form))


@bp.route("/mal/<int:goal_id>/tiltak/<int:measure_id>", methods=["GET", "POST"])
@staff_only
@_goal_page
def edit_measure(goal: Goal, measure):
    form = MeasureForm.of(measure) if request.method == "GET" else MeasureForm()
    if request.method == "POST" and form.validate():
        try:
            goal_services.change_measure(
                measure, form.text.data, form.responsible.data, form.deadline.data
            )
        except GoalError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The measure is saved."), "success")
            return redirect(url_for(".goal_followup", goal_id=goal.id) + "#tiltak", 303)
    return render_template(
        "scorecard/measure_form.html", goal=goal, measure=measure, form=form
    ), status(form)


@bp.post("/mal/<int:goal_id>/tiltak/<int:measure_id>/status")
@staff_only
@_goal_page
def measure_done(goal: Goal, measure):
    form = DoneForm()
    if not form.validate():
        abort(400)
    goal_services.set_measure_done(measure, form.done.data == "yes")
    db.session.commit()
    return redirect(url_for(".goal_followup", goal_id=goal.id) + f"#tiltak-{measure.id}", 303)


@bp.route("/mal/<int:goal_id>/tiltak/<int:measure_id>/slett", methods=["GET", "POST"])
@staff_only
@_goal_page
def delete_measure(goal: Goal, measure):
    form = ConfirmForm()
    if form.validate_on_submit():
        goal_services.delete_measure(measure)
        db.session.commit()
        flash(_("The measure is deleted."), "success")
        return redirect(url_for(".goal_followup", goal_id=goal.id) + "#tiltak", 303)
    return render_template("scorecard/measure_delete.html", goal=goal, measure=measure, form=form)


# --- a period's goals at once --------------------------------------------------------------------


@bp.route("/mal/kopier", methods=["GET", "POST"])
@admin_only
def copy_goals():
    periods = goal_queries.goal_periods()
    form = CopyForm()
    form.source.choices = [(p, p) for p in periods]
    if request.method == "GET":
        chosen = request.args.get("periode", "")[:20]
        form.source.data = chosen if chosen in periods else (periods[0] if periods else "")
        form.destination.data = goal_queries.next_period(form.source.data or "") or ""
    if form.validate_on_submit():
        if form.source.data not in periods:
            attach(form, GoalError(_("Choose a period that has goals."), "source"))
        else:
            try:
                summary = goal_services.copy_goals(
                    goal_queries.goals(period=form.source.data), form.destination.data or ""
                )
                db.session.commit()
            except GoalError as error:
                db.session.rollback()
                error.field = "destination"
                attach(form, error)
            except IntegrityError:
                db.session.rollback()
                attach(form, GoalError(_("Someone copied goals at the same moment. Try again.")))
            else:
                destination = str(Period.parse(form.destination.data))  # checked by the service
                flash(
                    _(
                        "Copied %(copied)s goals to %(period)s (%(skipped)s were there already).",
                        copied=summary.copied,
                        period=destination,
                        skipped=summary.skipped,
                    ),
                    "success",
                )
                return redirect(url_for(".goals", periode=destination), 303)
    return render_template("scorecard/goals_copy.html", form=form, periods=periods), status(form)


@bp.route("/mal/import", methods=["GET", "POST"])
@admin_only
def import_goals():
    form = GoalImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read(goal_services.MAX_FILE_BYTES + 1)
        try:
            summary = goal_services.import_goals(upload.filename or "", content)
            db.session.commit()
        except ImportFailed as failure:
            db.session.rollback()
            problems = failure.problems
        except IntegrityError:
            db.session.rollback()
            attach(form, GoalError(_("Someone changed the goals at the same moment. Try again.")))
        else:
            flash(
                _(
                    "Imported: %(created)s new goals, %(updated)s changed.",
                    created=summary.created,
                    updated=summary.updated,
                ),
                "success",
            )
            return redirect(url_for(".goals"), 303)
    return render_template("scorecard/goals_import.html", form=form, problems=problems), status(
        form, problems
    )
