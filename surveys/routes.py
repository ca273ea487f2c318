from flask import render_template_string

from helhet.access import admin_only
from surveys import bp


@bp.get("/admin/sporreskjema")
@admin_only
def questionnaires():
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Spørreskjema</h1>{% endblock %}")
