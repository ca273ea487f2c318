"""Administration of users and org units, the audit log, and the signed-in overview page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from helhet import audit, queries
from helhet import orgunits as unit_service
from helhet import users as user_service
from helhet.access import admin_only, readable_unit_ids, staff_only
from helhet.admin import bp
from helhet.admin.forms import (
    NewUserForm,
    PasswordForm,
    PopulationForm,
    UnitForm,
    UnitImportForm,
    UserForm,
)
from helhet.auth import start_session
from helhet.extensions import db
from helhet.labels import LEVEL_LABELS, ROLE_LABELS
from helhet.models import OrgUnit, Role, UnitLevel, User
from helhet.problems import attach, status
from helhet.tabular import ImportFailed


def _chosen_unit(unit_id: int | None) -> OrgUnit | None:
    """The unit a select list names (its value is the unit's id; empty for none)."""
    return db.session.get(OrgUnit, unit_id) if unit_id else None


def unit_choices(empty_label: str, exclude: OrgUnit | None = None) -> list[tuple]:
    """Units as indented select options; `exclude` leaves out a unit and everything below it."""
    hidden = set()
    if exclude is not None and exclude.id is not None:
        hidden = {exclude.id, *(u.id for u in queries.descendants(exclude))}
    return [("", empty_label)] + [
        (u.id, "\u2003" * depth + f"{u.name} ({u.code})")
        for u, depth in queries.flattened()
        if u.id not in hidden
    ]


@bp.get("/")
@staff_only
def dashboard():
    return render_template("admin/dashboard.html", tree=queries.flattened(readable_unit_ids()))


# --- users -----------------------------------------------------------------------------------


@bp.get("/brukere")
@admin_only
def users():
    return render_template("admin/users.html", users=queries.all_users(), role_labels=ROLE_LABELS)


@bp.route("/brukere/ny", methods=["GET", "POST"])
@admin_only
def new_user():
    return _user_form(None)


@bp.route("/brukere/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int):
    return _user_form(db.get_or_404(User, user_id))


def _user_form(user: User | None):
    """A new user (email, password, role, unit, name), or the role, unit, name and active of one."""
    if user is None:
        form = NewUserForm()
    else:
        form = UserForm(obj=user, data={"role": user.role.value, "unit": user.unit_id})
        del form.email  # the email is the sign-in name; create a new user to change it
    form.unit.choices = unit_choices(_("No unit (administrators)"))
    if form.validate_on_submit():
        role, unit = Role(form.role.data), _chosen_unit(form.unit.data)
        try:
            if user is None:
                user = user_service.create_user(
                    form.email.data, form.password.data, role, unit, form.name.data
                )
                message = _("The user %(email)s was created.", email=user.email)
            else:
                user_service.update_user(user, role, unit, form.name.data or "", form.active.data)
                message = _("The changes to %(email)s were saved.", email=user.email)
        except user_service.UserError as error:
            attach(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(".users"), 303)
    return render_template("admin/user_form.html", form=form, user=user), status(form)


@bp.route("/brukere/<int:user_id>/passord", methods=["GET", "POST"])
@admin_only
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user_service.set_password(user, form.password.data)
        except user_service.UserError as error:
            attach(form, error)
        else:
            db.session.commit()
            if user.id == current_user.id:  # their other sessions end; this one goes on
                start_session(user)
            flash(_("The password for %(email)s was changed.", email=user.email), "success")
            return redirect(url_for(".users"), 303)
    return render_template("admin/password_form.html", form=form, user=user), status(form)


# --- org units -------------------------------------------------------------------------------


@bp.get("/enheter")
@admin_only
def units():
    return render_template("admin/units.html", tree=queries.flattened(), level_labels=LEVEL_LABELS)


@bp.route("/enheter/ny", methods=["GET", "POST"])
@admin_only
def new_unit():
    return _unit_form(OrgUnit())


@bp.route("/enheter/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def edit_unit(unit_id: int):
    return _unit_form(db.get_or_404(OrgUnit, unit_id))


def _unit_form(unit: OrgUnit):
    data = {"level": unit.level.value, "parent": unit.parent_id} if unit.id else {}
    form = UnitForm(obj=unit if unit.id else None, data=data)
    form.parent.choices = unit_choices(_("Nothing (this is the municipality)"), exclude=unit)
    if form.validate_on_submit():
        parent = _chosen_unit(form.parent.data)
        try:
            unit_service.save_unit(
                unit, form.code.data, form.name.data, UnitLevel(form.level.data), parent
            )
        except unit_service.UnitError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s was saved.", name=unit.name), "success")
            return redirect(url_for(".edit_unit", unit_id=unit.id), 303)
    population_form = PopulationForm(formdata=None)
    return (
        render_template(
            "admin/unit_form.html", form=form, unit=unit, population_form=population_form
        ),
        status(form),
    )


@bp.post("/enheter/<int:unit_id>/befolkning")
@admin_only
def set_population(unit_id: int):
    unit = db.get_or_404(OrgUnit, unit_id)
    form = PopulationForm()
    if form.validate_on_submit():
        unit_service.set_population(unit, form.period.data, form.count.data)
        db.session.commit()
        flash(_("The number of people for %(year)s was saved.", year=form.period.data), "success")
        return redirect(url_for(".edit_unit", unit_id=unit.id), 303)
    unit_form = UnitForm(
        obj=unit, data={"level": unit.level.value, "parent": unit.parent_id}, formdata=None
    )
    unit_form.parent.choices = unit_choices(_("Nothing (this is the municipality)"), exclude=unit)
    return (
        render_template("admin/unit_form.html", form=unit_form, unit=unit, population_form=form),
        422,
    )


@bp.post("/enheter/<int:unit_id>/slett")
@admin_only
def delete_unit(unit_id: int):
    unit = db.get_or_404(OrgUnit, unit_id)
    try:
        unit_service.delete_unit(unit)
        db.session.commit()
    except unit_service.UnitError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".edit_unit", unit_id=unit.id), 303)
    except IntegrityError:  # still referenced by survey rounds, responses or users
        db.session.rollback()
        flash(
            _(
                "%(name)s is in use (by survey rounds, answers or users) and cannot be deleted.",
                name=unit.name,
            ),
            "error",
        )
        return redirect(url_for(".edit_unit", unit_id=unit_id), 303)
    flash(_("%(name)s was deleted.", name=unit.name), "success")
    return redirect(url_for(".units"), 303)


@bp.route("/enheter/import", methods=["GET", "POST"])
@admin_only
def import_units():
    form = UnitImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            summary = unit_service.import_csv(form.file.data.read())
        except ImportFailed as failure:
            db.session.rollback()
            problems = failure.problems
        else:
            db.session.commit()
            flash(
                _(
                    "Import done: %(created)s new and %(updated)s updated units.",
                    created=summary.created,
                    updated=summary.updated,
                ),
                "success",
            )
            return redirect(url_for(".units"), 303)
    return render_template("admin/unit_import.html", form=form, problems=problems), status(
        form, problems
    )


# --- audit log -------------------------------------------------------------------------------


@bp.get("/logg")
@admin_only
def audit_log():
    page = audit.recent(page=request.args.get("side", 1, type=int))
    return render_template("admin/audit.html", page=page, actions=audit.ACTIONS)
