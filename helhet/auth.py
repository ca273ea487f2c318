"""Signing in and out. Login attempts are rate-limited per client address."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from helhet.access import public, staff_only
from helhet.extensions import db, limiter, login_manager
from helhet.forms import HelhetForm
from helhet.models import User
from helhet.web import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(HelhetForm):
    email = EmailField(_l("Email"), validators=[DataRequired()], render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@bp.route("/logg-inn", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user and user.active and user.check_password(form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("admin.dashboard")), 303)
        form.password.errors.append(_("The email or the password is wrong."))
        return render_template("auth/login.html", form=form), 422
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logg-ut")
@staff_only
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.index"), 303)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None
