"""/konto/tokener: a signed-in user's own API tokens (list, create, revoke).

A new token is shown once, on the page that answers the creating POST (never through a redirect:
the session cookie is signed, not secret). Only its hash is stored.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from api import pages, queries, services
from api.forms import RevokeForm, TokenForm
from helhet.access import staff_only
from helhet.extensions import db
from helhet.problems import attach, status


def _page(form: TokenForm, secret: str | None = None, code: int = 200):
    return (
        render_template(
            "api/tokens.html",
            form=form,
            revoke_form=RevokeForm(formdata=None),
            tokens=queries.tokens_of(current_user),
            secret=secret,
        ),
        code,
    )


@pages.get("/konto/tokener")
@staff_only
def tokens():
    return _page(TokenForm(formdata=None))


@pages.post("/konto/tokener")
@staff_only
def create_token():
    form = TokenForm()
    if form.validate():
        try:
            new = services.create_token(current_user, form.name.data)
        except services.TokenError as error:
            attach(form, error)
        else:
            db.session.commit()
            return _page(TokenForm(formdata=None), secret=new.secret, code=201)
    return _page(form, code=status(form))


@pages.post("/konto/tokener/tilbakekall")
@staff_only
def revoke_token():
    form = RevokeForm()
    if not form.validate():
        abort(400)
    token = queries.token_of(current_user, form.token_id.data)
    if token is None:
        abort(404)
    services.revoke(token)
    db.session.commit()
    flash(_("The token %(name)s no longer works.", name=token.name), "info")
    return redirect(url_for(".tokens"), 303)
