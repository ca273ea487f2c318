from flask import render_template_string

from collector import bp
from helhet.access import admin_only, public


@bp.get("/admin/runder")
@admin_only
def campaigns():
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Runder</h1>{% endblock %}")


@bp.get("/svar")
@public
def enter_code():
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Svar</h1>{% endblock %}")
