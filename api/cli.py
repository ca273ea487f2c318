"""`helhet token create|revoke|list EMAIL`: a user's API tokens from the command line.

helhet token create leder@kommune.no --name "Power BI"    # prints the token once, last
helhet token revoke leder@kommune.no --name "Power BI"
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from api import bp, queries, services
from helhet.clitools import echo_rows, existing_user, list_format, refused
from helhet.extensions import db


@click.group("token")
def token_cli() -> None:
    """A user's API tokens (Authorization: Bearer TOKEN on /api/v1)."""


@token_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'Power BI'.")
@with_appcontext
def token_create(email: str, name: str) -> None:
    """Make a token for the user and print it, once (it is not stored, only its hash)."""
    user = existing_user(email)
    with refused(services.TokenError):
        new = services.create_token(user, name)
    db.session.commit()
    click.echo("The token is shown only this once; keep it as a password:")
    click.echo(new.secret)


@token_cli.command("revoke")
@click.argument("email")
@click.option("--name", required=True, help="The name of the token to revoke.")
@with_appcontext
def token_revoke(email: str, name: str) -> None:
    """Stop the user's token with this name from working, at once and for good."""
    user = existing_user(email)
    with refused(services.TokenError):
        token = services.revoke_token(user, name)
    db.session.commit()
    click.echo(f"Revoked the token {token.name!r} of {user.email}.")


@token_cli.command("list")
@click.argument("email")
@list_format
@with_appcontext
def token_list(email: str, fmt: str) -> None:
    """The user's tokens (names and dates; the tokens themselves are not kept)."""
    rows = [
        {
            "name": token.name,
            "created_at": token.created_at.isoformat(timespec="seconds"),
            "revoked_at": token.revoked_at.isoformat(timespec="seconds")
            if token.revoked_at
            else None,
        }
        for token in queries.tokens_of(existing_user(email))
    ]
    echo_rows(
        fmt,
        rows,
        lambda r: f"{r['name']}  {r['created_at']}  {r['revoked_at'] or 'in use'}",
    )


bp.cli.add_command(token_cli)
