"""The questionnaire editor for administrators: list, create, edit, reorder, preview, publish,
new version, import and export. Thin views: form -> service -> commit -> flash -> redirect (303);
422 with the form again when something is wrong.

Every page about one questionnaire is loaded by `@reads` or `@edits` (the questionnaire, and the
section, question or indicator the address names, or 404). A published version is shown read-only:
a page that `@edits` sends it back to its overview, since published versions never change.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from helhet.access import admin_only
from helhet.config import LANGUAGES, RESPONDENT_LANGUAGES
from helhet.extensions import db
from helhet.i18n import current_language, localized
from helhet.problems import attach, status
from surveys import bp, conditions, grids, jsonformat, library, queries, services
from surveys.errors import InvalidQuestionnaire, QuestionnaireError, UnsupportedContent
from surveys.forms import (
    ChangeTypeForm,
    ConditionForm,
    ConfirmForm,
    ImportForm,
    IndicatorForm,
    MoveForm,
    QuestionnaireForm,
    SectionForm,
    error_items,
    lock,
    nested,
    question_form,
)
from surveys.labels import DIMENSION_LABELS, KIND_LABELS, LANGUAGE_LABELS
from surveys.models import Indicator, Question, Questionnaire, Section
from surveys.questiontypes import TYPES, QuestionKind, build_answer_form, kind_of
from surveys.values import number, texts

BASE = "/admin/sporreskjema"
QUESTION_TYPES = f"any({','.join(TYPES)})"
BLANK_CHOICE_ROWS = 2
CONFLICT = _l(
    "Someone else changed this questionnaire at the same moment. Look at it again and retry."
)


@bp.context_processor
def editor_context():
    return {
        "kind_labels": KIND_LABELS,
        "question_types": TYPES,
        "dimension_labels": DIMENSION_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "editor_languages": RESPONDENT_LANGUAGES,
        "answer_languages": queries.answer_languages,
        "unchecked_message": lambda langs: services.unchecked_message(
            jsonformat.unchecked_languages(langs)
        ),
        "error_items": error_items,
        "missing_languages": missing_languages,
        "number": number,
        "sample_form": sample_form,
        "condition_in_words": condition_in_words,
    }


def condition_in_words(questionnaire: Questionnaire, condition: dict | None) -> str:
    """A question's or section's condition in words, in the page's language ("" for none)."""
    if not condition:
        return ""
    by_key = {q.key: q for q in questionnaire.questions}
    return conditions.describe(condition, by_key, current_language())


bp.add_app_template_global(
    kind_of, "question_kind"
)  # templates/surveys/_question.html, on every answer page
bp.add_app_template_filter(grids.blocks, "question_blocks")  # the same, grids as one block


def missing_languages(question: Question) -> list[str]:
    """Languages in which some text of the question (or of its choices) is missing."""
    found = [question.text, *(c.label for c in question.choices)]
    return [lang for lang in LANGUAGES if any(not texts(t).get(lang) for t in found)]


def sample_form(question: Question):
    """The question as the respondent sees it, in the current language, with nothing filled in."""
    return build_answer_form([question], current_language())(formdata=None, meta={"csrf": False})


# --- loading, and what every page does with a change -----------------------------------------

PARTS = {
    "section_id": ("section", Section),
    "question_id": ("question", Question),
    "indicator_id": ("indicator", Indicator),
}


def reads(view: Callable) -> Callable:
    """The view gets the questionnaire its address names
    (and the section, question or indicator), or 404.
    """
    return _loading(view, guard=False)


def edits(view: Callable) -> Callable:
    """As `reads`; a published version goes back to its overview instead,
    saying it cannot change.
    """
    return _loading(view, guard=True)


def _loading(view: Callable, guard: bool) -> Callable:
    @wraps(view)
    def load(questionnaire_id: int, **args):
        questionnaire = queries.get(questionnaire_id)
        if questionnaire is None:
            abort(404)
        if guard and questionnaire.is_published:
            flash(
                _(
                    "Version %(version)s is published and cannot be changed. Make a new version to"
                    " edit it.",
                    version=questionnaire.version,
                ),
                "error",
            )
            return _overview(questionnaire)
        for id_name, (name, model) in PARTS.items():
            if id_name in args:
                args[name] = queries.part(model, args.pop(id_name), questionnaire)
                if args[name] is None:
                    abort(404)
        return view(questionnaire, **args)

    return load


def _overview(questionnaire: Questionnaire, anchor: str | None = None):
    url = url_for(".questionnaire", questionnaire_id=questionnaire.id)
    return redirect(url + (f"#{anchor}" if anchor else ""), 303)


def _refused(questionnaire: Questionnaire, error: QuestionnaireError, anchor: str | None = None):
    db.session.rollback()
    flash(error.message, "error")
    return _overview(questionnaire, anchor)


def _committed() -> bool:
    """Commit; False (rolled back) when another request took the same key and version just now."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _saved(form, change: Callable, conflict: QuestionnaireError | None = None):
    """change(), committed, and what it gave; or None, rolled back, with the service's error on the
    form (or `conflict` when another request saved the same key at the same moment)."""
    try:
        changed = change()
        db.session.commit()
        return changed
    except QuestionnaireError as refused:
        db.session.rollback()
        attach(form, form.place(refused))
    except IntegrityError:
        db.session.rollback()
        attach(form, conflict or QuestionnaireError(str(CONFLICT)))
    return None


def _moved(questionnaire: Questionnaire, move: Callable[[int], object], anchor: str):
    """A move button (up or down): move(step), then back to the overview at `anchor`."""
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        move(form.step)
    except QuestionnaireError as error:
        return _refused(questionnaire, error, anchor)
    db.session.commit()
    return _overview(questionnaire, anchor)


def _deleted(
    questionnaire: Questionnaire,
    delete: Callable[[], object],
    done: str,
    *,
    title: str,
    message: str,
    button: str,
    anchor: str | None = None,
    then=None,
):
    """A delete page: asking first (title, message, button), then delete(), saying `done`, and on to
    `then` (the overview at `anchor` if not given)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            delete()
        except QuestionnaireError as error:
            return _refused(questionnaire, error, anchor)
        db.session.commit()
        flash(done, "success")
        return then or _overview(questionnaire, anchor)
    return render_template(
        "surveys/confirm.html",
        questionnaire=questionnaire,
        form=form,
        title=title,
        message=message,
        button=button,
    )


# --- list, create, import --------------------------------------------------------------------


@bp.get(BASE)
@admin_only
def questionnaires():
    items = queries.overview()
    missing = [k for k in library.STANDARD_KEYS if not queries.versions(k)]
    return render_template(
        "surveys/list.html",
        items=items,
        counts=queries.question_counts(),
        missing_standard=missing,
        confirm_form=ConfirmForm(),
    )


@bp.route(f"{BASE}/nytt", methods=["GET", "POST"])
@admin_only
def new_questionnaire():
    form = QuestionnaireForm()
    if form.validate_on_submit():
        taken = QuestionnaireError(
            _("A questionnaire with the key %(key)s exists already.", key=form.key.data), "key"
        )
        questionnaire = _saved(
            form, lambda: services.create_questionnaire(**form.settings()), conflict=taken
        )
        if questionnaire is not None:
            flash(
                _(
                    "The questionnaire %(key)s was created as a draft. Add sections and questions.",
                    key=questionnaire.key,
                ),
                "success",
            )
            return _overview(questionnaire)
    return render_template("surveys/settings.html", form=form, questionnaire=None), status(form)


@bp.post(f"{BASE}/standard")
@admin_only
def install_standard():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    installed = library.install_standard(publish=True)
    db.session.commit()
    flash(
        (
            ngettext(
                "Installed and published %(num)s standard questionnaire.",
                "Installed and published %(num)s standard questionnaires.",
                len(installed),
            )
            if installed
            else _("The standard questionnaires are installed already.")
        ),
        "success",
    )
    return redirect(url_for(".questionnaires"), 303)


def _uploaded(form: ImportForm) -> tuple[str, bytes] | None:
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        return upload.filename, upload.read()
    if form.upload_name.data and form.upload_data.data:
        try:
            return form.upload_name.data, base64.b64decode(form.upload_data.data, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


@bp.route(f"{BASE}/import", methods=["GET", "POST"])
@admin_only
def import_questionnaire():
    form = ImportForm()
    problems, unsupported = [], []
    if form.validate_on_submit():
        uploaded = _uploaded(form)
        if uploaded is None:
            attach(form, QuestionnaireError(_("Choose a file to import."), "file"))
        else:
            name, content = uploaded
            form.upload_name.data = form.upload_data.data = ""
            try:
                result = services.import_file(
                    name, content, skip_unsupported=form.skip_unsupported.data
                )
            except UnsupportedContent as error:
                db.session.rollback()
                unsupported = error.problems
                form.upload_name.data, form.upload_data.data = (
                    name,
                    base64.b64encode(content).decode(),
                )
            except InvalidQuestionnaire as error:
                db.session.rollback()
                problems = error.problems
            else:
                q = result.questionnaire
                if not _committed():
                    flash(str(CONFLICT), "error")
                    return redirect(url_for(".questionnaires"), 303)
                if result.notes:  # shown at once: they may be too many for a flash message
                    return render_template(
                        "surveys/import_done.html", questionnaire=q, notes=result.notes
                    )
                flash(
                    _(
                        "%(key)s was imported as version %(version)s, a draft.",
                        key=q.key,
                        version=q.version,
                    ),
                    "success",
                )
                return _overview(q)
    form.skip_unsupported.data = False
    return render_template(
        "surveys/import.html", form=form, problems=problems, unsupported=unsupported
    ), status(form, [*problems, *unsupported])


# --- one questionnaire -----------------------------------------------------------------------


@bp.get(f"{BASE}/<int:questionnaire_id>")
@admin_only
@reads
def questionnaire(questionnaire: Questionnaire):
    q = questionnaire
    return render_template(
        "surveys/questionnaire.html",
        questionnaire=q,
        pages=queries.pages(q),
        indicators=queries.indicators(q),
        numbers=queries.question_numbers(q),
        versions=queries.versions(q.key),
        draft=queries.draft(q.key),
        history=queries.published_history(q.key, q.version),
        move_form=MoveForm(),
        confirm_form=ConfirmForm(),
        indicator_items={i.id: queries.indicator_items(i) for i in q.indicators},
    )


@bp.route(f"{BASE}/<int:questionnaire_id>/innstillinger", methods=["GET", "POST"])
@admin_only
@edits
def edit_settings(questionnaire: Questionnaire):
    form = QuestionnaireForm.of(questionnaire)
    if len(queries.versions(questionnaire.key)) > 1:
        lock(form.key, _("Other versions of this questionnaire exist, so the key cannot change."))

    def save() -> Questionnaire:
        services.update_questionnaire(questionnaire, **form.settings())
        return questionnaire

    if form.validate_on_submit() and _saved(form, save) is not None:
        flash(_("The settings were saved."), "success")
        return _overview(questionnaire)
    return render_template("surveys/settings.html", form=form, questionnaire=questionnaire), status(
        form
    )


def _delete_draft(questionnaire: Questionnaire) -> None:
    try:
        services.delete_draft(questionnaire)
    except IntegrityError:
        raise QuestionnaireError(
            _("The draft is in use by a survey round and cannot be deleted.")
        ) from None


@bp.route(f"{BASE}/<int:questionnaire_id>/slett", methods=["GET", "POST"])
@admin_only
@edits
def delete_questionnaire(questionnaire: Questionnaire):
    q = questionnaire
    return _deleted(
        q,
        lambda: _delete_draft(q),
        _("The draft version %(version)s of %(key)s was deleted.", version=q.version, key=q.key),
        title=_("Delete the draft?"),
        message=_(
            "Version %(version)s of %(key)s, with all its sections, questions and indicators, will"
            " be deleted. This cannot be undone.",
            version=q.version,
            key=q.key,
        ),
        button=_("Delete the draft"),
        then=redirect(url_for(".questionnaires"), 303),
    )


@bp.post(f"{BASE}/<int:questionnaire_id>/ny-versjon")
@admin_only
@reads
def new_version(questionnaire: Questionnaire):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        copy = services.new_version(questionnaire)
    except QuestionnaireError as error:
        return _refused(questionnaire, error)
    if not _committed():
        flash(str(CONFLICT), "error")
        return _overview(questionnaire)
    flash(
        _(
            "Version %(version)s was made as a draft copy of version %(old)s. The question keys are"
            " the same.",
            version=copy.version,
            old=questionnaire.version,
        ),
        "success",
    )
    return _overview(copy)


@bp.route(f"{BASE}/<int:questionnaire_id>/publiser", methods=["GET", "POST"])
@admin_only
@edits
def publish(questionnaire: Questionnaire):
    form = ConfirmForm()
    check = services.publish_check(questionnaire)
    code = 200
    if form.validate_on_submit():
        try:
            services.publish(questionnaire)
        except services.PublishRefused as error:
            db.session.rollback()
            check, code = error.check, 422
        except QuestionnaireError as error:
            return _refused(questionnaire, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Version %(version)s of %(key)s is published. It can now be used in survey"
                    " rounds, and it can no longer change.",
                    version=questionnaire.version,
                    key=questionnaire.key,
                ),
                "success",
            )
            return _overview(questionnaire)
    return (
        render_template(
            "surveys/publish.html", questionnaire=questionnaire, check=check, form=form
        ),
        code,
    )


@bp.get(f"{BASE}/<int:questionnaire_id>/eksport")
@admin_only
@reads
def export(questionnaire: Questionnaire):
    q = questionnaire
    return Response(
        jsonformat.dumps(q),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{q.key}-v{q.version}.json"'},
    )


PREVIEW_KEY = "preview"


def _preview_kept(questionnaire: Questionnaire) -> dict:
    """The preview's answers that conditions read (in the administrator's session, per
    questionnaire; nothing is stored in the database)."""
    kept = session.get(PREVIEW_KEY) or {}
    return kept.get("answers", {}) if kept.get("id") == questionnaire.id else {}


@bp.route(f"{BASE}/<int:questionnaire_id>/forhandsvisning/<int:page>", methods=["GET", "POST"])
@admin_only
@reads
def preview(questionnaire: Questionnaire, page: int):
    """The questionnaire as the respondent sees it, one section per page. Answers are checked like
    on the real pages, and never stored; the answers that conditions read are kept in the
    session, so the preview skips and hides what the real survey would."""
    q = questionnaire
    pages = queries.pages(q)
    if not 1 <= page <= len(pages) + 1:
        abort(404)
    if page == 1 and request.method == "GET":
        session.pop(PREVIEW_KEY, None)  # starting again
    kept = _preview_kept(q)
    asked = services.preview_asked(q, kept)
    shown_pages = sorted(asked.pages)
    previous = max((n for n in shown_pages if n < page), default=None)
    following = min((n for n in shown_pages if n > page), default=len(pages) + 1)
    if page == len(pages) + 1:
        return render_template(
            "surveys/preview.html",
            questionnaire=q,
            page=page,
            pages=pages,
            previous=previous,
            form=None,
            section=None,
            numbers={},
        )
    if page not in asked.pages:
        return redirect(url_for(".preview", questionnaire_id=q.id, page=following), 303)
    section, questions = pages[page - 1]
    questions = [question for question in questions if question.key in asked.questions]
    form = build_answer_form(questions, current_language())()
    code = 200
    if request.method == "POST":
        if form.validate_on_submit():
            given = {
                question.key: (
                    None
                    if field.data in (None, "", [])
                    else kind_of(question).clean(question, field.data)
                )
                for question, field in form.items()
                if field is not None
            }
            kept = services.preview_answers(q, kept, given)
            session[PREVIEW_KEY] = {"id": q.id, "answers": kept}
            asked = services.preview_asked(q, kept)
            following = min((n for n in asked.pages if n > page), default=len(pages) + 1)
            return redirect(url_for(".preview", questionnaire_id=q.id, page=following), 303)
        code = 422
    return (
        render_template(
            "surveys/preview.html",
            questionnaire=q,
            page=page,
            pages=pages,
            previous=previous,
            last=following == len(pages) + 1,
            form=form,
            section=section,
            numbers=queries.question_numbers(q),
        ),
        code,
    )


# --- sections --------------------------------------------------------------------------------


def _section_page(q: Questionnaire, section: Section | None):
    form = SectionForm.of(section)

    def save() -> Section:
        if section is None:
            return services.add_section(q, **form.texts())
        services.update_section(section, **form.texts())
        return section

    if form.validate_on_submit() and (saved := _saved(form, save)) is not None:
        flash(_("The section was saved."), "success")
        return _overview(q, f"s-{saved.id}")
    return render_template(
        "surveys/section.html", form=form, questionnaire=q, section=section
    ), status(form)


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/ny", methods=["GET", "POST"])
@admin_only
@edits
def new_section(questionnaire: Questionnaire):
    return _section_page(questionnaire, None)


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>", methods=["GET", "POST"])
@admin_only
@edits
def edit_section(questionnaire: Questionnaire, section: Section):
    return _section_page(questionnaire, section)


@bp.post(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/flytt")
@admin_only
@edits
def move_section(questionnaire: Questionnaire, section: Section):
    return _moved(
        questionnaire, lambda step: services.move_section(section, step), f"s-{section.id}"
    )


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/slett", methods=["GET", "POST"])
@admin_only
@edits
def delete_section(questionnaire: Questionnaire, section: Section):
    n = len(section.questions)
    return _deleted(
        questionnaire,
        lambda: services.delete_section(section),
        _("The section was deleted."),
        title=_("Delete the section?"),
        message=ngettext(
            "The section and its %(num)s question will be deleted. A question used in an indicator "
            "leaves it.",
            "The section and its %(num)s questions will be deleted. Questions used in indicators "
            "leave them.",
            n,
        ),
        button=_("Delete the section"),
    )


# --- questions -------------------------------------------------------------------------------


def _question_page(
    q: Questionnaire, section: Section, question: Question | None, kind: QuestionKind
):
    if question is None:
        start = services.QuestionData(key=services.suggest_key(q), type=kind.name, text={})
        kind.defaults(start, q)
        form = question_form(kind).of(start, section, blank_rows=4)
        del form.section
    else:
        form = question_form(kind).of(
            services.QuestionData.of(question), section, BLANK_CHOICE_ROWS
        )
        form.offer_sections(queries.sections(q))
        history = queries.published_history(q.key, q.version)
        if question.key in history:
            lock(
                form.key,
                _(
                    "Used in version %(version)s, which is published: results are compared by this"
                    " key, so it cannot change.",
                    version=history[question.key].version,
                ),
            )
    action = request.form.get("action", "save")

    def save() -> Question:
        data = form.question_data(action)
        if question is None:
            return services.add_question(section, data)
        target = db.session.get(Section, form.section.data) if form.section.data else None
        services.update_question(question, data, section=target)
        return question

    if form.validate_on_submit() and (saved := _saved(form, save)) is not None:
        if action == "save":
            flash(_("The question %(key)s was saved.", key=saved.key), "success")
            return _overview(q, f"q-{saved.id}")
        anchor = "choices" if action != "stay" else kind.stay_anchor
        return redirect(
            url_for(".edit_question", questionnaire_id=q.id, question_id=saved.id)
            + (f"#{anchor}" if anchor else ""),
            303,
        )
    type_form = ChangeTypeForm(type=kind.name.value) if question else None
    return render_template(
        "surveys/question.html",
        form=form,
        questionnaire=q,
        section=section,
        question=question,
        kind=kind,
        type_form=type_form,
    ), status(form)


@bp.route(
    f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/sporsmal/ny/<{QUESTION_TYPES}:question_type>",
    methods=["GET", "POST"],
)
@admin_only
@edits
def new_question(questionnaire: Questionnaire, section: Section, question_type: str):
    return _question_page(questionnaire, section, None, TYPES[question_type])


@bp.route(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>", methods=["GET", "POST"])
@admin_only
@edits
def edit_question(questionnaire: Questionnaire, question: Question):
    return _question_page(questionnaire, question.section, question, kind_of(question))


@bp.post(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/type")
@admin_only
@edits
def change_question_type(questionnaire: Questionnaire, question: Question):
    form = ChangeTypeForm()
    if not form.validate_on_submit():
        abort(400)
    kind = TYPES[form.type.data]
    try:
        services.change_type(question, kind.name)
    except QuestionnaireError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "%(key)s is now a %(type)s question. Check its settings.",
                key=question.key,
                type=kind.label,
            ),
            "success",
        )
    return redirect(
        url_for(".edit_question", questionnaire_id=questionnaire.id, question_id=question.id), 303
    )


@bp.post(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/flytt")
@admin_only
@edits
def move_question(questionnaire: Questionnaire, question: Question):
    return _moved(
        questionnaire, lambda step: services.move_question(question, step), f"q-{question.id}"
    )


@bp.route(
    f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/slett", methods=["GET", "POST"]
)
@admin_only
@edits
def delete_question(questionnaire: Questionnaire, question: Question):
    return _deleted(
        questionnaire,
        lambda: services.delete_question(question),
        _("The question %(key)s was deleted.", key=question.key),
        anchor=f"s-{question.section_id}",
        title=_("Delete the question?"),
        message=_(
            "The question %(key)s (%(text)s) will be deleted, and leaves the indicators that"
            " use it.",
            key=question.key,
            text=localized(question.text),
        ),
        button=_("Delete the question"),
    )


# --- conditions ------------------------------------------------------------------------------


def _condition_page(q: Questionnaire, part: Question | Section, section: Section):
    """Set or clear when a question or a section is shown (tests of earlier pages' answers)."""
    targets = services.condition_targets(q, section)
    language = current_language()
    form = ConditionForm.of(part.condition, targets, language)
    anchor = f"q-{part.id}" if isinstance(part, Question) else f"s-{part.id}"
    if form.validate_on_submit():
        clear = request.form.get("action") == "clear"

        def save():
            condition = (
                None
                if clear
                else services.condition_from_rows(q, section, form.join.data, form.condition_rows())
            )
            services.set_condition(q, part, condition)
            return (condition,)

        if (saved := _saved(form, save)) is not None:
            flash(
                _("The condition was removed: it is always shown.")
                if saved[0] is None
                else _("The condition was saved."),
                "success",
            )
            return _overview(q, anchor)
    by_key = {question.key: question for question in q.questions}
    return render_template(
        "surveys/condition.html",
        form=form,
        questionnaire=q,
        part=part,
        is_question=isinstance(part, Question),
        has_targets=bool(targets),
        nested=nested(part.condition),
        in_words=conditions.describe(part.condition, by_key, language),
    ), status(form)


@bp.route(
    f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/vilkar", methods=["GET", "POST"]
)
@admin_only
@edits
def question_condition(questionnaire: Questionnaire, question: Question):
    return _condition_page(questionnaire, question, question.section)


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/vilkar", methods=["GET", "POST"])
@admin_only
@edits
def section_condition(questionnaire: Questionnaire, section: Section):
    return _condition_page(questionnaire, section, section)


# --- indicators ------------------------------------------------------------------------------


def _indicator_page(q: Questionnaire, indicator: Indicator | None):
    scale_questions = queries.scale_questions(q)
    form = IndicatorForm.of(q, indicator, scale_questions)

    def save() -> Indicator:
        if indicator is None:
            return services.add_indicator(q, form.indicator_data())
        services.update_indicator(indicator, form.indicator_data())
        return indicator

    if form.validate_on_submit() and (saved := _saved(form, save)) is not None:
        flash(_("The indicator %(key)s was saved.", key=saved.key), "success")
        return _overview(q, f"i-{saved.id}")
    return render_template(
        "surveys/indicator.html",
        form=form,
        questionnaire=q,
        indicator=indicator,
        has_scale_questions=bool(scale_questions),
    ), status(form)


@bp.route(f"{BASE}/<int:questionnaire_id>/indikatorer/ny", methods=["GET", "POST"])
@admin_only
@edits
def new_indicator(questionnaire: Questionnaire):
    return _indicator_page(questionnaire, None)


@bp.route(f"{BASE}/<int:questionnaire_id>/indikatorer/<int:indicator_id>", methods=["GET", "POST"])
@admin_only
@edits
def edit_indicator(questionnaire: Questionnaire, indicator: Indicator):
    return _indicator_page(questionnaire, indicator)


@bp.post(f"{BASE}/<int:questionnaire_id>/indikatorer/<int:indicator_id>/flytt")
@admin_only
@edits
def move_indicator(questionnaire: Questionnaire, indicator: Indicator):
    return _moved(
        questionnaire, lambda step: services.move_indicator(indicator, step), f"i-{indicator.id}"
    )


@bp.route(
    f"{BASE}/<int:questionnaire_id>/indikatorer/<int:indicator_id>/slett", methods=["GET", "POST"]
)
@admin_only
@edits
def delete_indicator(questionnaire: Questionnaire, indicator: Indicator):
    return _deleted(
        questionnaire,
        lambda: services.delete_indicator(indicator),
        _("The indicator %(key)s was deleted.", key=indicator.key),
        anchor="indicators",
        title=_("Delete the indicator?"),
        message=_("The indicator %(key)s will be deleted; its questions stay.", key=indicator.key),
        button=_("Delete the indicator"),
    )
