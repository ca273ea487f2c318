"""Helhet: the Flask application factory.

from helhet import create_app
app = create_app()                      # configuration from instance/ and the environment
app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})   # overrides win
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from helhet import config as config_module
from helhet import ratelimits
from helhet.config import INSTANCE_PATH, REPO_ROOT, check_source_tree
from helhet.extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    check_source_tree()
    app = Flask(
        "helhet",
        root_path=str(REPO_ROOT),
        instance_path=str(INSTANCE_PATH),
        template_folder="templates",
        static_folder=str(REPO_ROOT / "helhet" / "static"),
    )
    app.config.from_mapping(config_module.load(config))
    if app.config.get("PROXY_FIX"):
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    ratelimits.init_app(app)  # refuses memory:// when several processes serve the app

    from helhet import (
        access,
        auth,
        edge,
        errorlog,
        errors,
        health,
        i18n,
        logging_json,
        metrics,
        privacy,
        requestinfo,
        security,
        web,
    )

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    i18n.init_app(app)
    security.init_app(app)
    privacy.install_log_filter()
    requestinfo.init_app(app)  # the request's id and timing, for the log and the metrics
    logging_json.init_app(app)  # JSON lines: one per request and one per administrator action
    errorlog.init_app(app)
    metrics.init_app(app)  # /metrics (token or allowed addresses only)
    edge.init_app(app)
    errors.init_app(app)
    auth.init_app(app)

    from api import init_app as init_api
    from collector import bp as collector_bp
    from collector.messaging import mail
    from helhet.admin import bp as admin_bp
    from results import bp as results_bp
    from scorecard import bp as scorecard_bp
    from surveys import bp as surveys_bp

    app.register_blueprint(web.bp)
    health.init_app(app)  # /health and /ready
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(collector_bp)
    mail.init_app(app)  # e-mail invitations (collector/messaging.py)
    app.register_blueprint(results_bp)
    app.register_blueprint(scorecard_bp)
    init_api(app)  # the JSON API (flask-smorest) and /konto/tokener

    from helhet import cli  # inline: helhet.cli imports create_app from this module

    cli.init_app(app)  # helhet's own commands; the blueprints above brought theirs
    access.init_app(app)  # last: checks that every view has an access decision
    return app


__all__ = ["babel", "create_app", "db", "login_manager"]
