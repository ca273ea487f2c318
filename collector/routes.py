"""The answering pages (public): code entry, open links, one page per section, send, thanks.

The respondent's draft lives on the server; the browser session holds only the draft's token
(never the code). Codes are POSTed, except in a personal link (/k/<code>, sent by e-mail or text
message and printed as a QR code): that page starts the draft as typing the code does and at once
redirects to a URL without the code; its responses carry Referrer-Policy: no-referrer, and the logs
name only the URL rule /k/<code> (helhet/requestinfo.py, helhet/privacy.py). Every page works
without JavaScript. Language buttons on the answer pages belong to the answer form, so switching
language saves the page's valid answers and shows the same page again, with what was typed, in
the new language.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh

from collector import bp, queries, rendering, services
from collector.forms import CodeForm
from collector.queries import DraftRef
from collector.survey import Survey, load
from helhet import metrics
from helhet.access import public
from helhet.extensions import db, limiter
from helhet.i18n import (
    current_language,
    offer_languages,
    offered_languages,
    respondent_page,
    secret_url,
)
from helhet.privacy import client_key
from helhet.problems import status
from surveys.questiontypes import describe_answer, initial_data, kind_of

SESSION_KEY = "answer"


def configured_limit(name: str):
    return lambda: current_app.config[name]


# --- helpers ----------------------------------------------------------------------------------


def requested_language() -> str | None:
    """The language of a pressed language button (name="lang"), or None when none was pressed.
    A language this page does not offer (the questionnaire has no texts in it) shows the page
    again in the current language: the press never counts as another button."""
    if "lang" not in request.form:
        return None
    lang = request.form.get("lang")
    return lang if lang in offered_languages() else current_language()


def switch_language(lang: str) -> None:
    session["lang"] = lang
    refresh()  # the rest of this request speaks the new language


def status_page(kind: str, status: int, **context):
    """A page that says what happened and what to do: unknown_code, used_code, not_open_yet,
    closed, already_sent, no_draft."""
    return render_template("collector/status.html", kind=kind, **context), status


def round_status_page(error: services.RoundNotOpen):
    if isinstance(error, services.RoundNotOpenYet):
        return status_page("not_open_yet", 409, opens_at=error.opens_at, closes_at=error.closes_at)
    return status_page("closed", 410, closes_at=error.closes_at)


def current_draft():
    return queries.draft_ref(session.get(SESSION_KEY))


def no_draft(kind: str = "no_draft"):
    """No answers in progress in this browser: start from the code page, or say so
    (`kind`) on a POST.
    """
    if request.method == "GET":
        flash(_("Enter your code, or open the link you were given, to start answering."), "info")
        return redirect(url_for(".enter_code"), 303)
    return status_page(kind, 409)


def with_open_draft(when_gone: str = "no_draft"):
    """Load what an answer view is about once: the browser's draft and its survey, passed to the
    view as `ref` and `survey`, while the round is open. Without a draft the view is not called
    (a POST shows the status page `when_gone`); outside the round's time it shows why."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method == "GET":
                queries.read_only_request()
            ref = current_draft()
            if ref is None:
                return no_draft(when_gone)
            try:
                services.check_open(ref.campaign_id, ref.opens_at, ref.closes_at)
            except services.RoundNotOpen as error:
                return round_status_page(error)
            survey = load(ref.questionnaire_id, ref.published_at)
            offer_languages(survey.languages)
            return view(ref, survey, *args, **kwargs)

        return wrapper

    return decorator


def page_answers(form) -> tuple[dict, bool]:
    """The answers of a validated page that can be kept: valid answers, and None for questions
    left empty. Returns (answers, whether some typed answer was not valid)."""
    answers, invalid = {}, False
    for question, field in form.items():
        if field is None:
            continue
        empty = field.data is None or field.data == "" or field.data == []
        if field.errors and not empty:
            invalid = True
            continue
        answers[question.key] = (
            None if field.errors else kind_of(question).clean(question, field.data)
        )
    return answers, invalid


def only_format_errors(form) -> None:
    """Drop "answer this question" errors, keep errors about what was typed."""
    for _question, field in form.items():
        if field is not None and (field.data is None or field.data == "" or field.data == []):
            field.errors = []


def render_page(survey: Survey, page, form, status: int = 200, review: bool = False, answers=None):
    answers = answers or {}
    return (
        render_template(
            "collector/page.html",
            survey=survey,
            page=page,
            form=form,
            review=review,
            last=survey.is_last(page.number, answers),
            first=survey.previous_page(page.number, answers) is None,
            has_errors=any(f is not None and f.errors for _q, f in form.items()),
        ),
        status,
    )


bp.add_app_template_global(rendering.questions_html)  # templates/collector/page.html


# --- code entry and open links ----------------------------------------------------------------


# Typing a code and opening a personal link count against one limit per client: guessing codes
# through both ways gets no more tries than through one.
CODE_GUESSES = "code-entry"


@bp.route("/svar", methods=["GET", "POST"])
@respondent_page
@public
@limiter.shared_limit(
    configured_limit("RATELIMIT_CODE_ENTRY"), scope=CODE_GUESSES, methods=["POST"]
)
def enter_code():
    form = CodeForm()
    if request.method == "POST" and (lang := requested_language()):
        switch_language(lang)
        return (
            render_template(
                "collector/code.html", form=CodeForm(formdata=None, data={"code": form.code.data})
            ),
            200,
        )
    if form.validate_on_submit():
        try:
            token = services.start_with_code(form.code.data)
        except services.UnknownCode:
            return render_template("collector/code.html", form=form, problem="unknown_code"), 404
        except services.CodeAlreadyUsed:
            return status_page("used_code", 409)
        except services.RoundNotOpen as error:
            return round_status_page(error)
        db.session.commit()
        session[SESSION_KEY] = token
        return redirect(url_for(".answer_page", page=1), 303)
    return render_template("collector/code.html", form=form), status(form)


def no_referrer(response):
    """A page whose URL holds a code: the browser must not pass that URL on (not even to our own
    stylesheet), so the code cannot end up in another server's log."""
    response = current_app.make_response(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/k/<code>")
@respondent_page
@secret_url("collector.enter_code")  # its pages' language links go back to /svar, not /k/<code>
@public
@limiter.shared_limit(configured_limit("RATELIMIT_CODE_ENTRY"), scope=CODE_GUESSES)
def personal_link(code: str):
    """A personal link: the code in the URL opens the survey without typing, then the browser
    is sent on (303) to the first page, whose URL has no code. `?lang=nn` (the language the
    invitation was written in) chooses the survey's language."""
    if request.args.get("lang") in current_app.config["RESPONDENT_LANGUAGES"]:
        session["lang"] = request.args["lang"]
    try:
        token = services.start_with_code(code)
    except services.UnknownCode:
        form = CodeForm(formdata=None)
        return no_referrer(
            (render_template("collector/code.html", form=form, problem="unknown_code"), 404)
        )
    except services.CodeAlreadyUsed:
        return no_referrer(status_page("used_code", 409))
    except services.RoundNotOpen as error:
        return no_referrer(round_status_page(error))
    db.session.commit()
    session[SESSION_KEY] = token
    return no_referrer(redirect(url_for(".answer_page", page=1), 303))


@bp.route("/s/<link_token>", methods=["GET", "POST"])
@respondent_page
@public
@limiter.limit(configured_limit("RATELIMIT_CODE_ENTRY"), methods=["POST"])
def open_link(link_token: str):
    link = queries.link(link_token) or abort(404)
    campaign = link.campaign
    try:
        services.check_open(campaign.id, campaign.opens_at, campaign.closes_at)
    except services.RoundNotOpen as error:
        return round_status_page(error)
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    offer_languages(survey.languages)
    if request.method == "POST":
        if lang := requested_language():
            switch_language(lang)
        else:
            session[SESSION_KEY] = services.start_open_link(
                link, campaign, session.get(SESSION_KEY)
            )
            db.session.commit()
            return redirect(url_for(".answer_page", page=1), 303)
    ref = current_draft()
    resuming = ref is not None and ref.campaign_id == campaign.id and ref.unit_id == link.unit_id
    return render_template(
        "collector/start.html",
        survey=survey,
        link=link,
        campaign=campaign,
        closes_at=campaign.closes_at,
        resuming=resuming,
    )


# --- the answer pages -------------------------------------------------------------------------


@bp.route("/svar/side/<int:page>", methods=["GET", "POST"])
@respondent_page
@public
@with_open_draft()
def answer_page(ref: DraftRef, survey: Survey, page: int):
    current = survey.page(page) or abort(404)
    review = request.values.get("review") == "1"
    language = current_language()
    if page not in survey.asked(ref.answers).pages:  # hidden by a condition: go on past it
        following = survey.next_page(page, ref.answers)
        if following is None:
            return redirect(url_for(".review"), 303)
        return redirect(
            url_for(".answer_page", page=following, review="1" if review else None), 303
        )
    shown = survey.shown(current, ref.answers)
    form_class = survey.form_class(current, language, shown)
    if request.method == "GET":
        form = form_class(formdata=None, data=initial_data(list(shown), ref.answers))
        return render_page(survey, current, form, review=review, answers=ref.answers)

    form = form_class()
    valid = form.validate()
    answers, invalid = page_answers(form)
    try:
        services.save_answers(ref, answers)
    except services.AlreadySent:
        db.session.rollback()
        return status_page("already_sent", 409)
    db.session.commit()

    if lang := requested_language():
        switch_language(lang)
        form = survey.form_class(current, lang, shown)()
        form.validate()
        only_format_errors(form)
        return render_page(survey, current, form, review=review, answers=ref.answers)
    action = request.form.get("action", "next")
    if action in ("back", "save"):
        if invalid:  # going on would lose what was typed: show it with its error
            only_format_errors(form)
            return render_page(survey, current, form, 422, review=review, answers=ref.answers)
        if action == "save":
            return redirect(url_for(".saved", side=page), 303)
        previous = survey.previous_page(page, ref.answers)
        if previous is None:
            return redirect(url_for(".answer_page", page=page), 303)
        return redirect(url_for(".answer_page", page=previous, review="1" if review else None), 303)
    if not valid:
        return render_page(survey, current, form, 422, review=review, answers=ref.answers)
    following = survey.next_page(page, ref.answers)
    if review or following is None:
        return redirect(url_for(".review"), 303)
    return redirect(url_for(".answer_page", page=following), 303)


def summary(survey: Survey, answers: dict) -> list[tuple]:
    """The shown pages with their shown questions' answers (a question hidden by a condition is
    not listed, and neither is its answer: it will not be sent)."""
    language = current_language()
    asked = survey.asked(answers)
    return [
        (
            page,
            [
                (q, describe_answer(q, asked.answers.get(q.key), language))
                for q in page.questions
                if q.answerable and q.key in asked.questions
            ],
        )
        for page in survey.pages
        if page.number in asked.pages
    ]


@bp.route("/svar/send", methods=["GET", "POST"])
@respondent_page
@public
@limiter.limit(configured_limit("RATELIMIT_SUBMIT"), methods=["POST"])
@with_open_draft(when_gone="already_sent")  # a second click on Send finds the draft gone
def review(ref: DraftRef, survey: Survey):
    response_status = 200
    problems = []
    if request.method == "POST":
        if lang := requested_language():
            switch_language(lang)
        else:
            try:
                services.submit(ref, survey, client=client_key())
            except services.IncompleteAnswers as error:
                db.session.rollback()
                problems, response_status = error.problems, 422
            except (services.CodeAlreadyUsed, services.AlreadySent):
                db.session.rollback()
                session.pop(SESSION_KEY, None)
                return status_page("already_sent", 409)
            else:
                db.session.commit()
                metrics.response_sent(ref.campaign_id)  # counted once stored, by round only
                session.pop(SESSION_KEY, None)
                return redirect(url_for(".thank_you"), 303)
    return (
        render_template(
            "collector/review.html",
            survey=survey,
            sections=summary(survey, ref.answers),
            last_page=survey.last_page(ref.answers),
            problems=problems,
        ),
        response_status,
    )


@bp.get("/svar/takk")
@respondent_page
@public
def thank_you():
    return render_template("collector/thanks.html")


@bp.get("/svar/lagret")
@respondent_page
@public
def saved():
    ref = current_draft()
    if ref is None:
        return no_draft()
    page = request.args.get("side", type=int) or 1
    return render_template(
        "collector/saved.html",
        with_code=ref.invitation_id is not None,
        page=page,
        closes_at=ref.closes_at,
    )


from collector import admin_routes  # noqa: E402,F401  (the round administration pages)
