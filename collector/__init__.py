from flask import Blueprint

bp = Blueprint("collector", __name__)

from collector import routes  # noqa: E402,F401  (answering pages; they import admin_routes)
