"""A round's anonymised answers, one row per response, as CSV, XLSX and SPSS .sav (administrators).

    table = answer_table(campaign, unit, "nb")     # the round's answers in `unit`'s subtree
    body = ANSWER_FORMATS["sav"].render(table)     # also "csv" and "xlsx"

The columns, in this order (`AnswerTable.variables`):

    unit             the org unit's code (text; its name is the value label)
    <question key>   one column per scale, number and single-choice question, in questionnaire
                     order, named by the question's key made SPSS-safe (`spss_name`)
    <key>_<value>    multiple choice: one 0/1 column per choice (1 chosen, 0 not chosen)
    <key>_asked      after the columns of a question asked only under a condition (surveys/
                     conditions.py): 1 asked, 0 not asked. Its empty answer cells are "not
                     answered" where this is 1 and "not asked" where it is 0. It is worked out
                     from the row's own answers, so it tells nothing the row does not; where the
                     release rule empties a question it reads, it is emptied too.

The values. Scale questions: the point on the scale, and DONT_KNOW_CODE (99) for «vet ikke / ikke
aktuelt», a user-defined missing value in the .sav file (SPSS leaves it out of means; read it with
`user_missing=True` in pyreadstat to see it); the end points carry the questionnaire's scale labels
as value labels. Single choice: the choice's code, its label the value label (the code is the
choice's value where every value of the question is a whole number, else 1, 2, ... in the
questionnaire's order). Number questions: the number. Empty (system-missing): not answered, or
left empty by the release rule. Variable labels are the question texts in the chosen language
(bokmål where a text has no translation); a multiple-choice column adds the choice's label.

What makes it anonymous:
- no response id, no submitted date, no source, no invitation of any kind, and the rows in a
  random order (`random.SystemRandom`), so no row can be put back beside a code, a letter, a
  time or another file;
- no background variables (age group, gender): together with a unit and a few answers they single
  people out in a small unit, and no cell rule for them is in place yet;
- no free-text answers (people write what identifies them; administrators read them on the
  free-text page, results/free_text.py);
- only the rows the result pages would show (results/release.py): the rows of a unit whose
  response count is suppressed are left out, and a scale question's values are left empty for a
  unit where its cell is hidden. The file's notes say which units and questions, and how many rows
  were left out where that number does not tell a hidden count;
- held (unreviewed open-link) responses are never part of the data (`collector.dataset`).

CSV: the data only, through helhet.spreadsheets (formula-like text neutralised); the labels and
notes are in the XLSX (sheets «Etiketter» and «Om filen») and the .sav file (value and variable
labels, the notes as the file's documentation). The .sav file is written with pyreadstat.
"""

from __future__ import annotations

import math
import random
import re
import tempfile
import textwrap
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from collector import dataset
from collector.models import Campaign, CampaignState
from collector.survey import QuestionView, load
from helhet import audit
from helhet.edge import strip_controls
from helhet.i18n import localized
from helhet.models import OrgUnit
from helhet.spreadsheets import csv_bytes, xlsx_sheets_bytes
from results.release import COMPLEMENTARY, Withheld, release
from surveys import conditions
from surveys.models import QuestionType

DONT_KNOW_CODE = 99  # «vet ikke»: above every scale (scales end at 11 at most)
NOT_CHOSEN, CHOSEN = 0, 1
UNIT_COLUMN = "unit"

# SPSS: names of at most 64 bytes, a letter first, then letters, digits, _ and . (not last);
# these words cannot be names. Names are compared without regard to case.
SPSS_NAME_BYTES = 64
SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
# the longest texts a .sav file holds (bytes of UTF-8)
SAV_VARIABLE_LABEL = 256
SAV_VALUE_LABEL = 120
SAV_FILE_LABEL = 64
SAV_NOTE_LINE = 80
FOLDED = str.maketrans({"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "å": "aa", "Å": "AA"})


@dataclass(frozen=True)
class Variable:
    """One column: its SPSS-safe name, label, kind and value labels.

    kind          "unit", "scale", "number", "single", "multiple" or "asked" (a conditional
                  question's column saying whether it was asked: 1 asked, 0 not asked)
    question      the question key (None for the unit column)
    value_labels  code -> label (the unit column: code -> the unit's name)
    missing       the user-defined missing codes (DONT_KNOW_CODE for a scale with «vet ikke»)
    measure       SPSS's measurement level: nominal, ordinal or scale
    """

    name: str
    label: str
    kind: str
    question: str | None
    value_labels: dict[Any, str]
    missing: tuple[int, ...] = ()
    measure: str = "nominal"


@dataclass(frozen=True)
class AnswerTable:
    """The anonymised rows of one round for one org unit's subtree, with what the notes say."""

    round_name: str
    questionnaire: str  # the title in `language`
    unit_name: str
    language: str
    min_group: int
    preliminary: bool
    variables: tuple[Variable, ...]
    rows: tuple[tuple, ...]  # in random order; None where empty
    withheld: tuple[Withheld, ...]  # units of the subtree whose rows are left out
    left_out: int | None  # rows left out; None where the number would tell a hidden count
    emptied: tuple[tuple[str, tuple[str, ...]], ...]  # (unit name, variable names left empty)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]


# --- names ---------------------------------------------------------------------------------------


def _fits(text: str, size: int) -> str:
    """`text` cut to at most `size` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


class _Names:
    """SPSS-safe, unique (regardless of case) variable names."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, wanted: str) -> str:
        base = unicodedata.normalize("NFKD", wanted.translate(FOLDED))
        base = re.sub(r"[^A-Za-z0-9_.]+", "_", base.encode("ascii", "ignore").decode("ascii"))
        base = re.sub(r"_+", "_", base).strip("_.")
        if not base or not base[0].isalpha():
            base = "v_" + base if base else "v"
        if base.upper() in SPSS_RESERVED:
            base += "_v"
        name, number = base[:SPSS_NAME_BYTES].rstrip("_."), 1
        while name.upper() in self.taken:
            number += 1
            suffix = f"_{number}"
            name = base[: SPSS_NAME_BYTES - len(suffix)].rstrip("_.") + suffix
        self.taken.add(name.upper())
        return name


def spss_name(wanted: str, taken: set[str] | None = None) -> str:
    """`wanted` as an SPSS variable name: ASCII letters, digits, _ and ., a letter first, at most
    64 bytes, no reserved word, and not in `taken` (upper-case names; the new one is added)."""
    names = _Names()
    if taken is not None:
        names.taken = taken
    return names.take(wanted)


def _label(text: str) -> str:
    """A label on one line, without control characters."""
    return re.sub(r"\s+", " ", strip_controls(text, newlines=False)).strip()


# --- the columns of each question type (a registry; text and info questions have none) ----------


def _choice_codes(question: QuestionView) -> dict[str, int]:
    values = [c.value for c in question.choices]
    if all(re.fullmatch(r"[0-9]{1,6}", v) for v in values) and len({int(v) for v in values}) == len(
        values
    ):
        return {v: int(v) for v in values}
    return {v: i for i, v in enumerate(values, start=1)}


class _Columns(ABC):
    """How a question type becomes columns: `columns` gives (Variable, values) pairs."""

    kind = ""
    measure = "nominal"

    @abstractmethod
    def columns(self, question, frame, dont_know, language, names) -> list[tuple[Variable, list]]:
        """The question's variables with their values, one per response row."""

    def _one(self, question, names, language, values, labels=None, missing=()):
        variable = Variable(
            names.take(question.key),
            _label(localized(question.text, language)),
            self.kind,
            question.key,
            labels or {},
            tuple(missing),
            self.measure,
        )
        return [(variable, values)]


class _Scale(_Columns):
    kind, measure = "scale", "ordinal"

    def columns(self, question, frame, dont_know, language, names):
        values = frame[question.key].astype(float).copy()
        labels: dict[Any, str] = {}
        low, high = question.scale_min or 1, question.scale_max or 5
        for point, texts in ((low, question.low_label), (high, question.high_label)):
            if localized(texts, language):
                labels[point] = _label(localized(texts, language))
        missing = ()
        if question.dont_know:
            chose = frame["response_id"].isin(dont_know.get(question.key, set()))
            values[chose] = DONT_KNOW_CODE
            labels[DONT_KNOW_CODE] = _("Don't know / not relevant")
            missing = (DONT_KNOW_CODE,)
        return self._one(question, names, language, list(values), labels, missing)


class _Number(_Columns):
    kind, measure = "number", "scale"

    def columns(self, question, frame, dont_know, language, names):
        return self._one(question, names, language, list(frame[question.key].astype(float)))


class _Single(_Columns):
    kind = "single"

    def columns(self, question, frame, dont_know, language, names):
        codes = _choice_codes(question)
        values = [codes.get(v) if isinstance(v, str) else None for v in frame[question.key]]
        labels = {
            codes[c.value]: _label(localized(c.label, language) or c.value)
            for c in question.choices
        }
        return self._one(question, names, language, values, labels)


class _Multiple(_Columns):
    kind = "multiple"

    def columns(self, question, frame, dont_know, language, names):
        text = _label(localized(question.text, language))
        labels = {NOT_CHOSEN: _("Not chosen"), CHOSEN: _("Chosen")}
        found = []
        for choice in question.choices:
            label = _label(localized(choice.label, language) or choice.value)
            variable = Variable(
                names.take(f"{question.key}_{choice.value}"),
                f"{text}: {label}",
                self.kind,
                question.key,
                labels,
                (),
                self.measure,
            )
            found.append((variable, list(frame[f"{question.key}.{choice.value}"].astype(float))))
        return found


COLUMNS: dict[QuestionType, _Columns] = {
    QuestionType.SCALE: _Scale(),
    QuestionType.NUMBER: _Number(),
    QuestionType.SINGLE: _Single(),
    QuestionType.MULTIPLE: _Multiple(),
}


# --- the table -----------------------------------------------------------------------------------


def _cell(value) -> Any:
    """None for missing, a whole number as an int, else the float."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


ASKED = "asked"
NOT_ASKED, WAS_ASKED = 0, 1


def _conditions(survey) -> dict[str, dict]:
    """Question key -> the condition it is asked under (its section's and its own), if any."""
    return {
        q.key: found
        for page in survey.pages
        for q in page.questions
        if (found := conditions.combined(page.condition, q.condition))
    }


def _reads(survey, key: str) -> set[str]:
    """The questions whose answers decide whether `key` is asked (directly or through theirs)."""
    by_key = _conditions(survey)
    found: set[str] = set()
    todo = list(conditions.referred(by_key.get(key)))
    while todo:
        other = todo.pop()
        if other not in found:
            found.add(other)
            todo += conditions.referred(by_key.get(other))
    return found


def _asked(survey, answers: pd.DataFrame, response_ids: list[int]) -> dict[str, list[int]]:
    """For each question asked under a condition: per response (in `response_ids`' order) 1 if it
    was asked, 0 if its condition hid it (surveys.conditions, as when the answers were sent)."""
    conditional = _conditions(survey)
    if not conditional:
        return {}
    types = {q.key: q.type for q in survey.questions}
    given: dict[int, dict] = {rid: {} for rid in response_ids}
    for row in answers.itertuples():
        values = given.get(int(row.response_id))
        kind = types.get(row.question_key)
        if values is None or kind is None:
            continue
        if bool(row.dont_know):
            values[row.question_key] = "dk"
        elif kind == QuestionType.MULTIPLE:
            values.setdefault(row.question_key, []).append(row.text)
        elif kind in (QuestionType.SCALE, QuestionType.NUMBER):
            values[row.question_key] = None if pd.isna(row.value) else float(row.value)
        else:
            values[row.question_key] = row.text
    shown = [survey.asked(given[rid]).questions for rid in response_ids]
    return {
        key: [WAS_ASKED if key in keys else NOT_ASKED for keys in shown]
        for key in (q.key for q in survey.questions)
        if key in conditional
    }


def _asked_column(question, values: list[int], language: str, names) -> tuple[Variable, list]:
    """`<key>_asked`: 1 asked, 0 not asked (its condition hid it) — so an empty answer cell of an
    asked question is "not answered", and of a question not asked is "not asked"."""
    variable = Variable(
        names.take(f"{question.key}_asked"),
        _label(_("Asked: %(question)s", question=localized(question.text, language))),
        ASKED,
        question.key,
        {NOT_ASKED: _("Not asked (hidden by a condition)"), WAS_ASKED: _("Asked")},
    )
    return variable, list(values)


def answer_table(campaign: Campaign, unit: OrgUnit, language: str = "nb") -> AnswerTable:
    """The anonymised answers of `campaign` given in `unit`'s subtree (`unit` in the round's
    tree), labelled in `language`. See the module docstring for what is in it and left out."""
    survey = load(campaign.questionnaire_id, campaign.questionnaire.published_at)
    frame = dataset.answers_frame(campaign)
    rule = release(campaign, frame)
    scope = rule.in_scope(unit.code)
    frame = frame[frame["unit"].isin(scope)].reset_index(drop=True)
    kept = frame[frame["unit"].isin(rule.released)].reset_index(drop=True)
    answers = dataset.answers_long(campaign)
    dont_know: dict[str, set[int]] = {}
    for row in answers[answers["dont_know"].astype(bool)].itertuples():
        dont_know.setdefault(row.question_key, set()).add(int(row.response_id))

    names = _Names()
    tree_names = {node.code: node.name for node in rule.tree.nodes}
    with force_locale(language):
        unit_variable = Variable(
            names.take(UNIT_COLUMN),
            _("Unit"),
            "unit",
            None,
            {code: tree_names[code] for code in sorted(scope & rule.released)},
        )
        columns: list[tuple[Variable, list]] = [(unit_variable, list(kept["unit"]))]
        asked = _asked(survey, answers, list(kept["response_id"]))
        for question in survey.questions:
            kind = COLUMNS.get(question.type)
            if kind is not None:
                columns += kind.columns(question, kept, dont_know, language, names)
                if question.key in asked:
                    columns.append(_asked_column(question, asked[question.key], language, names))

    emptied = []
    units = list(kept["unit"])
    for code in sorted(rule.released & scope, key=list(tree_names).index):
        hidden = rule.hidden_items.get(code, frozenset())
        blank = [
            (v, values)
            for v, values in columns
            if v.question in hidden
            or (v.kind == ASKED and _reads(survey, v.question) & hidden)  # tells of what it reads
        ]
        if not blank:
            continue
        emptied.append((tree_names[code], tuple(v.name for v, _values in blank)))
        rows_of_unit = [i for i, row_unit in enumerate(units) if row_unit == code]
        for _variable, values in blank:
            for i in rows_of_unit:
                values[i] = None

    rows = [tuple(_cell(values[i]) for _v, values in columns) for i in range(len(kept))]
    random.SystemRandom().shuffle(rows)
    left_out = len(frame) - len(kept)
    return AnswerTable(
        round_name=campaign.name,
        questionnaire=localized(campaign.questionnaire.title, language),
        unit_name=unit.name,
        language=language,
        min_group=rule.min_group,
        preliminary=campaign.state() != CampaignState.CLOSED,
        variables=tuple(v for v, _values in columns),
        rows=tuple(rows),
        withheld=rule.withheld_in(unit.code),
        left_out=left_out if rule.count_shown(unit.code) else None,
        emptied=tuple(emptied),
    )


def reason_text(reason: str, min_group: int) -> str:
    """A suppression reason in the words of the result pages (results/routes.py `too_few`)."""
    if reason == COMPLEMENTARY:
        return _("Hidden to protect another unit with few answers")
    return _("Too few answers to show a result (under %(n)s)", n=min_group)


def notes(table: AnswerTable) -> list[str]:
    """What the file's notes say, one paragraph each; call within `force_locale(table.language)`."""
    lines = [
        _(
            "Anonymised answers to %(round)s (%(questionnaire)s) for %(unit)s and the units below"
            " it: %(rows)s responses.",
            round=table.round_name,
            questionnaire=table.questionnaire,
            unit=table.unit_name,
            rows=len(table.rows),
        ),
        _(
            "One row per response, in random order. Not included: response numbers, dates,"
            " invitation codes, age group and gender, and free-text answers (administrators read"
            " them on the round's free-text page)."
        ),
        _(
            "Scale questions: the point on the scale; «Don't know / not relevant» is %(code)s, a"
            " user-defined missing value in SPSS. Single choice: the code of the choice (see the"
            " labels). Multiple choice: one column per choice, 1 chosen and 0 not chosen. An empty"
            " cell: not answered.",
            code=DONT_KNOW_CODE,
        ),
    ]
    if any(v.kind == ASKED for v in table.variables):
        lines.append(
            _(
                "Some questions are asked only when earlier answers meet a condition. Each has a"
                " column <key>_asked after its own: 1 asked, 0 not asked. An empty answer where it"
                " is 0 means the question was not asked, not that it was left unanswered."
            )
        )
    if table.withheld:
        if table.left_out is not None:
            lines.append(
                ngettext(
                    "%(num)s response is left out: the result pages hide the results of these"
                    " units, so their answers are not shown here either.",
                    "%(num)s responses are left out: the result pages hide the results of these"
                    " units, so their answers are not shown here either.",
                    table.left_out,
                )
            )
        else:
            lines.append(
                _(
                    "The responses of these units are left out: the result pages hide their"
                    " results, so their answers are not shown here either."
                )
            )
        lines += [f"{w.name}: {reason_text(w.reason, table.min_group)}" for w in table.withheld]
    if table.emptied:
        lines.append(
            _(
                "Answers to these questions are left empty for these units, because the result"
                " pages hide the question's result for the unit (or a result it is part of):"
            )
        )
        lines += [f"{name}: {', '.join(keys)}" for name, keys in table.emptied]
    if table.preliminary:
        lines.append(_("The round is still open: these answers are preliminary."))
    return lines


# --- the formats ---------------------------------------------------------------------------------


def _csv(table: AnswerTable) -> bytes:
    return csv_bytes([table.names] + [["" if v is None else v for v in row] for row in table.rows])


def _labels_sheet(table: AnswerTable) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Variable"), _("Label"), _("Value"), _("Value label")]]
    for variable in table.variables:
        rows.append([variable.name, variable.label, None, None])
        for value, label in variable.value_labels.items():
            missing = f" ({_('missing value')})" if value in variable.missing else ""
            rows.append([variable.name, None, value, label + missing])
    return rows


def _xlsx(table: AnswerTable) -> bytes:
    with force_locale(table.language):
        return xlsx_sheets_bytes(
            [
                (_("Answers"), [table.names, *table.rows]),
                (_("Labels"), _labels_sheet(table)),
                (_("About this file"), [[line] for line in notes(table)]),
            ]
        )


def _note_lines(paragraphs: list[str]) -> list[str]:
    """The notes as lines of at most SAV_NOTE_LINE bytes (the .sav format's limit)."""
    lines = []
    for paragraph in paragraphs:
        width = SAV_NOTE_LINE
        while True:
            wrapped = textwrap.wrap(paragraph, width=width, break_long_words=True) or [""]
            if all(len(line.encode("utf-8")) <= SAV_NOTE_LINE for line in wrapped):
                break
            width -= 4
        lines += wrapped
    return lines


def _sav(table: AnswerTable) -> bytes:
    data = {}
    for i, variable in enumerate(table.variables):
        values = [row[i] for row in table.rows]
        if variable.kind == "unit":
            data[variable.name] = pd.Series(values, dtype=object)
        else:
            data[variable.name] = pd.Series(
                [math.nan if v is None else float(v) for v in values], dtype=float
            )
    frame = pd.DataFrame(data, columns=table.names)
    with force_locale(table.language):
        note = _note_lines(notes(table))
    with tempfile.TemporaryDirectory(prefix="helhet-sav-") as folder:
        path = Path(folder) / "svar.sav"
        pyreadstat.write_sav(
            frame,
            path,
            file_label=_fits(_label(table.round_name), SAV_FILE_LABEL),
            column_labels={v.name: _fits(v.label, SAV_VARIABLE_LABEL) for v in table.variables},
            note=note,
            variable_value_labels={
                v.name: {
                    (k if v.kind == "unit" else float(k)): _fits(label, SAV_VALUE_LABEL)
                    for k, label in v.value_labels.items()
                }
                for v in table.variables
                if v.value_labels
            },
            missing_ranges={
                v.name: [float(m) for m in v.missing] for v in table.variables if v.missing
            },
            variable_measure={v.name: v.measure for v in table.variables},
        )
        return path.read_bytes()


@dataclass(frozen=True)
class AnswerFormat:
    """A format of the answer export: its name (--format and the URL), extension, media type."""

    name: str
    extension: str
    mimetype: str
    binary: bool  # not for a terminal
    render: Callable[[AnswerTable], bytes]


ANSWER_FORMATS: dict[str, AnswerFormat] = {
    f.name: f
    for f in (
        AnswerFormat("csv", "csv", "text/csv; charset=utf-8", binary=False, render=_csv),
        AnswerFormat(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            binary=True,
            render=_xlsx,
        ),
        AnswerFormat("sav", "sav", "application/x-spss-sav", binary=True, render=_sav),
    )
}


def file_name(campaign: Campaign, unit: OrgUnit, export: AnswerFormat) -> str:
    return f"svar-{campaign.id}-{unit.code}.{export.extension}"


def record_export(campaign: Campaign, unit: OrgUnit, export: AnswerFormat, table: AnswerTable):
    """Note the download in the audit log (the caller commits): who took respondent-level
    answers out of Helhet, of which round and unit, in which format, how many rows."""
    audit.record(
        "round.answers_exported",
        f"{campaign.name} (#{campaign.id})",
        unit=unit.code,
        format=export.name,
        rows=len(table.rows),
    )
