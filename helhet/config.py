"""Configuration: defaults here, overridden by instance/config.py, then by the environment.

Nothing secret lives in the code. SECRET_KEY comes from the environment, from instance/config.py,
or is generated once into instance/secret_key (readable only by the owner) on first start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Helhet runs from its source directory: templates, translations and migrations live there, beside
# the packages, and an editable install (`pip install -e .`) keeps the packages there too.
SOURCE_DIRECTORIES = ("templates", "translations", "migrations")
INSTANCE_PATH = Path(os.environ.get("HELHET_INSTANCE_PATH", REPO_ROOT / "instance"))

LANGUAGES = ("nb", "nn", "en")  # the administrators' pages
# The respondents' languages: the answering pages, letters and questionnaire texts. Northern Sami,
# Ukrainian and Polish are for respondents only; their catalogues say they are not yet checked by
# a native speaker (docs/languages.md).
RESPONDENT_LANGUAGES = (*LANGUAGES, "se", "uk", "pl")

# Settings that may come from the environment, with the type to read them as.
ENVIRONMENT_SETTINGS = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "BABEL_DEFAULT_LOCALE": str,
    "CLI_LOCALE": str,
    "RATELIMIT_STORAGE_URI": str,
    "SESSION_COOKIE_SECURE": bool,
    "PREFERRED_URL_SCHEME": str,
    "PROXY_FIX": int,
    "PUBLIC_BASE_URL": str,
    "OPEN_LINK_BURST": str,
    "METRICS_TOKEN": str,
    "METRICS_ALLOW": str,
    # e-mail invitations (collector/messaging.py, Flask-Mailman over SMTP)
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": int,
    # text-message invitations (an SMS gateway that takes an HTTP POST per message)
    "SMS_GATEWAY_URL": str,
    "SMS_GATEWAY_FORMAT": str,
    "SMS_GATEWAY_USER": str,
    "SMS_GATEWAY_PASSWORD": str,
    "SMS_GATEWAY_TOKEN": str,
    "SMS_SENDER": str,
    "SMS_GATEWAY_TIMEOUT": int,
}


class NotInSourceTree(RuntimeError):
    """The packages were installed away from the checkout (`pip install .`)."""


def check_source_tree(root: Path = REPO_ROOT) -> None:
    """Refuse to start, saying what to do, when the templates, translations and migrations are not
    beside the packages: a plain `pip install .` copies only the packages into site-packages."""
    missing = [name for name in SOURCE_DIRECTORIES if not (root / name).is_dir()]
    if missing:
        raise NotInSourceTree(
            f"Helhet's {', '.join(missing)} are not in {root}. Helhet runs from its source"
            " directory: install it there with `pip install -e .` (not `pip install .`), as"
            " docs/operations.md shows."
        )


class Defaults:
    DATABASE_URL = f"sqlite:///{INSTANCE_PATH / 'helhet.sqlite'}"
    BABEL_DEFAULT_LOCALE = "nb"
    CLI_LOCALE = "en"  # messages of the `helhet` command (and of services called outside a request)
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = LANGUAGES
    RESPONDENT_LANGUAGES = RESPONDENT_LANGUAGES
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # turned on for requests that arrived over https, see security.py
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = (
        None  # a respondent may take hours over a survey; the token is per session
    )
    # one process only (helhet run, gunicorn -w 1): see helhet/ratelimits.py
    RATELIMIT_STORAGE_URI = "memory://"
    # No X-RateLimit-* headers on every response: each would cost a read of the counters (a
    # round trip to Redis) on every limited request. A refused request still says when to try
    # again (Retry-After, helhet/errors.py).
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_CODE_ENTRY = "30 per minute;300 per hour"
    RATELIMIT_SUBMIT = "20 per minute;200 per hour"
    # Open-link answers beyond this many from one client are held for an administrator to decide
    # on (not refused: colleagues behind one network address may answer at the same time).
    OPEN_LINK_BURST = "3 per minute"
    PUBLIC_BASE_URL = ""  # e.g. https://svar.kommune.no: the answering address printed in letters
    # hide_parameters: a database error never lists the values of the statement (answers),
    # see errorlog.py
    # No pool_pre_ping: it costs a round trip on every request (about a tenth of an answering
    # page's time). A connection found broken answers that one request with 503 (helhet/errors.py)
    # and SQLAlchemy reconnects; pool_recycle renews connections before idle timeouts cut them.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 1800, "hide_parameters": True}
    PROXY_FIX = 0  # number of trusted reverse proxies in front of the app
    # /metrics answers only a bearer token or these networks (helhet/metrics.py); else 404
    METRICS_TOKEN = ""
    METRICS_ALLOW = ""  # CIDR list, e.g. "127.0.0.1/32, 10.0.0.0/8"
    # E-mail invitations and reminders: SMTP through Flask-Mailman. MAIL_SERVER and
    # MAIL_DEFAULT_SENDER empty: no e-mail (the round page says so). SMTP also in tests (a real
    # server in the test process), never Flask-Mailman's in-memory backend.
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS (port 587)
    MAIL_USE_SSL = False  # TLS from the start (port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = ""  # e.g. "Bergen kommune <undersokelse@bergen.kommune.no>"
    MAIL_TIMEOUT = 30
    # Text messages: one HTTP POST per message to SMS_GATEWAY_URL (collector/messaging.py)
    SMS_GATEWAY_URL = ""
    SMS_GATEWAY_FORMAT = "form"  # or "json"
    SMS_GATEWAY_USER = ""
    SMS_GATEWAY_PASSWORD = ""
    SMS_GATEWAY_TOKEN = ""  # sent as a bearer token instead of user and password
    SMS_SENDER = ""  # the sender name or number the gateway shows, e.g. "Kommunen"
    SMS_GATEWAY_TIMEOUT = 30  # seconds; a gateway that does not answer in time: "uncertain"


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(overrides: dict | None = None) -> dict:
    """Return the configuration as a dict:
    defaults < instance/config.py < environment < overrides.
    """
    config = {k: getattr(Defaults, k) for k in dir(Defaults) if k.isupper()}
    instance_file = INSTANCE_PATH / "config.py"
    if instance_file.exists():
        namespace: dict = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    for name, kind in ENVIRONMENT_SETTINGS.items():
        if name in os.environ:
            raw = os.environ[name]
            config[name] = _as_bool(raw) if kind is bool else kind(raw)
    config.update(overrides or {})
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["DATABASE_URL"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret_key()
        config["SECRET_KEY_GENERATED"] = True  # per machine: `helhet serve` refuses it (serve.py)
    return config


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret_key() -> str:
    """Read instance/secret_key, creating it (mode 600) the first time."""
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_PATH / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()
