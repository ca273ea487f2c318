"""Who may open which page. Every view declares one decision; nothing is open by accident.

    @bp.get("/admin/users")
    @admin_only
    def users(): ...

The decorators only mark the view; `enforce` (a before_request hook) applies the mark, and
`init_app` refuses to start an app in which some view has no mark. A leader may read only the
subtree of their own org unit: use `readable_unit_ids()` in queries and `require_unit()` in views.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from helhet.models import OrgUnit, Role
from helhet.queries import subtree_ids


class Access(enum.StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    STAFF = "staff"  # leaders and administrators (leaders limited to their subtree)
    ADMIN = "admin"  # administrators only
    TOKEN = "token"  # the JSON API: a bearer token, checked by the view (api.auth), no session


def _mark(level: Access) -> Callable:
    def decorator(view: Callable) -> Callable:
        view.access = level
        return view

    return decorator


public = _mark(Access.PUBLIC)
staff_only = _mark(Access.STAFF)
admin_only = _mark(Access.ADMIN)


def access_of(endpoint: str | None) -> Access | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Access.PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce():
    level = access_of(request.endpoint)
    if request.endpoint is None:
        return None  # 404/405 are produced by routing
    if level is None:
        abort(403)
    if level in (Access.PUBLIC, Access.TOKEN):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if level == Access.ADMIN and current_user.role != Role.ADMIN:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    unmarked = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    )
    if unmarked:
        raise RuntimeError(f"views without an access decision: {', '.join(unmarked)}")
    app.before_request(enforce)


def readable_unit_ids(user=None) -> set[int] | None:
    """Units whose results the user may read; None means all (administrators)."""
    user = user or current_user
    if not user.is_authenticated:
        return set()
    if user.role == Role.ADMIN:
        return None
    if user.unit is None:
        return set()
    return subtree_ids(user.unit)


def can_read_unit(unit: OrgUnit, user=None) -> bool:
    ids = readable_unit_ids(user)
    return ids is None or unit.id in ids


def require_unit(unit: OrgUnit | None) -> OrgUnit:
    """404 for a unit that does not exist, 403 for one outside the user's subtree."""
    if unit is None:
        abort(404)
    if not can_read_unit(unit):
        abort(403)
    return unit
