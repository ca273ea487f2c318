"""The questionnaire editor for administrators: list, create, edit, reorder, preview, publish,
new version, import and export. Thin views: form -> service -> commit -> flash -> redirect (303);
422 with the form again when something is wrong. A published version is shown read-only."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from helhet.access import admin_only
from helhet.extensions import db
from helhet.i18n import current_language, localized
from surveys import bp, jsonformat, library, queries, services
from surveys.errors import InvalidQuestionnaire, QuestionnaireError, UnsupportedContent
from surveys.forms import (
    ChangeTypeForm,
    ConfirmForm,
    ImportForm,
    IndicatorForm,
    MoveForm,
    QuestionnaireForm,
    SectionForm,
    fill_texts,
    question_form,
    texts,
)
from surveys.labels import (
    DIMENSION_LABELS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    LANGUAGES,
    TYPE_HINTS,
    TYPE_LABELS,
)
from surveys.models import (
    Dimension,
    Indicator,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    Section,
)
from surveys.questiontypes import build_answer_form

BASE = "/admin/sporreskjema"
QUESTION_TYPES = "any(scale,single,multiple,number,text,info)"
BLANK_CHOICE_ROWS = 2


@bp.context_processor
def editor_context():
    return {"kind_labels": KIND_LABELS, "type_labels": TYPE_LABELS, "type_hints": TYPE_HINTS,
            "dimension_labels": DIMENSION_LABELS, "language_labels": LANGUAGE_LABELS,
            "editor_languages": LANGUAGES, "error_items": error_items, "missing_languages": missing_languages,
            "number": jsonformat.number, "number_range": number_range, "sample_form": sample_form}


def missing_languages(question: Question) -> list[str]:
    """Languages in which some text of the question (or of its choices) is missing."""
    found = [question.text, *(c.label for c in question.choices)]
    return [lang for lang in LANGUAGES if any(not jsonformat.texts(t).get(lang) for t in found)]


def number_range(question: Question) -> str:
    low, high = jsonformat.number(question.min_value), jsonformat.number(question.max_value)
    if low is not None and high is not None:
        return f"{low}–{high}"
    return f"≥ {low}" if low is not None else f"≤ {high}"


def sample_form(question: Question):
    """The question as the respondent sees it, in the current language, with nothing filled in."""
    return build_answer_form([question], current_language())(formdata=None, meta={"csrf": False})


# --- helpers ---------------------------------------------------------------------------------

def error_items(form) -> list[tuple[str, str, str]]:
    """(field id, label, message) for every error in the form, nested choice rows included."""
    items = []

    def walk(fields, prefix=""):
        for f in fields:
            if f.type == "FieldList":
                for n, entry in enumerate(f.entries, start=1):
                    walk(entry.form, _("Choice %(n)s", n=n) + ": ")
            elif f.errors and isinstance(f.errors, list):
                items.extend((f.id, prefix + str(f.label.text), str(e)) for e in f.errors)

    walk(form)
    items.extend(("", "", str(e)) for e in getattr(form, "form_errors", []))
    return items


def _field_named(form, name: str):
    for f in form:
        if f.name == name:
            return f
        if f.type == "FieldList":
            for entry in f.entries:
                for sub in entry.form:
                    if sub.name == name:
                        return sub
    return None


def attach(form, error: QuestionnaireError, renames: dict | None = None) -> None:
    """Show a service's error at the field it names (or above the form)."""
    name = (renames or {}).get(error.field, error.field) if error.field else None
    target = _field_named(form, name) if name else None
    if target is not None:
        target.errors = [*list(target.errors or []), error.message]
    else:
        form.form_errors.append(error.message)


def status_of(form) -> int:
    return 422 if error_items(form) else 200


def _questionnaire(questionnaire_id: int) -> Questionnaire:
    return db.get_or_404(Questionnaire, questionnaire_id)


def _part(model, ident: int, questionnaire: Questionnaire):
    found = db.session.get(model, ident)
    if found is None or found.questionnaire is not questionnaire:
        abort(404)
    return found


def _overview(questionnaire: Questionnaire, anchor: str | None = None):
    url = url_for(".questionnaire", questionnaire_id=questionnaire.id)
    return redirect(url + (f"#{anchor}" if anchor else ""), 303)


def _read_only(questionnaire: Questionnaire):
    """A redirect to the overview when the version is published (edit pages are for drafts)."""
    if questionnaire.is_published:
        flash(_("Version %(version)s is published and cannot be changed. Make a new version to edit it.",
                version=questionnaire.version), "error")
        return _overview(questionnaire)
    return None


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


CONFLICT = _l("Someone else changed this questionnaire at the same moment. Look at it again and retry.")


def _number(value) -> float | None:
    return None if value is None else float(value) if isinstance(value, Decimal | int | float) else None


# --- list, create, import --------------------------------------------------------------------

@bp.get(BASE)
@admin_only
def questionnaires():
    items = queries.overview()
    missing = [k for k in library.STANDARD_KEYS if not queries.versions(k)]
    return render_template("surveys/list.html", items=items, counts=queries.question_counts(),
                           missing_standard=missing, confirm_form=ConfirmForm())


@bp.route(f"{BASE}/nytt", methods=["GET", "POST"])
@admin_only
def new_questionnaire():
    form = QuestionnaireForm()
    if form.validate_on_submit():
        try:
            questionnaire = services.create_questionnaire(
                form.key.data, form.kind.data, texts(form, "title"), texts(form, "description"))
        except QuestionnaireError as error:
            db.session.rollback()
            attach(form, error)
        else:
            if _committed():
                flash(_("The questionnaire %(key)s was created as a draft. Add sections and questions.",
                        key=questionnaire.key), "success")
                return _overview(questionnaire)
            form.key.errors = [_("A questionnaire with the key %(key)s exists already.", key=form.key.data)]
    return render_template("surveys/settings.html", form=form, questionnaire=None), status_of(form)


@bp.post(f"{BASE}/standard")
@admin_only
def install_standard():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    installed = library.install_standard(publish=True)
    db.session.commit()
    flash(ngettext("Installed and published %(num)s standard questionnaire.",
                   "Installed and published %(num)s standard questionnaires.", len(installed)) if installed
          else _("The standard questionnaires are installed already."), "success")
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
            form.file.errors = [_("Choose a file to import.")]
        else:
            name, content = uploaded
            form.upload_name.data = form.upload_data.data = ""
            try:
                result = services.import_file(name, content, skip_unsupported=form.skip_unsupported.data)
            except UnsupportedContent as error:
                db.session.rollback()
                unsupported = error.problems
                form.upload_name.data, form.upload_data.data = name, base64.b64encode(content).decode()
            except InvalidQuestionnaire as error:
                db.session.rollback()
                problems = error.problems
            else:
                q = result.questionnaire
                if not _committed():
                    flash(str(CONFLICT), "error")
                    return redirect(url_for(".questionnaires"), 303)
                if result.notes:  # shown at once: they may be too many for a flash message
                    return render_template("surveys/import_done.html", questionnaire=q, notes=result.notes)
                flash(_("%(key)s was imported as version %(version)s, a draft.", key=q.key, version=q.version), "success")
                return _overview(q)
    form.skip_unsupported.data = False
    status = 422 if (problems or unsupported or form.errors) else 200
    return render_template("surveys/import.html", form=form, problems=problems, unsupported=unsupported), status


# --- one questionnaire -----------------------------------------------------------------------

@bp.get(f"{BASE}/<int:questionnaire_id>")
@admin_only
def questionnaire(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    history = queries.published_history(q.key, q.version)
    return render_template(
        "surveys/questionnaire.html", questionnaire=q, pages=queries.pages(q), indicators=queries.indicators(q),
        numbers=queries.question_numbers(q), versions=queries.versions(q.key), draft=queries.draft(q.key),
        history=history, move_form=MoveForm(), confirm_form=ConfirmForm(),
        indicator_items={i.id: queries.indicator_items(i) for i in q.indicators},
    )


@bp.route(f"{BASE}/<int:questionnaire_id>/innstillinger", methods=["GET", "POST"])
@admin_only
def edit_settings(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    data = {"key": q.key, "kind": q.kind.value}
    fill_texts(data, "title", q.title)
    fill_texts(data, "description", q.description)
    form = QuestionnaireForm(data=data)
    if len(queries.versions(q.key)) > 1:
        form.key.render_kw = {**(form.key.render_kw or {}), "readonly": True}
        form.key.description = _("Other versions of this questionnaire exist, so the key cannot change.")
    if form.validate_on_submit():
        try:
            services.update_questionnaire(q, form.key.data, form.kind.data, texts(form, "title"), texts(form, "description"))
        except QuestionnaireError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The settings were saved."), "success")
            return _overview(q)
    return render_template("surveys/settings.html", form=form, questionnaire=q), status_of(form)


@bp.route(f"{BASE}/<int:questionnaire_id>/slett", methods=["GET", "POST"])
@admin_only
def delete_questionnaire(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        key, version = q.key, q.version
        try:
            services.delete_draft(q)
            db.session.commit()
        except QuestionnaireError as error:
            return _refused(q, error)
        except IntegrityError:
            db.session.rollback()
            flash(_("The draft is in use by a survey round and cannot be deleted."), "error")
            return _overview(q)
        flash(_("The draft version %(version)s of %(key)s was deleted.", version=version, key=key), "success")
        return redirect(url_for(".questionnaires"), 303)
    return render_template("surveys/confirm.html", questionnaire=q, form=form,
                           title=_("Delete the draft?"),
                           message=_("Version %(version)s of %(key)s, with all its sections, questions and indicators, "
                                     "will be deleted. This cannot be undone.", version=q.version, key=q.key),
                           button=_("Delete the draft"))


@bp.post(f"{BASE}/<int:questionnaire_id>/ny-versjon")
@admin_only
def new_version(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        copy = services.new_version(q)
    except QuestionnaireError as error:
        return _refused(q, error)
    if not _committed():
        flash(str(CONFLICT), "error")
        return _overview(q)
    flash(_("Version %(version)s was made as a draft copy of version %(old)s. The question keys are the same.",
            version=copy.version, old=q.version), "success")
    return _overview(copy)


@bp.route(f"{BASE}/<int:questionnaire_id>/publiser", methods=["GET", "POST"])
@admin_only
def publish(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    form = ConfirmForm()
    check = services.publish_check(q)
    status = 200
    if form.validate_on_submit():
        try:
            services.publish(q)
        except services.PublishRefused as error:
            db.session.rollback()
            check, status = error.check, 422
        except QuestionnaireError as error:
            return _refused(q, error)
        else:
            db.session.commit()
            flash(_("Version %(version)s of %(key)s is published. It can now be used in survey rounds, and it can no longer change.",
                    version=q.version, key=q.key), "success")
            return _overview(q)
    return render_template("surveys/publish.html", questionnaire=q, check=check, form=form), status


@bp.get(f"{BASE}/<int:questionnaire_id>/eksport")
@admin_only
def export(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    return Response(jsonformat.dumps(q), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{q.key}-v{q.version}.json"'})


@bp.route(f"{BASE}/<int:questionnaire_id>/forhandsvisning/<int:page>", methods=["GET", "POST"])
@admin_only
def preview(questionnaire_id: int, page: int):
    """The questionnaire as the respondent sees it, one section per page. Answers are checked like
    on the real pages, and never stored."""
    q = _questionnaire(questionnaire_id)
    pages = queries.pages(q)
    if not 1 <= page <= len(pages) + 1:
        abort(404)
    if page == len(pages) + 1:
        return render_template("surveys/preview.html", questionnaire=q, page=page, pages=pages, form=None,
                               section=None, numbers={})
    section, questions = pages[page - 1]
    form = build_answer_form(questions, current_language())()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            return redirect(url_for(".preview", questionnaire_id=q.id, page=page + 1), 303)
        status = 422
    return render_template("surveys/preview.html", questionnaire=q, page=page, pages=pages, form=form,
                           section=section, numbers=queries.question_numbers(q)), status


# --- sections --------------------------------------------------------------------------------

def _section_form(q: Questionnaire, section: Section | None):
    data = {}
    if section is not None:
        fill_texts(data, "title", section.title)
        fill_texts(data, "intro", section.intro)
    form = SectionForm(data=data)
    if form.validate_on_submit():
        try:
            if section is None:
                section = services.add_section(q, texts(form, "title"), texts(form, "intro"))
            else:
                services.update_section(section, texts(form, "title"), texts(form, "intro"))
        except QuestionnaireError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The section was saved."), "success")
            return _overview(q, f"s-{section.id}")
    return render_template("surveys/section.html", form=form, questionnaire=q, section=section), status_of(form)


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/ny", methods=["GET", "POST"])
@admin_only
def new_section(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    return _section_form(q, None)


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>", methods=["GET", "POST"])
@admin_only
def edit_section(questionnaire_id: int, section_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    return _section_form(q, _part(Section, section_id, q))


@bp.post(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/flytt")
@admin_only
def move_section(questionnaire_id: int, section_id: int):
    q = _questionnaire(questionnaire_id)
    section = _part(Section, section_id, q)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.move_section(section, -1 if form.direction.data == "up" else 1)
    except QuestionnaireError as error:
        return _refused(q, error)
    db.session.commit()
    return _overview(q, f"s-{section.id}")


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/slett", methods=["GET", "POST"])
@admin_only
def delete_section(questionnaire_id: int, section_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    section = _part(Section, section_id, q)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.delete_section(section)
        except QuestionnaireError as error:
            return _refused(q, error)
        db.session.commit()
        flash(_("The section was deleted."), "success")
        return _overview(q)
    n = len(section.questions)
    return render_template("surveys/confirm.html", questionnaire=q, form=form, title=_("Delete the section?"),
                           message=ngettext("The section and its %(num)s question will be deleted. A question used in an "
                                            "indicator leaves it.",
                                            "The section and its %(num)s questions will be deleted. Questions used in "
                                            "indicators leave them.", n), button=_("Delete the section"))


# --- questions -------------------------------------------------------------------------------

def _section_choices(q: Questionnaire) -> list[tuple[int, str]]:
    return [(s.id, _("Section %(n)s", n=n) + (f": {localized(s.title)}" if localized(s.title) else ""))
            for n, s in enumerate(queries.sections(q), start=1)]


def _question_initial(data: services.QuestionData, section: Section, blank_rows: int) -> dict:
    initial = {"key": data.key, "section": section.id, "required": data.required,
               "scale_min": data.scale_min, "scale_max": data.scale_max, "dont_know": data.dont_know,
               "min_value": jsonformat.number(data.min_value), "max_value": jsonformat.number(data.max_value),
               "integer_only": data.integer_only,
               "max_length": data.max_length}
    for name in ("text", "help", "low_label", "high_label"):
        fill_texts(initial, name, getattr(data, name))
    rows = []
    for value, label in data.choices:
        row = {"value": value}
        fill_texts(row, "label", label)
        rows.append(row)
    initial["choices"] = rows + [{} for _ in range(blank_rows)]
    return initial


def _choice_rows(form, action: str) -> tuple[list[tuple[str, dict]], dict[str, str]]:
    """The filled-in choice rows in order, with a row action (up-N, down-N, remove-N) applied, and
    how the service's field names map back to the form's rows."""
    if "choices" not in form._fields:
        return [], {}
    rows = [(n, entry.form) for n, entry in enumerate(form.choices.entries) if not entry.form.is_blank()]
    verb, _sep, index = action.partition("-")
    if verb in ("up", "down", "remove") and index.isdigit():
        position = next((i for i, (n, _f) in enumerate(rows) if n == int(index)), None)
        if position is not None:
            if verb == "remove":
                rows.pop(position)
            else:
                target = position + (-1 if verb == "up" else 1)
                if 0 <= target < len(rows):
                    rows.insert(target, rows.pop(position))
    renames = {}
    for i, (n, _f) in enumerate(rows):
        for name in ("value", "label_nb", "label_nn", "label_en"):
            renames[f"choices-{i}-{name}"] = f"choices-{n}-{name}"
    return [((f.value.data or "").strip(), texts(f, "label")) for _n, f in rows], renames


def _question_data(form, kind: QuestionType, action: str) -> tuple[services.QuestionData, dict]:
    data = services.QuestionData(key=form.key.data or "", type=kind, text=texts(form, "text"),
                                 help=texts(form, "help"),
                                 required=bool(form.required.data) if "required" in form._fields else False)
    renames = {}
    if kind == QuestionType.SCALE:
        data.scale_min, data.scale_max = form.scale_min.data, form.scale_max.data
        data.low_label, data.high_label = texts(form, "low_label"), texts(form, "high_label")
        data.dont_know = bool(form.dont_know.data)
    elif kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        data.choices, renames = _choice_rows(form, action)
    elif kind == QuestionType.NUMBER:
        data.min_value, data.max_value = _number(form.min_value.data), _number(form.max_value.data)
        data.integer_only = bool(form.integer_only.data)
    elif kind == QuestionType.TEXT:
        data.max_length = form.max_length.data
    return data, renames


def _question_form(q: Questionnaire, section: Section, question: Question | None, kind: QuestionType):
    form_class = question_form(kind)
    if question is None:
        low, high = services.default_scale(q)
        start = services.QuestionData(key=services.suggest_key(q), type=kind, text={}, scale_min=low,
                                      scale_max=high, dont_know=q.kind != QuestionnaireKind.EMPLOYEE)
        blank = 4
    else:
        start, blank = services.QuestionData.of(question), BLANK_CHOICE_ROWS
    form = form_class(data=_question_initial(start, section, blank))
    if question is None:
        del form.section
    else:
        form.section.choices = _section_choices(q)
        history = queries.published_history(q.key, q.version)
        if question.key in history:
            form.key.render_kw = {**(form.key.render_kw or {}), "readonly": True}
            form.key.description = _("Used in version %(version)s, which is published: results are compared by "
                                     "this key, so it cannot change.", version=history[question.key].version)
    action = request.form.get("action", "save")
    if form.validate_on_submit():
        data, renames = _question_data(form, kind, action)
        try:
            if question is None:
                question = services.add_question(section, data)
            else:
                target = db.session.get(Section, form.section.data) if form.section.data else None
                services.update_question(question, data, section=target)
        except QuestionnaireError as error:
            db.session.rollback()
            attach(form, error, renames)
        else:
            db.session.commit()
            if action == "save":
                flash(_("The question %(key)s was saved.", key=question.key), "success")
                return _overview(q, f"q-{question.id}")
            anchor = "choices" if action != "stay" or kind in (QuestionType.SINGLE, QuestionType.MULTIPLE) else ""
            return redirect(url_for(".edit_question", questionnaire_id=q.id, question_id=question.id)
                            + (f"#{anchor}" if anchor else ""), 303)
    return render_template("surveys/question.html", form=form, questionnaire=q, section=section, question=question,
                           kind=kind, type_form=ChangeTypeForm(type=kind.value) if question else None), status_of(form)


@bp.route(f"{BASE}/<int:questionnaire_id>/deler/<int:section_id>/sporsmal/ny/<{QUESTION_TYPES}:question_type>",
          methods=["GET", "POST"])
@admin_only
def new_question(questionnaire_id: int, section_id: int, question_type: str):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    return _question_form(q, _part(Section, section_id, q), None, QuestionType(question_type))


@bp.route(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>", methods=["GET", "POST"])
@admin_only
def edit_question(questionnaire_id: int, question_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    question = _part(Question, question_id, q)
    return _question_form(q, question.section, question, QuestionType(question.type))


@bp.post(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/type")
@admin_only
def change_question_type(questionnaire_id: int, question_id: int):
    q = _questionnaire(questionnaire_id)
    question = _part(Question, question_id, q)
    form = ChangeTypeForm()
    if not form.validate_on_submit():
        abort(400)
    kind = QuestionType(form.type.data)
    try:
        services.change_type(question, kind)
    except QuestionnaireError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(key)s is now a %(type)s question. Check its settings.", key=question.key, type=TYPE_LABELS[kind.value]), "success")
    return redirect(url_for(".edit_question", questionnaire_id=q.id, question_id=question.id), 303)


@bp.post(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/flytt")
@admin_only
def move_question(questionnaire_id: int, question_id: int):
    q = _questionnaire(questionnaire_id)
    question = _part(Question, question_id, q)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.move_question(question, -1 if form.direction.data == "up" else 1)
    except QuestionnaireError as error:
        return _refused(q, error)
    db.session.commit()
    return _overview(q, f"q-{question.id}")


@bp.route(f"{BASE}/<int:questionnaire_id>/sporsmal/<int:question_id>/slett", methods=["GET", "POST"])
@admin_only
def delete_question(questionnaire_id: int, question_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    question = _part(Question, question_id, q)
    form = ConfirmForm()
    if form.validate_on_submit():
        key, section_id = question.key, question.section_id
        try:
            services.delete_question(question)
        except QuestionnaireError as error:
            return _refused(q, error)
        db.session.commit()
        flash(_("The question %(key)s was deleted.", key=key), "success")
        return _overview(q, f"s-{section_id}")
    return render_template("surveys/confirm.html", questionnaire=q, form=form, title=_("Delete the question?"),
                           message=_("The question %(key)s (%(text)s) will be deleted, and leaves the indicators that use it.",
                                     key=question.key, text=localized(question.text)),
                           button=_("Delete the question"))


# --- indicators ------------------------------------------------------------------------------

def _indicator_form(q: Questionnaire, indicator: Indicator | None):
    scale_questions = queries.scale_questions(q)
    if indicator is None:
        low, high = services.default_scale(q)
        data = {"key": "", "dimension": {QuestionnaireKind.EMPLOYEE: Dimension.ORGANISATION}.get(q.kind, Dimension.SERVICE).value,
                "items": [], "min_share": 50, "favourable_from": high - 1}
    else:
        data = {"key": indicator.key, "dimension": indicator.dimension.value, "items": [x.id for x in indicator.questions],
                "min_share": round(indicator.min_share * 100), "favourable_from": jsonformat.number(indicator.favourable_from)}
        fill_texts(data, "name", indicator.name)
    form = IndicatorForm(data=data)
    form.items.choices = [(x.id, f"{x.key} ({x.scale_min}–{x.scale_max}): {localized(x.text)}") for x in scale_questions]
    if form.validate_on_submit():
        by_id = {x.id: x for x in scale_questions}
        values = services.IndicatorData(
            key=form.key.data or "", name=texts(form, "name"), dimension=Dimension(form.dimension.data),
            items=[by_id[i] for i in form.items.data if i in by_id], min_share=form.min_share.data / 100,
            favourable_from=_number(form.favourable_from.data))
        try:
            if indicator is None:
                indicator = services.add_indicator(q, values)
            else:
                services.update_indicator(indicator, values)
        except QuestionnaireError as error:
            db.session.rollback()
            attach(form, error)
        else:
            db.session.commit()
            flash(_("The indicator %(key)s was saved.", key=indicator.key), "success")
            return _overview(q, f"i-{indicator.id}")
    return render_template("surveys/indicator.html", form=form, questionnaire=q, indicator=indicator,
                           has_scale_questions=bool(scale_questions)), status_of(form)


@bp.route(f"{BASE}/<int:questionnaire_id>/indikatorer/ny", methods=["GET", "POST"])
@admin_only
def new_indicator(questionnaire_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    return _indicator_form(q, None)


@bp.route(f"{BASE}/<int:questionnaire_id>/indikatorer/<int:indicator_id>", methods=["GET", "POST"])
@admin_only
def edit_indicator(questionnaire_id: int, indicator_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    return _indicator_form(q, _part(Indicator, indicator_id, q))


@bp.post(f"{BASE}/<int:questionnaire_id>/indikatorer/<int:indicator_id>/flytt")
@admin_only
def move_indicator(questionnaire_id: int, indicator_id: int):
    q = _questionnaire(questionnaire_id)
    indicator = _part(Indicator, indicator_id, q)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.move_indicator(indicator, -1 if form.direction.data == "up" else 1)
    except QuestionnaireError as error:
        return _refused(q, error, "indicators")
    db.session.commit()
    return _overview(q, f"i-{indicator.id}")


@bp.route(f"{BASE}/<int:questionnaire_id>/indikatorer/<int:indicator_id>/slett", methods=["GET", "POST"])
@admin_only
def delete_indicator(questionnaire_id: int, indicator_id: int):
    q = _questionnaire(questionnaire_id)
    if (refused := _read_only(q)) is not None:
        return refused
    indicator = _part(Indicator, indicator_id, q)
    form = ConfirmForm()
    if form.validate_on_submit():
        key = indicator.key
        try:
            services.delete_indicator(indicator)
        except QuestionnaireError as error:
            return _refused(q, error, "indicators")
        db.session.commit()
        flash(_("The indicator %(key)s was deleted.", key=key), "success")
        return _overview(q, "indicators")
    return render_template("surveys/confirm.html", questionnaire=q, form=form, title=_("Delete the indicator?"),
                           message=_("The indicator %(key)s will be deleted; its questions stay.", key=indicator.key),
                           button=_("Delete the indicator"))
