"""Languages: nb (default), nn and en everywhere; se, uk and pl on the respondents' pages.

The interface language comes from the person's explicit choice (kept in the session), then the
browser's Accept-Language, then nb. Administrators' pages speak LANGUAGES; views marked
`respondent_page` (answering, saved, thanks) speak RESPONDENT_LANGUAGES, narrowed by
`offer_languages()` to those the questionnaire being answered has texts for. Texts stored per
language in the database (questionnaire titles, questions) are picked with `localized()`, falling
back to nb and then to any language present.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask_babel import force_locale, format_date, format_datetime, get_locale, gettext, refresh

from helhet.config import LANGUAGES, RESPONDENT_LANGUAGES
from helhet.extensions import babel

# Accept-Language tags that mean one of our languages ("no" is Norwegian, written as bokmål;
# "sme" is Northern Sami's three-letter code).
ALIASES = {"no": "nb", "sme": "se", **{lang: lang for lang in RESPONDENT_LANGUAGES}}


def respondent_page(view):
    """Mark a view as a respondent's page: it may speak RESPONDENT_LANGUAGES (put it right
    under the route decorator)."""
    view.respondent_page = True
    return view


def secret_url(fallback_endpoint: str):
    """Mark a view whose URL holds a secret (a personal link's code): its pages' language links
    bring the person back to `fallback_endpoint` instead of this URL, so the secret is never
    repeated in a link (put it right under the route decorator)."""

    def mark(view):
        view.secret_url = fallback_endpoint
        return view

    return mark


def return_path() -> str:
    """Where a language link brings the person back: this page (path and query), or the
    fallback of a view marked with `secret_url`."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    fallback = getattr(view, "secret_url", None)
    if fallback:
        return url_for(fallback)
    return request.full_path.rstrip("?")


def is_respondent_request() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "respondent_page", False))


def offered_languages() -> tuple[str, ...]:
    """The languages this request may speak: the questionnaire's (offer_languages) or all
    respondent languages on a respondent's page, else the administrators' LANGUAGES."""
    if is_respondent_request():
        return g.get("offered_languages") or tuple(current_app.config["RESPONDENT_LANGUAGES"])
    return tuple(current_app.config["LANGUAGES"])


def offer_languages(languages) -> None:
    """Narrow this respondent request to `languages` (those the questionnaire has texts for);
    a language chosen earlier that the questionnaire lacks falls back as select_locale says."""
    g.offered_languages = tuple(
        lang for lang in languages if lang in current_app.config["RESPONDENT_LANGUAGES"]
    )
    refresh()


def select_locale() -> str:
    languages = offered_languages() if has_request_context() else ()
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
    for lang in (language, *LANGUAGES):  # se, uk, pl fall back to nb, then nn, then en
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


OSLO = ZoneInfo("Europe/Oslo")

# How a date is written in each language; Norwegian, Sami, Ukrainian and Polish write 31.12.2026.
DATE_PATTERNS = {"en": "d MMMM y"}


def last_open(closes_at: datetime) -> tuple[date, time | None]:
    """The last day a round is open, as people read it, from its stored (naive UTC, exclusive)
    closing time: a round that closes at midnight in Norway is open through the day before
    (time None); otherwise through that day until the local time given."""
    local = closes_at.replace(tzinfo=UTC).astimezone(OSLO).replace(tzinfo=None)
    if local.time() == time(0, 0):
        return local.date() - timedelta(days=1), None
    return local.date(), local.time()


def open_until(closes_at: datetime | None, language: str | None = None) -> str:
    """The closing time as people read it, to follow "open": "til og med 31.12.2026" for a round
    that closes at midnight, "til 31.12.2026 kl. 14:00" otherwise (nb; in `language` or the
    current one). Never "til 01.01.2027 00:00"."""
    if closes_at is None:
        return ""
    if language is not None:
        with force_locale(language):
            return open_until(closes_at)
    day, at = last_open(closes_at)
    written = format_date(day, DATE_PATTERNS.get(current_language(), "dd.MM.yyyy"))
    if at is None:
        return gettext("until and including %(date)s", date=written)
    return gettext("until %(date)s at %(time)s", date=written, time=at.strftime("%H:%M"))


# Each language by its own name (as the language switch shows it)
LANGUAGE_NAMES = {
    "nb": "Bokmål",
    "nn": "Nynorsk",
    "en": "English",
    "se": "Davvisámegiella",
    "uk": "Українська",
    "pl": "Polski",
}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)  # times are shown in BABEL_DEFAULT_TIMEZONE
    app.jinja_env.filters["tr"] = localized
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["open_until"] = open_until

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "language_names": LANGUAGE_NAMES,
            "languages": offered_languages(),
            "return_path": return_path if has_request_context() else None,
        }
