"""The result pages: the rounds a reader may see, a unit's summary, an indicator's drill-down and
the downloads (the rows of `helhet results`). Leaders read closed rounds of their own subtree;
administrators every round, open ones marked preliminary.

Every page about a round is loaded by `_load` once: the round (404 when it does not exist or the
reader may not see it) and the unit (404 outside the round's results, 403 outside the reader's
subtree). The numbers come from results/pages.py, which reads `services.round_results` for the
units the reader may see only.

Follow-up (strengths to keep, areas to improve, their actions) is read and written by whoever may
read the unit's summary: `_following` loads it through `_load`, and results/followup.py writes it.
The summary shows the round's follow-up and, beside the new results, the previous round's.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from analysis.formatting import format_interval, format_number, format_percent
from collector import clock
from collector import queries as collector_queries
from collector.models import Campaign
from helhet.access import staff_only
from helhet.extensions import db
from helhet.i18n import current_language
from helhet.models import OrgUnit
from helhet.problems import attach, status
from results import bp, followup, pages, queries, report
from results.exports import FORMATS, export_rows
from results.forms import ActionForm, ConfirmForm, DoneForm, PointForm

LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


@bp.context_processor
def result_helpers():
    return {
        "number": lambda value, decimals=1: format_number(value, decimals, current_language()),
        "percent": lambda share: format_percent(share, 0, current_language()),
        "interval": lambda low, high, decimals=0: format_interval(
            low, high, decimals, current_language()
        ),
        "svg_src": lambda chart: (
            "data:image/svg+xml;base64," + base64.b64encode(chart.svg).decode("ascii")
        ),
        "too_few": lambda n, reason=None: (
            _("Hidden to protect another unit with few answers")
            if reason == "complementary"
            else _("Too few answers to show a result (under %(n)s)", n=n)
        ),
    }


def _campaign(campaign_id: int, reader: pages.Reader) -> Campaign:
    campaign = collector_queries.campaign(campaign_id) if 1 <= campaign_id <= LARGEST_ID else None
    if campaign is None or not reader.may_see(campaign):
        abort(404)
    return campaign


def _load(campaign_id: int, unit_id: int | None) -> tuple[Campaign, OrgUnit, pages.Reader]:
    """The round and the unit, or the reader's top unit of the round when `unit_id` is None."""
    reader = pages.Reader.current()
    campaign = _campaign(campaign_id, reader)
    tree = queries.round_tree(campaign)
    if unit_id is None:
        nodes = reader.nodes(tree)
        if not nodes:
            abort(404)
        return campaign, nodes[0], reader
    unit = db.session.get(OrgUnit, unit_id) if 1 <= unit_id <= LARGEST_ID else None
    if unit is None or unit.code not in tree:
        abort(404)
    if not reader.reads(unit):
        abort(403)
    return campaign, unit, reader


@bp.get("/resultater")
@staff_only
def rounds():
    return render_template("results/list.html", rounds=pages.visible_rounds(pages.Reader.current()))


@bp.get("/resultater/<int:campaign_id>")
@staff_only
def round_summary(campaign_id: int):
    campaign, unit, reader = _load(campaign_id, None)
    return _summary_page(campaign, unit, reader)


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>")
@staff_only
def unit_summary(campaign_id: int, unit_id: int):
    campaign, unit, reader = _load(campaign_id, unit_id)
    return _summary_page(campaign, unit, reader)


def _summary_page(campaign: Campaign, unit: OrgUnit, reader: pages.Reader):
    summary = pages.summary(campaign, unit, reader)
    earlier = summary.previous if summary.previous and reader.may_see(summary.previous) else None
    return render_template(
        "results/summary.html",
        summary=summary,
        formats=FORMATS,
        followup=queries.followup_points(campaign, unit),
        earlier_round=earlier,
        earlier_followup=queries.followup_points(earlier, unit) if earlier else [],
        today=clock.today(),
    )


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/indikator/<indicator_key>")
@staff_only
def indicator(campaign_id: int, unit_id: int, indicator_key: str):
    campaign, unit, reader = _load(campaign_id, unit_id)
    page = pages.indicator_page(
        campaign,
        unit,
        indicator_key,
        reader,
        current_language(),
        report.chart_texts(unit),
    )
    if page is None:
        abort(404)
    return render_template("results/indicator.html", page=page, formats=FORMATS)


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/rapport.pdf")
@staff_only
def report_pdf(campaign_id: int, unit_id: int):
    """The unit's PDF report in the reader's language, with the summary page's access."""
    campaign, unit, reader = _load(campaign_id, unit_id)
    body = report.report_pdf(campaign, unit, reader, current_language())
    return send_file(
        io.BytesIO(body),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"rapport-{campaign.id}-{unit.code}.pdf",
    )


@bp.get("/resultater/<int:campaign_id>/enhet/<int:unit_id>/resultater.<fmt>")
@staff_only
def download(campaign_id: int, unit_id: int, fmt: str):
    export = FORMATS.get(fmt)
    if export is None:
        abort(404)
    campaign, unit, reader = _load(campaign_id, unit_id)
    body = export.render(export_rows(pages.download_results(campaign, unit, reader)))
    return send_file(
        io.BytesIO(body),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=f"resultater-{campaign.id}-{unit.code}.{export.extension}",
    )


# --- follow-up: written and read by whoever may read the unit's summary --------------------------

FOLLOWUP = "/resultater/<int:campaign_id>/enhet/<int:unit_id>/oppfolging"


@bp.context_processor
def followup_helpers():
    return {
        "kind_labels": followup.KIND_LABELS,
        "kind_headings": followup.KIND_HEADINGS,
        "status_labels": followup.STATUS_LABELS,
        "local_day": lambda day: day.strftime("%d.%m.%Y"),
    }


def _following(view: Callable) -> Callable:
    """The view gets the round and the unit, loaded and checked as for the summary page (so a
    leader writes only in their own subtree, in rounds they may read), and the point or action
    the address names, or 404 when it is not one of this round's and unit's."""

    @wraps(view)
    def load(campaign_id: int, unit_id: int, point_id: int = 0, action_id: int = 0):
        campaign, unit, _reader = _load(campaign_id, unit_id)
        found = {}
        if point_id:
            found["point"] = _or_404(
                queries.followup_point(campaign, unit, point_id) if point_id <= LARGEST_ID else None
            )
        if action_id:
            found["action"] = _or_404(
                queries.followup_action(campaign, unit, action_id)
                if action_id <= LARGEST_ID
                else None
            )
        return view(campaign, unit, **found)

    return load


def _or_404(found):
    if found is None:
        abort(404)
    return found


def _followup_page(campaign: Campaign, unit: OrgUnit, form: PointForm, code: int = 200):
    return render_template(
        "results/followup.html",
        campaign=campaign,
        unit=unit,
        points=queries.followup_points(campaign, unit),
        form=form,
        today=clock.today(),
    ), code


def _point_page(campaign, unit, point, point_form=None, action_form=None, code: int = 200):
    return render_template(
        "results/followup_point.html",
        campaign=campaign,
        unit=unit,
        point=point,
        point_form=point_form or PointForm.of(point),
        action_form=action_form or ActionForm(formdata=None),
        today=clock.today(),
    ), code


def _to_followup(campaign: Campaign, unit: OrgUnit, anchor: str = ""):
    url = url_for(".followup_page", campaign_id=campaign.id, unit_id=unit.id)
    return redirect(url + (f"#{anchor}" if anchor else ""), 303)


def _to_point(point):
    return redirect(
        url_for(
            ".followup_point",
            campaign_id=point.campaign_id,
            unit_id=point.unit_id,
            point_id=point.id,
        ),
        303,
    )


@bp.get(FOLLOWUP)
@staff_only
@_following
def followup_page(campaign: Campaign, unit: OrgUnit):
    return _followup_page(campaign, unit, PointForm(formdata=None))


@bp.post(FOLLOWUP)
@staff_only
@_following
def add_followup_point(campaign: Campaign, unit: OrgUnit):
    form = PointForm()
    if form.validate():
        try:
            point = followup.add_point(campaign, unit, form.kind.data, form.description.data)
        except followup.FollowupError as error:
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The point is saved. Add the actions you agreed on."), "success")
            return _to_point(point)
    return _followup_page(campaign, unit, form, status(form))


@bp.route(f"{FOLLOWUP}/punkt/<int:point_id>", methods=["GET", "POST"])
@staff_only
@_following
def followup_point(campaign: Campaign, unit: OrgUnit, point):
    if request.method == "GET":
        return _point_page(campaign, unit, point)
    form = PointForm()
    if form.validate():
        try:
            followup.change_point(point, form.kind.data, form.description.data)
        except followup.FollowupError as error:
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The point is saved."), "success")
            return _to_followup(campaign, unit, f"punkt-{point.id}")
    return _point_page(campaign, unit, point, point_form=form, code=status(form))


@bp.post(f"{FOLLOWUP}/punkt/<int:point_id>/tiltak")
@staff_only
@_following
def add_followup_action(campaign: Campaign, unit: OrgUnit, point):
    form = ActionForm()
    if form.validate():
        try:
            followup.add_action(point, form.action.data, form.owner.data, form.deadline.data)
        except followup.FollowupError as error:
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The action is saved."), "success")
            return _to_point(point)
    return _point_page(campaign, unit, point, action_form=form, code=status(form))


@bp.route(f"{FOLLOWUP}/tiltak/<int:action_id>", methods=["GET", "POST"])
@staff_only
@_following
def followup_action(campaign: Campaign, unit: OrgUnit, action):
    form = ActionForm.of(action) if request.method == "GET" else ActionForm()
    if request.method == "POST" and form.validate():
        try:
            followup.change_action(action, form.action.data, form.owner.data, form.deadline.data)
        except followup.FollowupError as error:
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The action is saved."), "success")
            return _to_point(action.point)
    return render_template(
        "results/followup_action.html", campaign=campaign, unit=unit, action=action, form=form
    ), status(form)


@bp.post(f"{FOLLOWUP}/tiltak/<int:action_id>/status")
@staff_only
@_following
def followup_action_done(campaign: Campaign, unit: OrgUnit, action):
    form = DoneForm()
    if not form.validate():
        abort(400)
    followup.set_done(action, form.done.data == "yes")
    db.session.commit()
    if form.back.data == "punkt":
        return _to_point(action.point)
    return _to_followup(campaign, unit, f"tiltak-{action.id}")


@bp.route(f"{FOLLOWUP}/punkt/<int:point_id>/slett", methods=["GET", "POST"])
@staff_only
@_following
def delete_followup_point(campaign: Campaign, unit: OrgUnit, point):
    form = ConfirmForm()
    if form.validate_on_submit():
        followup.delete_point(point)
        db.session.commit()
        flash(_("The point and its actions are deleted."), "success")
        return _to_followup(campaign, unit)
    return render_template(
        "results/followup_delete.html",
        campaign=campaign,
        unit=unit,
        form=form,
        title=_("Delete the point?"),
        text=point.text,
        message=ngettext(
            "The point and its action are deleted for good.",
            "The point and its %(num)s actions are deleted for good.",
            len(point.actions),
        )
        if point.actions
        else _("The point is deleted for good."),
        back=url_for(
            ".followup_point", campaign_id=campaign.id, unit_id=unit.id, point_id=point.id
        ),
    )


@bp.route(f"{FOLLOWUP}/tiltak/<int:action_id>/slett", methods=["GET", "POST"])
@staff_only
@_following
def delete_followup_action(campaign: Campaign, unit: OrgUnit, action):
    form = ConfirmForm()
    point = action.point
    if form.validate_on_submit():
        followup.delete_action(action)
        db.session.commit()
        flash(_("The action is deleted."), "success")
        return _to_point(point)
    return render_template(
        "results/followup_delete.html",
        campaign=campaign,
        unit=unit,
        form=form,
        title=_("Delete the action?"),
        text=action.text,
        message=_("The action is deleted for good."),
        back=url_for(
            ".followup_point", campaign_id=campaign.id, unit_id=unit.id, point_id=point.id
        ),
    )
