"""Conditions (skip logic): when a question or a section is shown, decided from earlier answers.

A condition is JSON (docs/questionnaire-format.md, "Conditions"):

    {"question": "q1", "op": "equals", "value": "yes"}        # a test of one earlier answer
    {"question": "q2", "op": "one_of", "value": [1, 2]}
    {"question": "q3", "op": "at_least", "value": 4}          # also "at_most"
    {"question": "q4", "op": "answered"}                      # also "not_answered"
    {"all": [condition, ...]}                                 # and
    {"any": [condition, ...]}                                 # or (groups nest)

Everything here except `problems` and `describe` (which speak to people) is pure: plain data in,
plain data out, no database and no request. The answering pages, the send, the preview, the paper
import and the analysis all decide with `holds` and `asked`, so a condition means the same
everywhere.

How a test reads an answer (the draft's values, surveys.questiontypes): a missing answer (no key,
None, "" or []) is "not answered", and every test but `not_answered` is false for it. "Vet ikke"
("dk") is an answer: `answered` holds, `equals "dk"` holds, and no number test holds (it is not a
point on the scale). A multiple-choice answer (a list) `equals` a value when that value is among
the chosen ones, and is `one_of` values when any of them is chosen. Numbers compare as numbers
(3 equals 3.0); text never equals a number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

OPERATORS = ("equals", "one_of", "at_least", "at_most", "answered", "not_answered")
WITH_VALUE = {"equals", "one_of", "at_least", "at_most"}
NUMERIC = {"at_least", "at_most"}
GROUPS = ("all", "any")
DONT_KNOW = "dk"


# --- evaluating --------------------------------------------------------------------------------


def is_missing(value) -> bool:
    return value is None or value == "" or value == []


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(answer, value) -> bool:
    if _is_number(answer) and _is_number(value):
        return float(answer) == float(value)
    if isinstance(answer, str) and isinstance(value, str):
        return answer == value
    return False


def _matches(answer, value) -> bool:
    """`answer` equals `value`; a multiple-choice answer (a list) when it contains `value`."""
    if isinstance(answer, list):
        return any(_same(a, value) for a in answer)
    return _same(answer, value)


def holds(condition: Mapping | None, answers: Mapping) -> bool:
    """Whether `condition` holds for `answers` (question key -> draft value). No condition: True."""
    if condition is None:
        return True
    if "all" in condition:
        return all(holds(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, answers) for c in condition["any"])
    answer = answers.get(condition["question"])
    op = condition["op"]
    if op == "not_answered":
        return is_missing(answer)
    if is_missing(answer):
        return False
    if op == "answered":
        return True
    value = condition.get("value")
    if op == "equals":
        return _matches(answer, value)
    if op == "one_of":
        return any(_matches(answer, v) for v in value)
    if not _is_number(answer) or not _is_number(value):
        return False  # "vet ikke", a choice, a text: not a number on a scale
    return answer >= value if op == "at_least" else answer <= value


@dataclass(frozen=True)
class Asked:
    """What a respondent with some answers is asked: the shown pages (their 1-based numbers) and
    questions (keys), and the answers that count (those of shown questions only)."""

    pages: frozenset[int]
    questions: frozenset[str]
    answers: dict


def asked(pages: Sequence, answers: Mapping) -> Asked:
    """Which pages and questions are shown for `answers`, page by page.

    `pages` are objects with `condition` and `questions` (objects with `key` and `condition`), in
    the respondent's order, like collector.survey.Page. A page is shown when its condition holds
    and it has a shown question (or no questions at all); a question when its page is shown and its
    own condition holds. Conditions are read against the answers of the questions shown on earlier
    pages only: an answer to a hidden question counts as not given, so hiding cascades.
    """
    shown_pages: set[int] = set()
    shown: set[str] = set()
    counted: dict = {}
    for number, page in enumerate(pages, start=1):
        before = dict(counted)
        keys = []
        if holds(page.condition, before):
            keys = [q.key for q in page.questions if holds(q.condition, before)]
            if keys or not page.questions:
                shown_pages.add(number)
        shown.update(keys)
        for key in keys:
            if not is_missing(answers.get(key)):
                counted[key] = answers[key]
    return Asked(frozenset(shown_pages), frozenset(shown), counted)


def referred(condition: Mapping | None) -> list[str]:
    """The question keys a condition reads, in the order they appear (each once)."""
    if condition is None:
        return []
    if "all" in condition or "any" in condition:
        out: list[str] = []
        for child in condition.get("all", condition.get("any", [])):
            out.extend(k for k in referred(child) if k not in out)
        return out
    return [condition["question"]]


def combined(*parts: Mapping | None) -> dict | None:
    """The conditions that must all hold (a section's and its question's) as one, canonical."""
    present = [dict(p) for p in parts if p]
    if not present:
        return None
    return canonical(present[0] if len(present) == 1 else {"all": present})


# --- canonical form ----------------------------------------------------------------------------


def _number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def _value(value):
    return _number(value) if _is_number(value) else value


def _sort_key(value) -> tuple:
    return (0, float(value), "") if _is_number(value) else (1, 0.0, str(value))


def _text(condition: dict) -> str:
    return json.dumps(condition, ensure_ascii=False, sort_keys=True)


def _member_order(member: dict, text: str) -> tuple:
    """Tests first, by question key, operator (in OPERATORS' order) and value; then groups."""
    if any(g in member for g in GROUPS):
        return (1, "", 0, text)
    return (0, member["question"], OPERATORS.index(member["op"]), text)


def canonical(condition: Mapping | None) -> dict | None:
    """The one way a condition is written: keys in the order question, op, value; whole numbers
    without a decimal point; `one_of` values without repeats, sorted (numbers first, ascending),
    and a single value as `equals`; groups without repeated members, a group inside a group of
    the same kind flattened into it, a group of one member replaced by the member, and members
    sorted: tests by question key, operator and value, then groups. Expects a condition that
    `shape_problems` accepts."""
    if condition is None:
        return None
    for kind in GROUPS:
        if kind in condition:
            members: dict[str, dict] = {}
            for child in condition[kind]:
                child = canonical(child)
                for member in child.get(kind, [child]):
                    members.setdefault(_text(member), member)
            if len(members) == 1:
                return next(iter(members.values()))
            order = sorted(members, key=lambda t: _member_order(members[t], t))
            return {kind: [members[t] for t in order]}
    out: dict = {"question": condition["question"], "op": condition["op"]}
    if condition["op"] == "one_of":
        values: dict = {}
        for v in condition["value"]:
            v = _value(v)
            values.setdefault((0, float(v)) if _is_number(v) else (1, v), v)
        ordered = [values[k] for k in sorted(values, key=lambda k: _sort_key(values[k]))]
        if len(ordered) == 1:
            return {"question": out["question"], "op": "equals", "value": ordered[0]}
        out["value"] = ordered
    elif condition["op"] in WITH_VALUE:
        out["value"] = _value(condition["value"])
    return out


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a condition may test of an earlier question: its type and what its answers can be."""

    key: str
    type: str  # a QuestionType value
    choices: tuple[str, ...] = ()
    low: float | None = None  # scale or number range
    high: float | None = None
    dont_know: bool = False


def shape_problems(condition, path: str) -> list[tuple[str, str]]:
    """What is wrong with a condition's shape, as (path, message) pairs; the message is a key of
    MESSAGES. Checks what the JSON Schema cannot: one kind per object, a value where the operator
    needs one and none where it does not, non-empty groups."""
    if not isinstance(condition, dict):
        return [(path, "not_object")]
    groups = [k for k in GROUPS if k in condition]
    leaf = "question" in condition or "op" in condition or "value" in condition
    if len(groups) + bool(leaf) != 1:
        return [(path, "one_kind")]
    if groups:
        kind = groups[0]
        members = condition[kind]
        if not isinstance(members, list) or not members:
            return [(f"{path}.{kind}", "empty_group")]
        out = []
        for i, child in enumerate(members):
            out.extend(shape_problems(child, f"{path}.{kind}[{i}]"))
        return out
    out = []
    if "question" not in condition:
        out.append((f"{path}.question", "missing"))
    if condition.get("op") not in OPERATORS:
        out.append((f"{path}.op", "missing" if "op" not in condition else "unknown_op"))
        return out
    op = condition["op"]
    if op in WITH_VALUE and "value" not in condition:
        out.append((f"{path}.value", "missing"))
    elif op not in WITH_VALUE and "value" in condition:
        out.append((f"{path}.value", "no_value"))
    elif op == "one_of" and (not isinstance(condition["value"], list) or not condition["value"]):
        out.append((f"{path}.value", "one_of_list"))
    elif op != "one_of" and isinstance(condition.get("value"), list):
        out.append((f"{path}.value", "single_value"))
    return out


def value_problem(target: Target, op: str, value) -> tuple[str, dict] | None:
    """Why `value` does not fit an earlier question for `op`, as (message key, its parameters),
    or None when it fits."""
    if target.type == "info":
        return ("info", {"key": target.key})
    if op in ("answered", "not_answered"):
        return None
    if target.type == "text":
        return ("text_only_answered", {"key": target.key})
    if op in NUMERIC:
        if target.type not in ("scale", "number"):
            return ("needs_number_question", {"key": target.key})
        values = [value]
    else:
        values = value if op == "one_of" else [value]
    for v in values:
        if target.type in ("single", "multiple"):
            if not isinstance(v, str) or v not in target.choices:
                return (
                    "not_a_choice",
                    {"key": target.key, "value": _shown(v), "choices": ", ".join(target.choices)},
                )
        elif target.type == "scale" and v == DONT_KNOW and op not in NUMERIC:
            if not target.dont_know:
                return ("no_dont_know", {"key": target.key})
        elif not _is_number(v):
            return ("not_a_number", {"key": target.key, "value": _shown(v)})
        elif target.type == "scale" and (
            not float(v).is_integer() or not target.low <= v <= target.high
        ):
            return (
                "off_scale",
                {"key": target.key, "low": _number(target.low), "high": _number(target.high)},
            )
        elif target.type == "number" and (
            (target.low is not None and v < target.low)
            or (target.high is not None and v > target.high)
        ):
            return (
                "out_of_range",
                {
                    "key": target.key,
                    "low": "" if target.low is None else _number(target.low),
                    "high": "" if target.high is None else _number(target.high),
                },
            )
    return None


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def reference_problems(
    condition: Mapping, path: str, earlier: Mapping[str, Target], later: Iterable[str]
) -> list[tuple[str, str, dict]]:
    """Problems of a well-shaped condition against the questions it may read (`earlier`: on
    earlier pages) and those it may not (`later`: this page and after), as (path, message key,
    parameters)."""
    later = set(later)
    out: list[tuple[str, str, dict]] = []
    for kind in GROUPS:
        if kind in condition:
            for i, child in enumerate(condition[kind]):
                out.extend(reference_problems(child, f"{path}.{kind}[{i}]", earlier, later))
            return out
    key = condition["question"]
    if key not in earlier:
        reason = "not_earlier" if key in later else "unknown_question"
        return [(f"{path}.question", reason, {"key": key})]
    found = value_problem(earlier[key], condition["op"], condition.get("value"))
    if found:
        out.append((f"{path}.value", found[0], found[1]))
    return out


# --- in words (translated) ---------------------------------------------------------------------


def message(code: str, /, **params) -> str:
    """A problem of `shape_problems` / `reference_problems` in words."""
    from flask_babel import gettext as _

    messages = {
        "not_object": lambda: _("A condition must be an object {…}."),
        "one_kind": lambda: _(
            "A condition is either a test (question, op and value), or a group with all or any;"
            " not both, and not neither."
        ),
        "empty_group": lambda: _("A group of conditions must list at least one condition."),
        "missing": lambda: _("This is missing."),
        "unknown_op": lambda: _(
            "Unknown operator; use one of: %(options)s.", options=", ".join(OPERATORS)
        ),
        "no_value": lambda: _("answered and not_answered take no value; leave it out."),
        "one_of_list": lambda: _("one_of needs a list of at least one value."),
        "single_value": lambda: _("Only one_of takes a list; give one value here."),
        "info": lambda: _(
            "%(key)s is information text, which is never answered; a condition cannot test it.",
            **params,
        ),
        "text_only_answered": lambda: _(
            "%(key)s is a text question; a condition can only test whether it is answered or not.",
            **params,
        ),
        "needs_number_question": lambda: _(
            "at_least and at_most need a scale or number question; %(key)s is neither.", **params
        ),
        "not_a_choice": lambda: _(
            "%(value)s is not a choice of %(key)s; use one of: %(choices)s.", **params
        ),
        "no_dont_know": lambda: _(
            "%(key)s has no «vet ikke» option, so it cannot be tested for it.", **params
        ),
        "not_a_number": lambda: _(
            "%(key)s is answered with a number; %(value)s is not one.", **params
        ),
        "off_scale": lambda: _(
            "Must be a whole point on the scale of %(key)s, from %(low)s to %(high)s.", **params
        ),
        "out_of_range": lambda: _(
            "%(key)s only takes numbers from %(low)s to %(high)s; this can never be answered.",
            **params,
        ),
        "not_earlier": lambda: _(
            "%(key)s is not on an earlier page. A condition can only read answers given on"
            " earlier pages (sections), since each page is shown from the answers before it.",
            **params,
        ),
        "unknown_question": lambda: _(
            "No question in this questionnaire has the key %(key)s.", **params
        ),
    }
    return messages[code]()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe(condition: Mapping | None, questions: Mapping, language: str) -> str:
    """A condition in words, e.g. «Har du barn?» er «Ja» og «Alder» er minst 3.

    `questions` maps keys to questions (models or views with text, type and choices)."""
    from flask_babel import gettext as _

    from helhet.i18n import localized

    if condition is None:
        return ""
    for kind in GROUPS:
        if kind in condition:
            parts = []
            for child in condition[kind]:
                words = describe(child, questions, language)
                parts.append(f"({words})" if any(k in child for k in GROUPS) else words)
            joiner = _(" and ") if kind == "all" else _(" or ")
            return joiner.join(parts)
    question = questions.get(condition["question"])
    shown = _short(localized(question.text, language)) if question else condition["question"]
    name = f"«{shown}»"

    def value_words(value) -> str:
        if value == DONT_KNOW and question is not None and question.type == "scale":
            words = _("Don't know / not relevant")
            return f"«{words}»"
        if isinstance(value, str) and question is not None:
            label = next(
                (localized(c.label, language) for c in question.choices if c.value == value),
                value,
            )
            return f"«{label}»"
        return str(_number(value)) if _is_number(value) else str(value)

    op = condition["op"]
    value = condition.get("value")
    chosen = question is not None and question.type == "multiple"
    if op == "answered":
        return _("%(question)s is answered", question=name)
    if op == "not_answered":
        return _("%(question)s is not answered", question=name)
    if op == "at_least":
        return _("%(question)s is at least %(value)s", question=name, value=value_words(value))
    if op == "at_most":
        return _("%(question)s is at most %(value)s", question=name, value=value_words(value))
    values = value if op == "one_of" else [value]
    listed = _(" or ").join(value_words(v) for v in values)
    if chosen:
        return _("%(question)s has %(value)s chosen", question=name, value=listed)
    return _("%(question)s is %(value)s", question=name, value=listed)
