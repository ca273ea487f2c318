"""/health and /ready, for a load balancer, an orchestrator or a monitor.

- `GET /health`: the process answers (200 `{"status": "ok"}`). It touches nothing else, so a slow
  database never makes a load balancer kill a healthy worker.
- `GET /ready`: this process can serve: the database answers, its schema is at the migrations'
  head, and Redis (the rate-limit store, when RATELIMIT_STORAGE_URI names one) answers. 200 with
  each check's "ok", or 503 with the reasons, e.g.
  `{"status": "unavailable", "checks": {"database": "ok", "migrations": "the database is at
  0007_x, the code at 0009_y: run helhet db upgrade", "redis": "ok"}, "reasons": [...]}`.

Both are public (no login), not rate limited, set no cookie, and say nothing about the data: a
reason names what failed and the kind of error, never a message (it could hold a password or a
host name from a connection string).
"""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app
from limits.storage import storage_from_string
from sqlalchemy import text

from helhet.access import public
from helhet.extensions import db, limiter, migrate

bp = Blueprint("health", __name__)
limiter.exempt(bp)

OK = "ok"
NOT_CONFIGURED = "not configured"
NOT_CHECKED = "not checked (the database does not answer)"
GOOD = (OK, NOT_CONFIGURED)
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
_HEADS = "helhet.migration_heads"
_REDIS = "helhet.ready_redis"


@bp.get("/health")
@public
def health():
    return {"status": "ok"}


@bp.get("/ready")
@public
def ready():
    checks = {"database": database_check()}
    checks["migrations"] = migrations_check() if checks["database"] == OK else NOT_CHECKED
    checks["redis"] = redis_check()
    reasons = [f"{name}: {verdict}" for name, verdict in checks.items() if verdict not in GOOD]
    if reasons:
        return {"status": "unavailable", "checks": checks, "reasons": reasons}, 503
    return {"status": "ready", "checks": checks}


def _kind(error: Exception) -> str:
    return type(error).__name__


def database_check() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure means: not ready
        db.session.rollback()
        return f"unreachable ({_kind(error)})"
    return OK


def code_heads(app: Flask) -> frozenset[str]:
    """The migrations' head revision(s), read once per process from migrations/versions."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        heads = frozenset(ScriptDirectory(str(migrate.directory)).get_heads())
        app.extensions[_HEADS] = heads
    return heads


def migrations_check() -> str:
    try:
        current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    except Exception as error:
        db.session.rollback()
        return f"cannot read the schema's revision ({_kind(error)})"
    wanted = code_heads(current_app._get_current_object())
    if current == wanted:
        return OK
    if not current:
        return "the database has no schema revision: run helhet init-db"
    return (
        f"the database is at {', '.join(sorted(current))}, the code at"
        f" {', '.join(sorted(wanted))}: run helhet db upgrade"
    )


def redis_check() -> str:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.split("://", 1)[0] not in REDIS_SCHEMES:
        return NOT_CONFIGURED
    storage = current_app.extensions.get(_REDIS)
    if storage is None:
        options = current_app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        try:
            storage = storage_from_string(uri, **options)
        except Exception as error:
            return f"unusable RATELIMIT_STORAGE_URI ({_kind(error)})"
        current_app.extensions[_REDIS] = storage
    try:
        answers = storage.check()
    except Exception as error:
        return f"unreachable ({_kind(error)})"
    return OK if answers else "unreachable"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
