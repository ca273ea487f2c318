from flask import Blueprint

bp = Blueprint("surveys", __name__)

from surveys import routes  # noqa: E402,F401
