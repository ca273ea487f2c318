"""Changing questionnaires. Every function flushes and never commits: the request (or the command)
commits once, or rolls back when a QuestionnaireError comes out.

Rules kept here:
- A published version is immutable: every change to it is refused (make a new version instead).
- `new_version` copies a published version (sections, questions, choices, indicators) into version
  N+1 as a draft, keeping every key. A key has at most one draft at a time.
- Question keys match ``^[a-z][a-z0-9_]{0,63}$``, are unique in a questionnaire, and stay stable:
  results are compared across versions by key, so a key that an earlier published version used
  cannot be renamed, and cannot change type or scale.
- Whatever the editor can store, the JSON format can carry: after each change the questionnaire is
  checked with the same rules as an imported file (`jsonformat.validate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from helhet import audit
from helhet.config import LANGUAGES
from helhet.extensions import db
from helhet.models import utcnow
from helhet.problems import Problem
from surveys import conditions, jsonformat, limesurvey, queries, xlsform
from surveys.errors import InvalidQuestionnaire, QuestionnaireError, UnsupportedContent
from surveys.labels import LANGUAGE_LABELS
from surveys.models import (
    Choice,
    Dimension,
    Indicator,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireStatus,
    QuestionType,
    Section,
)
from surveys.questiontypes import DONT_KNOW, TYPES, QuestionKind, kind_of, parse_number
from surveys.values import LONG, check_texts, number, texts

__all__ = [
    "InvalidQuestionnaire",
    "QuestionnaireError",
    "UnsupportedContent",
    "create_questionnaire",
    "update_questionnaire",
    "delete_draft",
    "new_version",
    "publish",
    "publish_check",
    "add_section",
    "update_section",
    "move_section",
    "delete_section",
    "QuestionData",
    "add_question",
    "update_question",
    "move_question",
    "delete_question",
    "IndicatorData",
    "add_indicator",
    "update_indicator",
    "move_indicator",
    "delete_indicator",
    "import_data",
    "import_file",
]

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


# --- helpers ---------------------------------------------------------------------------------


def _require_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise QuestionnaireError(
            _(
                "Version %(version)s of %(key)s is published and cannot be changed. Make a new"
                " version to edit it.",
                version=questionnaire.version,
                key=questionnaire.key,
            )
        )


def _check_key(key: str, field: str = "key") -> str:
    key = (key or "").strip()
    if not KEY_PATTERN.match(key):
        raise QuestionnaireError(
            _(
                "Start with a lowercase letter (a–z), then use lowercase letters, digits or _ (at"
                " most 64 characters)."
            ),
            field=field,
        )
    return key


def _renumber(items: list) -> None:
    for i, item in enumerate(items):
        item.position = i


def _move(items: list, item, step: int) -> bool:
    index = items.index(item)
    target = index + step
    if not 0 <= target < len(items):
        return False
    items.insert(target, items.pop(index))
    _renumber(items)
    return True


def _check_whole(questionnaire: Questionnaire) -> None:
    """The questionnaire must still be a valid file in our format
    (a safety net behind the checks; a broken condition is named as `_check_conditions` says).
    """
    _check_conditions(questionnaire)


def _check_conditions(questionnaire: Questionnaire) -> None:
    """After a move, a deletion or a change of type: every condition must still read questions on
    earlier pages with values that fit; else QuestionnaireError says whose condition breaks."""
    db.session.flush()
    data = jsonformat.to_dict(questionnaire)
    try:
        jsonformat.validate(data)
    except InvalidQuestionnaire as invalid:
        for problem in invalid.problems:
            found = re.match(r"sections\[(\d+)\](?:\.questions\[(\d+)\])?\.condition", problem.path)
            if not found:
                continue
            section = data["sections"][int(found.group(1))]
            place = (
                _("question %(key)s", key=section["questions"][int(found.group(2))]["key"])
                if found.group(2) is not None
                else _("section %(n)s", n=int(found.group(1)) + 1)
            )
            raise QuestionnaireError(
                _(
                    "This would break the condition of %(place)s (%(problem)s). Change or remove"
                    " that condition first.",
                    place=place,
                    problem=problem.message,
                )
            ) from None
        raise QuestionnaireError(str(invalid.problems[0])) from None


def _sorted_sections(questionnaire: Questionnaire) -> list[Section]:
    questionnaire.sections.sort(key=lambda s: s.position)
    return questionnaire.sections


# --- questionnaires --------------------------------------------------------------------------


def create_questionnaire(
    key: str,
    kind: QuestionnaireKind | str,
    title: dict,
    description: dict | None = None,
    hide_unit_items: bool = False,
) -> Questionnaire:
    """A new questionnaire: version 1, a draft, with one empty section to start in. Flushes.

    hide_unit_items: results show only indicators, no results per question, for units."""
    key = _check_key(key)
    if queries.latest(key) is not None:
        raise QuestionnaireError(
            _(
                "A questionnaire with the key %(key)s exists already. Open it and make a new"
                " version instead.",
                key=key,
            ),
            field="key",
        )
    title = check_texts(title, "title")
    if not title.get("nb"):
        raise QuestionnaireError(_("Write the title in bokmål."), field="title_nb")
    questionnaire = Questionnaire(
        key=key,
        version=1,
        kind=QuestionnaireKind(kind),
        status=QuestionnaireStatus.DRAFT,
        title=title,
        description=check_texts(description or {}, "description", LONG),
        hide_unit_items=bool(hide_unit_items),
    )
    questionnaire.sections.append(Section(position=0, title={}, intro={}))
    db.session.add(questionnaire)
    db.session.flush()
    audit.record("questionnaire.created", _name(questionnaire))
    return questionnaire


def _name(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.key} v{questionnaire.version}"


def update_questionnaire(
    questionnaire: Questionnaire,
    key: str,
    kind: QuestionnaireKind | str,
    title: dict,
    description: dict | None,
    hide_unit_items: bool | None = None,
) -> None:
    """Change key, kind, title, description and (unless None) hide_unit_items of a draft. The key
    can change only while this is the only version. Flushes."""
    _require_draft(questionnaire)
    key = _check_key(key)
    if key != questionnaire.key:
        if len(queries.versions(questionnaire.key)) > 1:
            raise QuestionnaireError(
                _(
                    "The key cannot change: other versions of %(key)s exist, and results are"
                    " compared by key.",
                    key=questionnaire.key,
                ),
                field="key",
            )
        if queries.latest(key) is not None:
            raise QuestionnaireError(
                _("A questionnaire with the key %(key)s exists already.", key=key), field="key"
            )
    title = check_texts(title, "title")
    if not title.get("nb"):
        raise QuestionnaireError(_("Write the title in bokmål."), field="title_nb")
    questionnaire.key = key
    questionnaire.kind = QuestionnaireKind(kind)
    questionnaire.title = title
    questionnaire.description = check_texts(description or {}, "description", LONG)
    if hide_unit_items is not None:
        questionnaire.hide_unit_items = bool(hide_unit_items)
    _check_whole(questionnaire)


def delete_draft(questionnaire: Questionnaire) -> None:
    """Delete a draft version. Published versions stay (survey rounds and results refer to them)."""
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise QuestionnaireError(
            _(
                "Version %(version)s of %(key)s is published and cannot be deleted: survey rounds"
                " and results may refer to it.",
                version=questionnaire.version,
                key=questionnaire.key,
            )
        )
    audit.record("questionnaire.deleted", _name(questionnaire))
    db.session.delete(questionnaire)
    db.session.flush()


def new_version(questionnaire: Questionnaire) -> Questionnaire:
    """Copy a published version into the next version number, as a draft with the same keys."""
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        raise QuestionnaireError(_("This version is a draft; edit it directly."))
    existing = queries.draft(questionnaire.key)
    if existing is not None:
        raise QuestionnaireError(
            _(
                "%(key)s already has a draft (version %(version)s). Edit that one, or delete it"
                " first.",
                key=questionnaire.key,
                version=existing.version,
            )
        )
    return _add_next_version(
        jsonformat.from_dict(jsonformat.to_dict(questionnaire)), "questionnaire.new_version"
    )


def _add_next_version(questionnaire: Questionnaire, event: str) -> Questionnaire:
    """Add a new questionnaire as the next version of its key,
    recorded in the audit log as `event`.
    """
    questionnaire.version = queries.next_version(questionnaire.key)
    db.session.add(questionnaire)
    db.session.flush()
    audit.record(event, _name(questionnaire))
    return questionnaire


@dataclass(frozen=True)
class Check:
    """One finding of the publishing check, with where it is (for a link to the editor)."""

    message: str
    place: str = ""
    section_id: int | None = None
    question_id: int | None = None
    indicator_id: int | None = None


@dataclass
class PublishCheck:
    errors: list[Check] = field(default_factory=list)  # publishing is refused while there are any
    warnings: list[Check] = field(
        default_factory=list
    )  # missing translations: the respondent sees bokmål

    @property
    def ok(self) -> bool:
        return not self.errors


class PublishRefused(QuestionnaireError):
    def __init__(self, check: PublishCheck):
        super().__init__(
            ngettext(
                "The questionnaire cannot be published yet: %(num)s problem must be fixed first.",
                "The questionnaire cannot be published yet: %(num)s problems must be fixed first.",
                len(check.errors),
            )
        )
        self.check = check


def _missing(value: dict, languages=("nn", "en")) -> list[str]:
    value = texts(value)
    return [lang for lang in languages if not value.get(lang)]


def publish_check(questionnaire: Questionnaire) -> PublishCheck:
    """What stops publishing (errors) and which translations are missing (warnings)."""
    check = PublishCheck()
    err, warn = check.errors.append, check.warnings.append
    answerable = [q for q in questionnaire.questions if kind_of(q).answerable]
    if not answerable:
        err(
            Check(
                _(
                    "There is no question to answer. Add at least one question that is not"
                    " information text."
                )
            )
        )
    if not texts(questionnaire.title).get("nb"):
        err(Check(_("The questionnaire has no title in bokmål."), _("Title")))

    def texts_of(place: str, named: list[tuple[str, dict, bool]], **ids) -> None:
        missing_nb = [
            name
            for name, value, needed in named
            if (needed or texts(value)) and not texts(value).get("nb")
        ]
        if missing_nb:
            err(Check(_("No bokmål text for: %(what)s.", what=", ".join(missing_nb)), place, **ids))
        missing = sorted(
            {
                lang
                for name, value, needed in named
                if texts(value).get("nb")
                for lang in _missing(value)
            },
            key=LANGUAGES.index,
        )
        if missing:
            warn(
                Check(
                    _(
                        "Not translated to %(languages)s; the respondent will see the bokmål text.",
                        languages=", ".join(
                            f"{LANGUAGE_LABELS[lang]} ({lang})" for lang in missing
                        ),
                    ),
                    place,
                    **ids,
                )
            )

    texts_of(
        _("Questionnaire"),
        [
            (_("title"), questionnaire.title, True),
            (_("description"), questionnaire.description, False),
        ],
    )
    history = queries.published_history(questionnaire.key, questionnaire.version)
    for n, section in enumerate(queries.sections(questionnaire), start=1):
        place = _("Section %(n)s", n=n)
        if not section.questions:
            err(
                Check(
                    _("The section has no questions. Add questions or delete the section."),
                    place,
                    section_id=section.id,
                )
            )
        texts_of(
            place,
            [(_("heading"), section.title, False), (_("introduction"), section.intro, False)],
            section_id=section.id,
        )
        for question in sorted(section.questions, key=lambda q: q.position):
            qplace = _("Question %(key)s", key=question.key)
            kind = kind_of(question)
            for message in kind.publish_errors(question):
                err(Check(message, qplace, question_id=question.id))
            texts_of(
                qplace,
                [
                    (_("question text"), question.text, True),
                    (_("help text"), question.help, False),
                    *kind.named_texts(question),
                ],
                question_id=question.id,
            )
            if problem := _history_problem(question.key, kind, question, history):
                err(Check(problem.message, qplace, question_id=question.id))
    previous = queries.published(questionnaire.key)
    if (
        previous is not None
        and previous.version < questionnaire.version
        and jsonformat.to_dict(previous) == jsonformat.to_dict(questionnaire)
    ):
        warn(
            Check(
                _(
                    "This version is the same as version %(version)s, which is published already.",
                    version=previous.version,
                )
            )
        )
    for indicator in queries.indicators(questionnaire):
        place = _("Indicator %(key)s", key=indicator.key)
        if not indicator.questions:
            err(
                Check(
                    _("The indicator has no questions. Choose at least one scale question."),
                    place,
                    indicator_id=indicator.id,
                )
            )
        texts_of(place, [(_("name"), indicator.name, True)], indicator_id=indicator.id)
        conditional = [
            q.key for q in indicator.questions if q.condition or (q.section and q.section.condition)
        ]
        if conditional:
            warn(
                Check(
                    _(
                        "%(keys)s are asked only under a condition. A respondent gets a score when"
                        " they answered at least %(share)s of all the indicator's items, and items"
                        " they were not asked count as not answered there; a score is the mean of"
                        " the items they answered (docs/results.md).",
                        keys=", ".join(conditional),
                        share=f"{round(100 * (indicator.min_share or 0))} %",
                    ),
                    place,
                    indicator_id=indicator.id,
                )
            )
    for lang in queries.partial_languages(questionnaire):
        warn(
            Check(
                _(
                    "Some texts have no %(language)s translation, so respondents cannot choose"
                    " %(language)s until every title, question and choice has one.",
                    language=f"{LANGUAGE_LABELS[lang]} ({lang})",
                )
            )
        )
    if unchecked := jsonformat.unchecked_languages(questionnaire.unchecked_translations):
        warn(Check(unchecked_message(unchecked)))
    return check


def unchecked_message(languages: list[str]) -> str:
    """What the editor and the publishing check say of unchecked machine-assisted texts."""
    return _(
        "The texts in %(languages)s are machine-assisted translations that no native speaker has"
        " checked yet. Have them checked before respondents see them.",
        languages=", ".join(f"{LANGUAGE_LABELS[lang]} ({lang})" for lang in languages),
    )


def publish(questionnaire: Questionnaire) -> PublishCheck:
    """Publish a draft. Raises PublishRefused (with the whole check) while there are errors."""
    _require_draft(questionnaire)
    check = publish_check(questionnaire)
    if not check.ok:
        raise PublishRefused(check)
    questionnaire.status = QuestionnaireStatus.PUBLISHED
    questionnaire.published_at = utcnow()
    db.session.flush()
    audit.record("questionnaire.published", _name(questionnaire))
    return check


# --- sections --------------------------------------------------------------------------------


def add_section(questionnaire: Questionnaire, title: dict, intro: dict | None = None) -> Section:
    """A new section at the end. Flushes."""
    _require_draft(questionnaire)
    section = Section(
        title=check_texts(title, "title"),
        intro=check_texts(intro or {}, "intro", LONG),
        position=len(questionnaire.sections),
    )
    _sorted_sections(questionnaire).append(section)
    _renumber(questionnaire.sections)
    db.session.flush()
    return section


def update_section(section: Section, title: dict, intro: dict | None) -> None:
    _require_draft(section.questionnaire)
    section.title = check_texts(title, "title")
    section.intro = check_texts(intro or {}, "intro", LONG)
    db.session.flush()


def move_section(section: Section, step: int) -> bool:
    """Move a section up (step=-1) or down (+1). Returns False when it is already at the end."""
    questionnaire = section.questionnaire
    _require_draft(questionnaire)
    moved = _move(_sorted_sections(questionnaire), section, step)
    _check_conditions(questionnaire)
    return moved


def delete_section(section: Section) -> None:
    """Delete a section with its questions (they leave the indicators that used them)."""
    questionnaire = section.questionnaire
    _require_draft(questionnaire)
    for question in list(section.questions):
        _leave_indicators(question)
    _sorted_sections(questionnaire).remove(section)  # delete-orphan: removing it deletes it
    _renumber(questionnaire.sections)
    _check_conditions(questionnaire)


# --- questions -------------------------------------------------------------------------------


@dataclass
class QuestionData:
    """Everything the editor says about a question; which fields count depends on the type."""

    key: str
    type: QuestionType
    text: dict
    help: dict = field(default_factory=dict)
    required: bool = False
    scale_min: int | None = None
    scale_max: int | None = None
    low_label: dict = field(default_factory=dict)
    high_label: dict = field(default_factory=dict)
    dont_know: bool = False
    min_value: float | None = None
    max_value: float | None = None
    integer_only: bool = True
    max_length: int | None = None
    choices: list[tuple[str, dict]] = field(default_factory=list)  # (value, label per language)
    grid: str | None = None  # scale only: shown in a grid with its neighbours (surveys.grids)

    @classmethod
    def of(cls, question: Question) -> QuestionData:
        return cls(
            key=question.key,
            type=QuestionType(question.type),
            text=dict(question.text or {}),
            help=dict(question.help or {}),
            required=question.required,
            scale_min=question.scale_min,
            scale_max=question.scale_max,
            low_label=dict(question.low_label or {}),
            high_label=dict(question.high_label or {}),
            dont_know=question.dont_know,
            min_value=question.min_value,
            max_value=question.max_value,
            integer_only=question.integer_only,
            max_length=question.max_length,
            choices=[
                (c.value, dict(c.label or {}))
                for c in sorted(question.choices, key=lambda c: c.position)
            ],
            grid=question.grid,
        )


def suggest_key(questionnaire: Questionnaire, prefix: str = "q") -> str:
    used = {q.key for q in questionnaire.questions}
    n = len(used) + 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def _history_problem(
    key: str, kind: QuestionKind, data, history: dict
) -> QuestionnaireError | None:
    """Why the question `data` (of type `kind`) cannot have `key`
    after the published versions in `history`.
    """
    earlier = history.get(key)
    return None if earlier is None else kind.history_problem(key, earlier, data)


def _clean_question_data(
    questionnaire: Questionnaire, data: QuestionData, question: Question | None
) -> QuestionData:
    """Check a question's data field by field; QuestionnaireError names the form field."""
    kind = TYPES[data.type]
    key = _check_key(data.key)
    other = queries.question_by_key(questionnaire, key)
    if other is not None and other is not question:
        raise QuestionnaireError(
            _("Another question in this questionnaire has the key %(key)s.", key=key), field="key"
        )
    history = queries.published_history(questionnaire.key, questionnaire.version)
    if question is not None and key != question.key and question.key in history:
        raise QuestionnaireError(
            _(
                "The key %(key)s is used in version %(version)s, which is published. Results are"
                " compared by key, so it cannot change. Add a new question if the meaning has"
                " changed.",
                key=question.key,
                version=history[question.key].version,
            ),
            field="key",
        )
    clean = QuestionData(
        key=key,
        type=kind.name,
        text=check_texts(data.text, "text", LONG, required=True),
        help=check_texts(data.help, "help", LONG),
        required=bool(data.required) and kind.answerable,
    )
    kind.clean_settings(data, clean)
    if data.grid and kind.name == QuestionType.SCALE:
        clean.grid = _check_key(data.grid, "grid")
    if problem := _history_problem(key, kind, clean, history):
        raise problem
    if question is not None:
        for indicator in questionnaire.indicators:
            if question in indicator.questions:
                if not kind.for_indicators:
                    raise QuestionnaireError(
                        _(
                            "The question is part of the indicator %(indicator)s, which takes scale"
                            " questions only. Take it out of the indicator first.",
                            indicator=indicator.key,
                        ),
                        field="type",
                    )
                others = {
                    (q.scale_min, q.scale_max) for q in indicator.questions if q is not question
                }
                if others and (clean.scale_min, clean.scale_max) not in others:
                    low, high = next(iter(others))
                    raise QuestionnaireError(
                        _(
                            "The question is part of the indicator %(indicator)s, whose other"
                            " questions are on a scale from %(low)s to %(high)s.",
                            indicator=indicator.key,
                            low=low,
                            high=high,
                        ),
                        field="scale_min",
                    )
    return clean


def _apply(question: Question, data: QuestionData) -> None:
    question.key, question.type, question.text, question.help = (
        data.key,
        data.type,
        data.text,
        data.help,
    )
    question.required = data.required
    question.scale_min, question.scale_max = data.scale_min, data.scale_max
    question.low_label, question.high_label, question.dont_know = (
        data.low_label,
        data.high_label,
        data.dont_know,
    )
    question.min_value, question.max_value, question.integer_only = (
        data.min_value,
        data.max_value,
        data.integer_only,
    )
    question.max_length = data.max_length
    question.grid = data.grid
    current = [
        (c.value, texts(c.label)) for c in sorted(question.choices, key=lambda c: c.position)
    ]
    if current != data.choices:
        if question.choices:
            question.choices.clear()
            db.session.flush()  # old values are gone before new ones with the same value arrive
        question.choices.extend(
            Choice(position=i, value=v, label=label) for i, (v, label) in enumerate(data.choices)
        )


def add_question(section: Section, data: QuestionData) -> Question:
    """A new question at the end of `section`. Flushes."""
    questionnaire = section.questionnaire
    _require_draft(questionnaire)
    clean = _clean_question_data(questionnaire, data, None)
    question = Question(
        position=len(section.questions),
        key=clean.key,
        type=clean.type,
        text={},
        help={},
        low_label={},
        high_label={},
    )
    question.questionnaire = questionnaire
    section.questions.sort(key=lambda q: q.position)
    section.questions.append(question)
    _apply(question, clean)
    _renumber(section.questions)
    _check_whole(questionnaire)
    return question


def update_question(question: Question, data: QuestionData, section: Section | None = None) -> None:
    """Change a question (and move it to the end of another section if `section` is given).
    Flushes.
    """
    questionnaire = question.questionnaire
    _require_draft(questionnaire)
    clean = _clean_question_data(questionnaire, data, question)
    _apply(question, clean)
    if section is not None and section is not question.section:
        if section.questionnaire is not questionnaire:
            raise QuestionnaireError(_("Choose a section of this questionnaire."), field="section")
        _move_to(question, section, len(section.questions))
    _check_whole(questionnaire)


def change_type(question: Question, kind: QuestionType) -> None:
    """Make a draft question another type: the key and texts stay, and the new type keeps what
    carries over (see QuestionKind.adopt: choices that are numbers become a scale, and a scale's
    points become choices). Flushes."""
    data = QuestionData.of(question)
    data.type = QuestionType(kind)
    new, old = TYPES[kind], kind_of(question)
    if new is not old:
        new.adopt(data, question)
    update_question(question, data)


def _move_to(question: Question, section: Section, index: int) -> None:
    old = question.section
    old.questions.sort(key=lambda q: q.position)
    old.questions.remove(question)
    _renumber(old.questions)
    section.questions.sort(key=lambda q: q.position)
    section.questions.insert(index, question)
    _renumber(section.questions)


def move_question(question: Question, step: int) -> bool:
    """Move a question up (-1) or down (+1); past the start or end of its section it moves into the
    previous section (at the end) or the next one (at the start). False when there is nowhere to go.
    """
    questionnaire = question.questionnaire
    _require_draft(questionnaire)
    section = question.section
    section.questions.sort(key=lambda q: q.position)
    if _move(section.questions, question, step):
        _check_conditions(questionnaire)
        return True
    sections = _sorted_sections(questionnaire)
    target = sections.index(section) + step
    if not 0 <= target < len(sections):
        return False
    other = sections[target]
    _move_to(question, other, len(other.questions) if step < 0 else 0)
    _check_conditions(questionnaire)
    return True


def _leave_indicators(question: Question) -> None:
    for indicator in question.questionnaire.indicators:
        if question in indicator.questions:
            indicator.questions.remove(question)


def delete_question(question: Question) -> None:
    """Delete a question; it leaves the indicators that used it. Flushes."""
    questionnaire = question.questionnaire
    _require_draft(questionnaire)
    _leave_indicators(question)
    section = question.section
    section.questions.remove(question)  # delete-orphan: removing it deletes it
    _renumber(sorted(section.questions, key=lambda q: q.position))
    _check_conditions(questionnaire)


# --- indicators ------------------------------------------------------------------------------


@dataclass
class IndicatorData:
    key: str
    name: dict
    dimension: Dimension
    items: list[Question]
    min_share: float = jsonformat.DEFAULT_MIN_SHARE
    favourable_from: float | None = None


def _clean_indicator_data(
    questionnaire: Questionnaire, data: IndicatorData, indicator: Indicator | None
) -> IndicatorData:
    key = _check_key(data.key)
    other = next((i for i in questionnaire.indicators if i.key == key), None)
    if other is not None and other is not indicator:
        raise QuestionnaireError(
            _("Another indicator in this questionnaire has the key %(key)s.", key=key), field="key"
        )
    name = check_texts(data.name, "name", required=True)
    scales = set()
    for q in data.items:
        if q.questionnaire is not questionnaire or not kind_of(q).for_indicators:
            raise QuestionnaireError(
                _("Choose scale questions of this questionnaire."), field="items"
            )
        scales.add((q.scale_min, q.scale_max))
    if len(scales) > 1:
        raise QuestionnaireError(
            _(
                "The chosen questions are on different scales (%(ranges)s); an indicator's"
                " questions must share one scale.",
                ranges=", ".join(f"{a}–{b}" for a, b in sorted(scales)),
            ),
            field="items",
        )
    if data.min_share is None or not 0 < data.min_share <= 1:
        raise QuestionnaireError(_("Give a share above 0 % and at most 100 %."), field="min_share")
    if data.favourable_from is not None and scales:
        low, high = next(iter(scales))
        if not low <= data.favourable_from <= high:
            raise QuestionnaireError(
                _("Choose a point on the scale, from %(low)s to %(high)s.", low=low, high=high),
                field="favourable_from",
            )
    return IndicatorData(
        key,
        name,
        Dimension(data.dimension),
        list(data.items),
        float(data.min_share),
        None if data.favourable_from is None else float(data.favourable_from),
    )


def add_indicator(questionnaire: Questionnaire, data: IndicatorData) -> Indicator:
    _require_draft(questionnaire)
    clean = _clean_indicator_data(questionnaire, data, None)
    indicator = Indicator(
        position=len(questionnaire.indicators),
        key=clean.key,
        name=clean.name,
        dimension=clean.dimension,
        min_share=clean.min_share,
        favourable_from=clean.favourable_from,
        questions=clean.items,
    )
    questionnaire.indicators.sort(key=lambda i: i.position)
    questionnaire.indicators.append(indicator)
    _renumber(questionnaire.indicators)
    _check_whole(questionnaire)
    return indicator


def update_indicator(indicator: Indicator, data: IndicatorData) -> None:
    questionnaire = indicator.questionnaire
    _require_draft(questionnaire)
    clean = _clean_indicator_data(questionnaire, data, indicator)
    indicator.key, indicator.name, indicator.dimension = clean.key, clean.name, clean.dimension
    indicator.min_share, indicator.favourable_from = clean.min_share, clean.favourable_from
    indicator.questions = clean.items
    _check_whole(questionnaire)


def move_indicator(indicator: Indicator, step: int) -> bool:
    questionnaire = indicator.questionnaire
    _require_draft(questionnaire)
    questionnaire.indicators.sort(key=lambda i: i.position)
    moved = _move(questionnaire.indicators, indicator, step)
    db.session.flush()
    return moved


def delete_indicator(indicator: Indicator) -> None:
    questionnaire = indicator.questionnaire
    _require_draft(questionnaire)
    questionnaire.indicators.remove(indicator)  # delete-orphan: removing it deletes it
    _renumber(sorted(questionnaire.indicators, key=lambda i: i.position))
    db.session.flush()


# --- import ----------------------------------------------------------------------------------


def _history_path_problems(questionnaire: Questionnaire) -> list[Problem]:
    history = queries.published_history(questionnaire.key)
    problems = []
    for i, section in enumerate(questionnaire.sections):
        for j, question in enumerate(section.questions):
            if problem := _history_problem(question.key, kind_of(question), question, history):
                problems.append(Problem(problem.message, path=f"sections[{i}].questions[{j}].type"))
    return problems


def import_data(data) -> Questionnaire:
    """Import a questionnaire from our JSON format (a parsed dict) as a draft. Flushes.

    A new key becomes version 1. A key that exists becomes its next version, as a draft, provided
    the key has no draft already and every question key keeps the type (and scale) it has in earlier
    published versions. Raises InvalidQuestionnaire (nothing imported) listing every problem.
    """
    questionnaire = jsonformat.from_dict(data)
    existing = queries.draft(questionnaire.key)
    if existing is not None:
        raise InvalidQuestionnaire(
            [
                Problem(
                    _(
                        "%(key)s already has a draft (version %(version)s). Publish or delete that"
                        " draft before importing a new version.",
                        key=questionnaire.key,
                        version=existing.version,
                    ),
                    path="key",
                )
            ]
        )
    problems = _history_path_problems(questionnaire)
    if problems:
        raise InvalidQuestionnaire(problems)
    return _add_next_version(questionnaire, "questionnaire.imported")


@dataclass(frozen=True)
class ImportResult:
    questionnaire: Questionnaire
    notes: list[Problem]  # what the import changed on the way (XLSForm, .lss): not errors


SUPPORTED_SUFFIXES = (".json", ".xlsx", ".xls", ".lss")


def import_file(filename: str, content: bytes, skip_unsupported: bool = False) -> ImportResult:
    """Import a .json (our format), .xlsx/.xls (XLSForm) or .lss (LimeSurvey) file as a draft.
    Flushes.

    Raises InvalidQuestionnaire for a file with errors and UnsupportedContent for an XLSForm or
    .lss with content Helhet cannot represent (unless skip_unsupported); in both cases nothing is
    imported.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".json":
        return ImportResult(import_data(jsonformat.loads(content)), [])
    if suffix in (".xlsx", ".xls", ".lss"):
        if suffix == ".lss":
            converted = limesurvey.convert(content, skip_unsupported=skip_unsupported)
        else:
            converted = xlsform.convert(content, filename, skip_unsupported=skip_unsupported)
        try:
            questionnaire = import_data(converted.data)
        except InvalidQuestionnaire as invalid:
            raise InvalidQuestionnaire([converted.place_of(p) for p in invalid.problems]) from None
        return ImportResult(questionnaire, converted.notes)
    raise InvalidQuestionnaire(
        [
            Problem(
                _(
                    "Helhet imports .json files in its own format, XLSForm workbooks (.xlsx,"
                    " .xls) and LimeSurvey survey structures (.lss); %(name)s is none of them.",
                    name=filename or "?",
                ),
                path="",
            )
        ]
    )


def install(data: dict, publish_it: bool) -> Questionnaire | None:
    """Import `data` unless its key exists already (then None); publish it if asked."""
    if (
        db.session.scalar(select(Questionnaire.id).where(Questionnaire.key == data["key"]).limit(1))
        is not None
    ):
        return None
    questionnaire = import_data(data)
    if publish_it:
        publish(questionnaire)
    return questionnaire


# --- conditions in the preview ---------------------------------------------------------------


@dataclass(frozen=True)
class _PreviewPage:
    condition: dict | None
    questions: list[Question]


def preview_asked(questionnaire: Questionnaire, answers: dict) -> conditions.Asked:
    """Which pages and questions the preview shows for the answers given in it so far."""
    return conditions.asked(
        [_PreviewPage(s.condition, qs) for s, qs in queries.pages(questionnaire)], answers
    )


def preview_answers(questionnaire: Questionnaire, kept: dict, page_answers: dict) -> dict:
    """The answers the preview keeps (in the administrator's session) after a page: only those
    some condition reads, a text only as "answered", so the session stays small."""
    read = {
        key
        for section, questions in queries.pages(questionnaire)
        for condition in [section.condition, *(q.condition for q in questions)]
        for key in conditions.referred(condition)
    }
    out = {k: v for k, v in kept.items() if k in read}
    for key, value in page_answers.items():
        if key not in read:
            continue
        if conditions.is_missing(value):
            out.pop(key, None)
        else:
            out[key] = "x" if isinstance(value, str) and len(value) > 64 else value
    return out


# --- conditions in the editor ----------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRow:
    """One test as the editor's form gives it: a question key, an operator and the typed value."""

    question: str
    op: str
    value: str = ""


def condition_targets(questionnaire: Questionnaire, section: Section) -> list[Question]:
    """The questions a condition on `section` (or on a question in it) may read: the answerable
    questions of the sections before it, in order."""
    return [
        q
        for s, questions in queries.pages(questionnaire)
        if s.position < section.position
        for q in questions
        if kind_of(q).answerable
    ]


def _typed_value(question: Question, raw: str):
    raw = raw.strip()
    if question.type == QuestionType.SCALE and raw.lower() in (DONT_KNOW, "vet ikke"):
        return DONT_KNOW
    if question.type in (QuestionType.SCALE, QuestionType.NUMBER):
        try:
            return number(parse_number(raw))
        except ValueError:
            return raw
    return raw


def condition_from_rows(
    questionnaire: Questionnaire, section: Section, join: str, rows: list[ConditionRow]
) -> dict | None:
    """The condition the editor's rows say (None: no row filled in), checked against the
    questions before `section`. QuestionnaireError names the field at fault (rows-N-value)."""
    targets = {q.key: q for q in condition_targets(questionnaire, section)}
    tests = []
    for n, row in enumerate(rows):
        if not row.question:
            if row.value.strip():
                raise QuestionnaireError(
                    _("Choose the question to test."), field=f"rows-{n}-question"
                )
            continue
        question = targets.get(row.question)
        if question is None:
            raise QuestionnaireError(
                _("Choose a question on an earlier page."), field=f"rows-{n}-question"
            )
        if row.op not in conditions.OPERATORS:
            raise QuestionnaireError(_("Choose a test."), field=f"rows-{n}-op")
        test: dict = {"question": question.key, "op": row.op}
        if row.op in conditions.WITH_VALUE:
            raws = (
                [v for v in row.value.split(",") if v.strip()]
                if row.op == "one_of"
                else [row.value]
            )
            if not any(v.strip() for v in raws):
                raise QuestionnaireError(
                    _("Write the value to compare with."), field=f"rows-{n}-value"
                )
            values = [_typed_value(question, v) for v in raws]
            test["value"] = values if row.op == "one_of" else values[0]
            found = conditions.value_problem(
                jsonformat.condition_target(_target_data(question)), row.op, test["value"]
            )
            if found:
                raise QuestionnaireError(
                    conditions.message(found[0], **found[1]), field=f"rows-{n}-value"
                )
        elif question.type == QuestionType.INFO:
            continue
        tests.append(test)
    if not tests:
        return None
    return conditions.canonical(tests[0] if len(tests) == 1 else {join: tests})


def _target_data(question: Question) -> dict:
    """The little of a question's format data that jsonformat.condition_target reads."""
    return {
        "key": question.key,
        "type": QuestionType(question.type).value,
        "choices": [{"value": c.value} for c in question.choices],
        "min": question.scale_min if question.type == QuestionType.SCALE else question.min_value,
        "max": question.scale_max if question.type == QuestionType.SCALE else question.max_value,
        "dont_know": bool(question.dont_know),
    }


def set_condition(questionnaire: Questionnaire, part: Question | Section, condition) -> None:
    """Set (or with None clear) the condition of a question or a section of a draft."""
    _require_draft(questionnaire)
    part.condition = condition
    _check_whole(questionnaire)
