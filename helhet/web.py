"""Front page and language choice (/health and /ready are in helhet/health.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session

from helhet.access import public

bp = Blueprint("web", __name__)


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only follow redirects to a path on this site (no scheme, no host, no //)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/")
@public
def index():
    return render_template("web/index.html")


@bp.get("/sprak/<lang>")
@public
def choose_language(lang: str):
    # se, uk and pl too: a respondent's choice, which administrators' pages do not speak (i18n)
    if lang not in current_app.config["RESPONDENT_LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    return redirect(safe_next(request.args.get("next")), 303)
