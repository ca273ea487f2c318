from flask import Blueprint

bp = Blueprint("surveys", __name__, cli_group=None)  # cli.py adds `helhet questionnaire`

from surveys import cli, routes  # noqa: E402,F401
