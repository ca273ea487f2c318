from flask import Blueprint

bp = Blueprint("collector", __name__, cli_group=None)  # cli.py adds `helhet round`, `responses`

from collector import cli, routes  # noqa: E402,F401  (answering pages; they import admin_routes)
