"""Signing in and out. Login attempts are rate-limited per client address.

Signing in starts a new session (nothing from before it survives but the language choice, so a
CSRF token or anything else planted before login is void). A session names the user and their
session version (User.get_id); signing out raises the version, which ends the user's sessions in
every browser (helhet.users.end_sessions).
"""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from helhet import users as user_service
from helhet.access import public, staff_only
from helhet.extensions import db, limiter, login_manager
from helhet.forms import HelhetForm
from helhet.models import User
from helhet.problems import HelhetError, attach, status
from helhet.web import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(HelhetForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired()], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )


SESSION_ID = re.compile(r"(\d{1,9}):(\d{1,18})", re.ASCII)
KEPT_ACROSS_LOGIN = ("lang",)


def start_session(user: User) -> None:
    """Sign `user` in on a new session: only the language choice is kept from the old one."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)
    login_user(user)


@bp.route("/logg-inn", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("admin.dashboard")), 303)
        attach(form, HelhetError(_("The email or the password is wrong."), "password"))
    return render_template("auth/login.html", form=form), status(form)


@bp.post("/logg-ut")
@staff_only
def logout():
    user_service.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.index"), 303)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        """The user a session names, if the session's version is still the user's
        (see User.get_id).
        """
        match = SESSION_ID.fullmatch(session_id)
        if match is None:
            return None
        user = db.session.get(User, int(match[1]))
        return user if user is not None and user.session_version == int(match[2]) else None
