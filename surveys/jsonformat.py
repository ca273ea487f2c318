"""Our own questionnaire file format: JSON, versioned, described by a JSON Schema.

    data = to_dict(questionnaire)          # the canonical form
                                           # (what `helhet questionnaire export` writes)
    text = dumps(questionnaire)            # the same as UTF-8 JSON text, 2-space indent,
                                           # trailing newline
    data = loads(raw_bytes)                # parse, naming line and column of a syntax error
    clean = validate(data)                 # JSON Schema, then the rules the schema cannot say
    questionnaire = from_dict(data)        # a new, unsaved Questionnaire (no version yet)

The format is documented in docs/questionnaire-format.md; the schema is
surveys/schema/questionnaire.schema.json. Every error names its place as a JSON path such as
``sections[2].questions[0].type``, and `validate` reports every problem it finds, not only the
first.

Before the schema, `validate` refuses what no questionnaire holds and what would break later, each
at its path: a number that is NaN, an infinity or larger than helhet.edge.LARGEST_NUMBER (JSON
allows 10**400; Python's json reads NaN), a text with a control character (NUL and the like; tab
and line breaks are fine), and nesting deeper than MAX_DEPTH. `loads` also survives 100,000 nested
brackets (naming the line and column where the nesting gets too deep).

`to_dict` is canonical: keys in a fixed order, texts in the order nb, nn, en with empty ones left
out, whole numbers written without a decimal point, indicator items in questionnaire order. So an
export, imported into a fresh database and exported again, gives the same bytes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from helhet.config import RESPONDENT_LANGUAGES
from helhet.edge import LARGEST_NUMBER, describe, first_control, usable_number
from helhet.problems import Problem
from surveys import conditions
from surveys.errors import InvalidQuestionnaire
from surveys.grids import grid_problems
from surveys.models import (
    Dimension,
    Indicator,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireStatus,
    QuestionType,
    Section,
)
from surveys.questiontypes import TYPES, kind_of
from surveys.values import number, texts

FORMAT = "helhet-questionnaire"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "questionnaire.schema.json"
DEFAULT_MIN_SHARE = 0.5
MAX_DEPTH = 20  # the format itself needs 8 (questionnaire > sections > question > choices > label)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


# --- writing ---------------------------------------------------------------------------------


def ordered_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions in the order the respondent meets them (section by section)."""
    return [
        q
        for s in sorted(questionnaire.sections, key=lambda s: s.position)
        for q in sorted(s.questions, key=lambda q: q.position)
    ]


def question_to_dict(question: Question) -> dict:
    kind = kind_of(question)
    out: dict = {"key": question.key, "type": kind.name.value, "text": texts(question.text)}
    if texts(question.help):
        out["help"] = texts(question.help)
    if kind.answerable:
        out["required"] = bool(question.required)
    out |= kind.to_json(question)
    if question.grid:
        out["grid"] = question.grid
    if question.condition:
        out["condition"] = conditions.canonical(question.condition)
    return out


def unchecked_languages(value) -> list[str]:
    """The languages of `unchecked_translations` in canonical order (nb, nn, en, se, uk, pl)."""
    given = set(value or [])
    return [lang for lang in RESPONDENT_LANGUAGES if lang in given]


def to_dict(questionnaire: Questionnaire) -> dict:
    """The questionnaire in our JSON format (canonical form)."""
    order = {q.key: i for i, q in enumerate(ordered_questions(questionnaire))}
    data: dict = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": questionnaire.key,
        "kind": QuestionnaireKind(questionnaire.kind).value,
        "title": texts(questionnaire.title),
    }
    if texts(questionnaire.description):
        data["description"] = texts(questionnaire.description)
    if questionnaire.hide_unit_items:
        data["hide_unit_items"] = True
    if unchecked := unchecked_languages(questionnaire.unchecked_translations):
        data["unchecked_translations"] = unchecked
    sections = []
    for section in sorted(questionnaire.sections, key=lambda s: s.position):
        out: dict = {}
        if texts(section.title):
            out["title"] = texts(section.title)
        if texts(section.intro):
            out["intro"] = texts(section.intro)
        if section.condition:
            out["condition"] = conditions.canonical(section.condition)
        out["questions"] = [
            question_to_dict(q) for q in sorted(section.questions, key=lambda q: q.position)
        ]
        sections.append(out)
    data["sections"] = sections
    indicators = []
    for indicator in sorted(questionnaire.indicators, key=lambda i: i.position):
        out = {
            "key": indicator.key,
            "name": texts(indicator.name),
            "dimension": Dimension(indicator.dimension).value,
            "items": sorted(
                (q.key for q in indicator.questions), key=lambda k: order.get(k, len(order))
            ),
            "min_share": number(
                indicator.min_share if indicator.min_share is not None else DEFAULT_MIN_SHARE
            ),
        }
        if indicator.favourable_from is not None:
            out["favourable_from"] = number(indicator.favourable_from)
        indicators.append(out)
    data["indicators"] = indicators
    return data


def dump_data(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def dumps(questionnaire: Questionnaire) -> str:
    """The questionnaire as JSON text (UTF-8, not ASCII-escaped, 2-space indent, final newline)."""
    return dump_data(to_dict(questionnaire))


# --- reading ---------------------------------------------------------------------------------


def loads(raw: bytes | str) -> dict:
    """Parse JSON text; InvalidQuestionnaire names the line and column of a syntax error."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidQuestionnaire(
                [
                    Problem(
                        _(
                            "The file is not UTF-8 text (byte %(position)s). Save it as UTF-8"
                            " JSON.",
                            position=exc.start + 1,
                        ),
                        path="",
                    )
                ]
            ) from None
    if not raw.strip():
        raise InvalidQuestionnaire([Problem(_("The file is empty."), path="")])
    try:
        data = json.loads(raw, parse_constant=Unusable, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise InvalidQuestionnaire(
            [
                Problem(
                    _(
                        "This is not valid JSON: %(detail)s at line %(line)s, column %(column)s.",
                        detail=exc.msg,
                        line=exc.lineno,
                        column=exc.colno,
                    ),
                    path="",
                )
            ]
        ) from None
    except RecursionError:
        line, column = _too_deep_at(raw)
        raise InvalidQuestionnaire(
            [
                Problem(
                    _(
                        "Lists and objects are nested more than %(n)s levels deep at line %(line)s,"
                        " column %(column)s.",
                        n=MAX_DEPTH,
                        line=line,
                        column=column,
                    ),
                    path="",
                )
            ]
        ) from None
    _require_object(data)
    return data


class Unusable(str):
    """A number from the file that Helhet cannot keep (NaN, Infinity, hundreds of digits),
    as written.
    """


def _integer(text: str) -> int | Unusable:
    return Unusable(text[:20] + "…") if len(text.lstrip("-")) > 20 else int(text)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_at(raw: str) -> tuple[int, int]:
    """Line and column (1-based) of the bracket that nests deeper than MAX_DEPTH."""
    depth = 0
    for token in _TOKEN.finditer(raw):
        if token.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                start = token.start()
                return raw.count("\n", 0, start) + 1, start - raw.rfind("\n", 0, start)
        elif token.group() in "]}":
            depth -= 1
    return 1, 1


def _number_text(value) -> str:
    if isinstance(value, Unusable):
        return str(value)
    return (
        json.dumps(value)
        if isinstance(value, float)
        else str(value)[:20] + ("…" if len(str(value)) > 20 else "")
    )


def hostile_values(data) -> list[Problem]:
    """What no questionnaire holds, at its JSON path: unusable numbers, control characters,
    deep nesting.
    """
    largest = f"{LARGEST_NUMBER:,}".replace(",", " ")
    problems: list[Problem] = []
    stack: list[tuple[object, list, int]] = [(data, [], 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            problems.append(
                Problem(
                    _(
                        "Lists and objects are nested more than %(n)s levels deep here.",
                        n=MAX_DEPTH,
                    ),
                    path=format_path(path),
                )
            )
        elif isinstance(value, dict):
            for key, item in value.items():
                if character := first_control(str(key)):
                    problems.append(Problem(_control_message(character), path=format_path(path)))
                else:
                    stack.append((item, [*path, key], depth + 1))
        elif isinstance(value, list):
            stack.extend((item, [*path, i], depth + 1) for i, item in enumerate(value))
        elif isinstance(value, Unusable) or (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and not usable_number(value)
        ):
            problems.append(
                Problem(
                    _(
                        "Must be a number from %(low)s to %(high)s; %(value)s is not.",
                        low="-" + largest,
                        high=largest,
                        value=_number_text(value),
                    ),
                    path=format_path(path),
                )
            )
        elif isinstance(value, str) and (character := first_control(value)):
            problems.append(Problem(_control_message(character), path=format_path(path)))
    return sorted(problems, key=lambda p: p.path or "")


def _control_message(character: str) -> str:
    return _(
        "The text contains a control character (%(character)s), which cannot be stored. Remove it"
        " and try again.",
        character=describe(character),
    )


def format_path(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


TYPE_WORDS = {
    "string": lambda: _("a text"),
    "integer": lambda: _("a whole number"),
    "number": lambda: _("a number"),
    "boolean": lambda: _("true or false"),
    "object": lambda: _("an object {…}"),
    "array": lambda: _("a list […]"),
    "null": lambda: _("null"),
}
"""A JSON Schema type in words (translated when asked)."""

PYTHON_TYPES = (
    ("boolean", bool),
    ("object", dict),
    ("array", list),
    ("string", str),
    ("integer", int),
    ("number", float),
)


def _json_kind(value) -> str:
    """What kind of JSON value `value` is, in words."""
    name = next((name for name, python in PYTHON_TYPES if isinstance(value, python)), "null")
    return TYPE_WORDS[name]()


def _quoted_names(message: str) -> list[str]:
    return re.findall(r"'([^']*)'", message)


def _allowed_properties(subschema: dict, instance) -> set[str]:
    """Property names a schema with if/then branches allows for this instance."""
    allowed = set(subschema.get("properties", {}))
    for branch in subschema.get("allOf", []):
        if "if" in branch and Draft202012Validator(branch["if"]).is_valid(instance):
            allowed |= set(branch.get("then", {}).get("properties", {}))
    return allowed


def _schema_problems(data: dict) -> list[Problem]:
    problems: list[tuple] = []
    bad_types: set[tuple] = set()
    raw = list(_validator().iter_errors(data))
    for error in raw:
        if error.validator == "enum" and list(error.absolute_path)[-1:] == ["type"]:
            bad_types.add(tuple(error.absolute_path)[:-1])
    for error in raw:
        path = list(error.absolute_path)
        kind = error.validator
        if kind == "unevaluatedProperties" and tuple(path) in bad_types:
            continue  # an unknown type: its other properties cannot be judged
        if kind == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    problems.append((path + [name], _("This is missing.")))
            continue
        if kind in ("additionalProperties", "unevaluatedProperties"):
            if kind == "additionalProperties" and isinstance(error.instance, dict):
                allowed = set(error.schema.get("properties", {}))
                names = [n for n in error.instance if n not in allowed]
            else:
                # a property of the right type whose value is wrong counts as "unevaluated" too;
                # it is reported for its value, so only names the type does not know are unknown
                allowed = _allowed_properties(error.schema, error.instance)
                names = [n for n in _quoted_names(error.message) if n not in allowed]
            for name in names:
                problems.append(
                    (
                        path + [name],
                        _(
                            "Unknown property %(name)s: leave it out or check the spelling.",
                            name=name,
                        ),
                    )
                )
            continue
        problems.append((path, _schema_message(error, path)))
    seen, out = set(), []
    for path, message in sorted(problems, key=lambda p: ([str(x).zfill(6) for x in p[0]], p[1])):
        place = format_path(path)
        if (place, message) not in seen:
            seen.add((place, message))
            out.append(Problem(message, path=place))
    return out


def _schema_message(error, path: list) -> str:
    kind = error.validator
    last = path[-1] if path else None
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, str) else expected[0]
        return _(
            "Must be %(expected)s, not %(found)s.",
            expected=TYPE_WORDS[expected](),
            found=_json_kind(error.instance),
        )
    if kind == "const" and last == "format_version":
        return _(
            "This file has format version %(found)s; this Helhet reads version %(version)s.",
            found=json.dumps(error.instance),
            version=FORMAT_VERSION,
        )
    if kind == "const":
        return _("Must be %(value)s.", value=json.dumps(error.validator_value, ensure_ascii=False))
    if kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        if last == "type":
            return _(
                "Unknown question type %(value)s; use one of: %(options)s.",
                value=json.dumps(error.instance, ensure_ascii=False),
                options=options,
            )
        return _(
            "Unknown value %(value)s; use one of: %(options)s.",
            value=json.dumps(error.instance, ensure_ascii=False),
            options=options,
        )
    if kind == "pattern":
        if last == "value":
            return _("A choice value is 1 to 64 characters without spaces, commas or semicolons.")
        return _(
            "A key starts with a lowercase letter, followed by lowercase letters, digits or _ (at"
            " most 64 characters): %(value)s does not.",
            value=json.dumps(error.instance, ensure_ascii=False),
        )
    if kind == "maxLength":
        return _("At most %(n)s characters.", n=error.validator_value)
    if kind == "minimum":
        return _("Must be at least %(n)s.", n=error.validator_value)
    if kind == "maximum":
        return _("Must be at most %(n)s.", n=error.validator_value)
    if kind == "exclusiveMinimum":
        return _("Must be more than %(n)s.", n=error.validator_value)
    return _("Not allowed here (%(rule)s).", rule=kind)


def _normalise(data: dict) -> dict:
    """Schema-valid data in canonical shape, with defaults filled in."""
    out = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": data["key"],
        "kind": data["kind"],
        "title": texts(data.get("title")),
        "description": texts(data.get("description")),
        "hide_unit_items": bool(data.get("hide_unit_items", False)),
        "unchecked_translations": unchecked_languages(data.get("unchecked_translations")),
        "sections": [],
        "indicators": [],
    }
    for section in data["sections"]:
        questions = []
        for q in section["questions"]:
            kind = TYPES[q["type"]]
            questions.append(
                {
                    "key": q["key"],
                    "type": q["type"],
                    "text": texts(q["text"]),
                    "help": texts(q.get("help")),
                    "required": kind.answerable and bool(q.get("required", False)),
                    **kind.normalise(q),
                    "grid": q.get("grid") or None,
                    "condition": q.get("condition"),  # canonical once checked (`validate`)
                }
            )
        out["sections"].append(
            {
                "title": texts(section.get("title")),
                "intro": texts(section.get("intro")),
                "condition": section.get("condition"),
                "questions": questions,
            }
        )
    for ind in data.get("indicators", []):
        out["indicators"].append(
            {
                "key": ind["key"],
                "name": texts(ind["name"]),
                "dimension": ind["dimension"],
                "items": list(ind["items"]),
                "min_share": ind.get("min_share", DEFAULT_MIN_SHARE),
                "favourable_from": ind.get("favourable_from"),
            }
        )
    return out


def semantic_problems(data: dict) -> list[Problem]:
    """The rules a JSON Schema cannot say, on normalised data: unique keys, indicator items that are
    scale questions on one scale, sensible ranges, texts that are there."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(message, path=path))

    if not data["title"].get("nb"):
        add("title.nb", _("The questionnaire needs a title in bokmål (nb)."))
    questions: dict[str, tuple[str, dict]] = {}
    for i, section in enumerate(data["sections"]):
        for j, q in enumerate(section["questions"]):
            here = f"sections[{i}].questions[{j}]"
            if q["key"] in questions:
                add(
                    f"{here}.key",
                    _(
                        "The key %(key)s is already used by %(other)s; question keys must be"
                        " unique.",
                        key=q["key"],
                        other=questions[q["key"]][0],
                    ),
                )
            else:
                questions[q["key"]] = (here, q)
            if not q["text"]:
                add(
                    f"{here}.text",
                    _(
                        "The question has no text in any language; give it at least the bokmål (nb)"
                        " text."
                    ),
                )
            problems.extend(TYPES[q["type"]].json_problems(q, here))
    problems.extend(grid_problems(data["sections"]))
    problems.extend(condition_problems(data))
    indicator_keys: dict[str, int] = {}
    for i, ind in enumerate(data["indicators"]):
        here = f"indicators[{i}]"
        if ind["key"] in indicator_keys:
            add(
                f"{here}.key",
                _(
                    "The key %(key)s is already used by indicators[%(other)s]; indicator keys must"
                    " be unique.",
                    key=ind["key"],
                    other=indicator_keys[ind["key"]],
                ),
            )
        else:
            indicator_keys[ind["key"]] = i
        if not ind["name"]:
            add(f"{here}.name", _("The indicator has no name in any language."))
        scales = set()
        seen: set[str] = set()
        for k, item in enumerate(ind["items"]):
            if item in seen:
                add(f"{here}.items[{k}]", _("%(key)s is listed twice.", key=item))
                continue
            seen.add(item)
            if item not in questions:
                add(
                    f"{here}.items[{k}]",
                    _("No question in this questionnaire has the key %(key)s.", key=item),
                )
                continue
            q = questions[item][1]
            if not TYPES[q["type"]].for_indicators:
                add(
                    f"{here}.items[{k}]",
                    _(
                        "%(key)s is not a scale question; an indicator is made of scale questions"
                        " only.",
                        key=item,
                    ),
                )
                continue
            scales.add((q["min"], q["max"]))
        if len(scales) > 1:
            ranges = ", ".join(f"{low}–{high}" for low, high in sorted(scales))
            add(
                f"{here}.items",
                _(
                    "The items are on different scales (%(ranges)s); an indicator's items must"
                    " share one scale.",
                    ranges=ranges,
                ),
            )
        if ind["favourable_from"] is not None and len(scales) == 1:
            low, high = next(iter(scales))
            if not low <= ind["favourable_from"] <= high:
                add(
                    f"{here}.favourable_from",
                    _(
                        "Must be a point on the items' scale, from %(low)s to %(high)s.",
                        low=low,
                        high=high,
                    ),
                )
    return problems


def condition_target(q: dict) -> conditions.Target:
    """What a condition may test of a normalised question."""
    kind = q["type"]
    if kind in ("single", "multiple"):
        return conditions.Target(q["key"], kind, tuple(c["value"] for c in q["choices"]))
    if kind in ("scale", "number"):
        return conditions.Target(
            q["key"], kind, low=q["min"], high=q["max"], dont_know=bool(q.get("dont_know"))
        )
    return conditions.Target(q["key"], kind)


def condition_problems(data: dict) -> list[Problem]:
    """Conditions of normalised data that read a question not on an earlier page, or a value that
    does not fit the question they read."""
    problems: list[Problem] = []
    earlier: dict[str, conditions.Target] = {}
    everything = [q["key"] for s in data["sections"] for q in s["questions"]]
    for i, section in enumerate(data["sections"]):
        found = []
        if section["condition"]:
            found += conditions.reference_problems(
                section["condition"], f"sections[{i}].condition", earlier, everything
            )
        for j, q in enumerate(section["questions"]):
            if q["condition"]:
                found += conditions.reference_problems(
                    q["condition"], f"sections[{i}].questions[{j}].condition", earlier, everything
                )
        problems += [Problem(conditions.message(key, **params), path=p) for p, key, params in found]
        for q in section["questions"]:
            earlier.setdefault(q["key"], condition_target(q))
    return problems


def _condition_shape_problems(data: dict) -> list[Problem]:
    found = []
    for i, section in enumerate(data["sections"]):
        if "condition" in section:
            found += conditions.shape_problems(section["condition"], f"sections[{i}].condition")
        for j, q in enumerate(section["questions"]):
            if "condition" in q:
                found += conditions.shape_problems(
                    q["condition"], f"sections[{i}].questions[{j}].condition"
                )
    return [Problem(conditions.message(key), path=path) for path, key in found]


def _require_object(data) -> None:
    if not isinstance(data, dict):
        message = _(
            "The file must hold one JSON object {…} with the questionnaire, not %(kind)s.",
            kind=_json_kind(data),
        )
        raise InvalidQuestionnaire([Problem(message, path="")])


def validate(data) -> dict:
    """Check data against the JSON Schema and the rules; return it normalised.

    Raises InvalidQuestionnaire listing every problem with its JSON path.
    """
    _require_object(data)
    problems = hostile_values(data)
    if problems:
        raise InvalidQuestionnaire(problems)
    problems = _schema_problems(data) or _condition_shape_problems(data)
    if problems:
        raise InvalidQuestionnaire(problems)
    clean = _normalise(data)
    problems = semantic_problems(clean)
    if problems:
        raise InvalidQuestionnaire(problems)
    for section in clean["sections"]:  # checked as written (problems name the file's places)
        section["condition"] = conditions.canonical(section["condition"])
        for q in section["questions"]:
            q["condition"] = conditions.canonical(q["condition"])
    return clean


def from_dict(data) -> Questionnaire:
    """A new questionnaire (a draft, not yet in the session, without a version) from our format.

    Raises InvalidQuestionnaire when the data is not a valid questionnaire.
    """
    clean = validate(data)
    questionnaire = Questionnaire(
        key=clean["key"],
        kind=QuestionnaireKind(clean["kind"]),
        status=QuestionnaireStatus.DRAFT,
        title=clean["title"],
        description=clean["description"],
        hide_unit_items=clean["hide_unit_items"],
        unchecked_translations=clean["unchecked_translations"] or None,
    )
    by_key: dict[str, Question] = {}
    for i, s in enumerate(clean["sections"]):
        section = Section(position=i, title=s["title"], intro=s["intro"], condition=s["condition"])
        questionnaire.sections.append(section)
        for j, q in enumerate(s["questions"]):
            question = build_question(q)
            question.position = j
            question.questionnaire = questionnaire
            section.questions.append(question)
            by_key[question.key] = question
    for i, ind in enumerate(clean["indicators"]):
        questionnaire.indicators.append(
            Indicator(
                position=i,
                key=ind["key"],
                name=ind["name"],
                dimension=Dimension(ind["dimension"]),
                min_share=float(ind["min_share"]),
                favourable_from=(
                    None if ind["favourable_from"] is None else float(ind["favourable_from"])
                ),
                questions=[by_key[k] for k in ind["items"]],
            )
        )
    return questionnaire


def build_question(q: dict) -> Question:
    """A Question (without section or position) from one normalised question of the format."""
    kind = TYPES[q["type"]]
    question = Question(
        key=q["key"],
        type=kind.name,
        text=q["text"],
        help=q["help"],
        required=kind.answerable and bool(q["required"]),
        low_label={},
        high_label={},
        dont_know=False,
        integer_only=True,
        condition=q.get("condition"),
    )
    kind.from_json(question, q)
    question.grid = q.get("grid") if kind.name == QuestionType.SCALE else None
    return question
