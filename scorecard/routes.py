"""The scorecard's pages so far: the indicator catalogue (leaders read it, administrators add and
edit figure indicators) and the imported figures (leaders read those of their subtree and the
comparison regions; administrators import files: upload, preview, confirm).

The import keeps the uploaded file in the database between the preview and the confirmation
(services.keep_upload), bound to the administrator who uploaded it, under a random token, for an
hour at most. The confirmation plans the import again and imports only if the plan is the one the
preview showed (ImportPlan.fingerprint); if the figures changed meanwhile, the new preview is shown.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from analysis.formatting import format_number
from helhet.access import admin_only, readable_unit_ids, staff_only
from helhet.extensions import db
from helhet.i18n import current_language
from helhet.problems import attach, status
from scorecard import bp, queries, services
from scorecard.figurefiles import MAX_FILE_BYTES
from scorecard.forms import ConfirmImportForm, FigureImportForm, IndicatorForm, RemapForm
from scorecard.labels import (
    DIMENSION_LABELS,
    DIRECTION_LABELS,
    MEASURE_LABELS,
    status_text,
)
from scorecard.models import FigureIndicator
from scorecard.periods import Period


@bp.context_processor
def scorecard_helpers():
    return {
        "figure_number": lambda value, decimals=1: format_number(
            value, decimals, current_language()
        ),
        "status_text": status_text,
        "dimension_labels": DIMENSION_LABELS,
        "measure_labels": MEASURE_LABELS,
        "direction_labels": DIRECTION_LABELS,
    }


def _figure_indicator_or_404(figure_indicator_id: int) -> FigureIndicator:
    indicator = queries.figure_indicator_by_id(figure_indicator_id)
    if indicator is None:
        abort(404)
    return indicator


# --- the catalogue -------------------------------------------------------------------------------


@bp.get("/indikatorer")
@staff_only
def indicators():
    entries = queries.catalogue()
    by_dimension = {d: [e for e in entries if e.dimension == d] for d in queries.DIMENSION_ORDER}
    return render_template("scorecard/indicators.html", by_dimension=by_dimension)


@bp.route("/indikatorer/ny", methods=["GET", "POST"])
@admin_only
def new_indicator():
    return _indicator_form(None)


@bp.route("/indikatorer/<int:figure_indicator_id>", methods=["GET", "POST"])
@admin_only
def edit_indicator(figure_indicator_id: int):
    return _indicator_form(_figure_indicator_or_404(figure_indicator_id))


def _indicator_form(indicator: FigureIndicator | None):
    if indicator is None:
        form = IndicatorForm()
    else:
        form = IndicatorForm(
            obj=indicator,
            data={
                **{
                    f"name_{lang}": (indicator.name or {}).get(lang, "")
                    for lang in ("nb", "nn", "en")
                },
                **{
                    f"description_{lang}": (indicator.description or {}).get(lang, "")
                    for lang in ("nb", "nn", "en")
                },
                "dimension": indicator.dimension.value,
                "measure": indicator.measure.value,
                "direction": indicator.direction.value,
            },
        )
    if form.validate_on_submit():
        try:
            saved = services.save_indicator(indicator, form.to_data())
        except services.ScorecardError as error:
            db.session.rollback()
            attach(form, error)
        else:
            try:
                db.session.commit()
            except IntegrityError:  # another administrator created the same key meanwhile
                db.session.rollback()
                attach(
                    form,
                    services.ScorecardError(_("Another indicator already has this key."), "key"),
                )
            else:
                flash(_("The indicator %(key)s was saved.", key=saved.key), "success")
                return redirect(url_for(".indicators"), 303)
    return render_template("scorecard/indicator_form.html", form=form, indicator=indicator), status(
        form
    )


# --- figures -------------------------------------------------------------------------------------


@bp.get("/nokkeltall")
@staff_only
def figures():
    known = {i.key: i for i in queries.figure_indicators()}
    indicator_key = request.args.get("indikator", "")
    indicator_key = indicator_key if indicator_key in known else None
    period = Period.parse(request.args.get("periode", "")[:20])
    rows = queries.figure_rows(
        indicator_key=indicator_key,
        period=str(period) if period else None,
        readable=readable_unit_ids(),
        history=True,
    )
    groups: list[dict] = []
    for row in rows:  # sorted: each figure's revisions are together, oldest first
        if (
            groups
            and groups[-1]["current"].series_id == row.series_id
            and (groups[-1]["current"].period == row.period)
        ):
            groups[-1]["earlier"].insert(0, groups[-1]["current"])
            groups[-1]["current"] = row
        else:
            groups.append({"current": row, "earlier": []})
    return render_template(
        "scorecard/figures.html",
        groups=groups,
        indicators=known,
        chosen_indicator=indicator_key,
        periods=queries.figure_periods(indicator_key),
        chosen_period=str(period) if period else "",
    )


@bp.route("/nokkeltall/import", methods=["GET", "POST"])
@admin_only
def import_figures():
    form = FigureImportForm()
    if form.validate_on_submit():
        try:
            mappings = form.parsed_mappings()
        except services.ScorecardError as error:
            attach(form, error)
        else:
            upload = form.file.data
            content = upload.read(MAX_FILE_BYTES + 1)
            upload_record = services.keep_upload(
                current_user, upload.filename or "", content, mappings
            )
            db.session.commit()
            return _preview(upload_record)
    return render_template("scorecard/figure_import.html", form=form), status(form)


def _preview(upload, notice: str | None = None):
    plan = services.plan_import(upload.file_name, upload.content, services.upload_mappings(upload))
    confirm = ConfirmImportForm(formdata=None, token=upload.token, fingerprint=plan.fingerprint)
    remap = RemapForm(
        formdata=None,
        token=upload.token,
        mappings="\n".join(
            f"{code}={key or '-'}" for code, key in services.upload_mappings(upload).items()
        ),
    )
    decimals = {i.key: i.decimals for i in queries.figure_indicators()}
    return render_template(
        "scorecard/figure_preview.html",
        plan=plan,
        upload=upload,
        confirm=confirm,
        remap=remap,
        decimals=decimals,
        notice=notice,
    ), (422 if plan.problems else 200)


def _own_upload(token: str | None):
    upload = queries.upload_for(current_user.id, token or "")
    if upload is None:
        flash(_("The uploaded file is no longer kept (after an hour). Upload it again."), "error")
    return upload


@bp.post("/nokkeltall/import/kart")
@admin_only
def remap_figures():
    """The same upload planned again with another map of ContentsCodes."""
    form = RemapForm()
    valid = form.validate_on_submit()
    if form.token.errors or form.errors.get("csrf_token"):
        abort(400)
    upload = _own_upload(form.token.data)
    if upload is None:
        return redirect(url_for(".import_figures"), 303)
    if not valid:
        return _preview(upload, notice=" ".join(form.mappings.errors))
    try:
        mappings = form.parsed_mappings()
    except services.ScorecardError as error:
        return _preview(upload, notice=error.message)
    upload.mappings = {code: key or "-" for code, key in mappings.items()}
    db.session.commit()
    return _preview(upload)


@bp.post("/nokkeltall/import/bekreft")
@admin_only
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = _own_upload(form.token.data)
    if upload is None:
        return redirect(url_for(".import_figures"), 303)
    plan = services.plan_import(upload.file_name, upload.content, services.upload_mappings(upload))
    changed = _("The figures in the database changed since the preview. Check the new preview.")
    if plan.problems or plan.fingerprint != form.fingerprint.data:
        return _preview(upload, notice=changed)
    try:
        summary = services.apply_import(plan)
        services.forget_upload(upload)
        db.session.commit()
    except IntegrityError:  # the same figures imported at the same moment by someone else
        db.session.rollback()
        return _preview(upload, notice=changed)
    flash(
        _(
            "Imported from %(file)s: %(added)s new, %(changed)s changed (a new revision),"
            " %(unchanged)s unchanged.",
            file=plan.file_name,
            added=summary.added,
            changed=summary.changed,
            unchanged=summary.unchanged,
        ),
        "success",
    )
    return redirect(url_for(".figures"), 303)
