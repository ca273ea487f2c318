"""Languages: nb (default), nn and en.

The interface language comes from the person's explicit choice (kept in the session), then the
browser's Accept-Language, then nb. Texts stored per language in the database (questionnaire titles,
questions) are picked with `localized()`, falling back to nb and then to any language present.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale

from helhet.config import LANGUAGES
from helhet.extensions import babel

# Accept-Language tags that mean one of our languages ("no" is Norwegian, written as bokmål).
ALIASES = {"no": "nb", **{lang: lang for lang in LANGUAGES}}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line speaks CLI_LOCALE (English unless configured)
        return current_app.config["CLI_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    for tag, _quality in request.accept_languages:
        primary = tag.lower().replace("_", "-").split("-")[0]
        if ALIASES.get(primary) in languages:
            return ALIASES[primary]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "nb")


def localized(texts: dict | None, language: str | None = None) -> str:
    """Pick the text for `language` (default: the current one)
    from {"nb": ..., "nn": ..., "en": ...}.
    """
    if not texts:
        return ""
    language = language or current_language()
    for lang in (language, *LANGUAGES):
        if texts.get(lang):
            return texts[lang]
    return next((v for v in texts.values() if v), "")


def local_time(moment) -> str:
    """A stored (naive UTC) time as Norwegian local time, e.g. 02.03.2026 08:00
    (BABEL_DEFAULT_TIMEZONE).
    """
    return format_datetime(moment, "dd.MM.yyyy HH:mm") if moment else ""


def local_date(moment) -> str:
    """The Norwegian local date of a stored (naive UTC) time, e.g. 02.03.2026."""
    return format_datetime(moment, "dd.MM.yyyy") if moment else ""


LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)  # times are shown in BABEL_DEFAULT_TIMEZONE
    app.jinja_env.filters["tr"] = localized
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "language_names": LANGUAGE_NAMES,
            "languages": app.config["LANGUAGES"],
        }
