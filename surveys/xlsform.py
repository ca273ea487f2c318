"""XLSForm workbooks (.xlsx, .xls) into our questionnaire format.

    converted = convert(content, "skjema.xlsx")  # raises UnsupportedContent / InvalidQuestionnaire
    converted = convert(content, "skjema.xlsx", skip_unsupported=True)
    converted.data               # a dict in our JSON format (then jsonformat.from_dict)
    converted.notes              # what changed on the way (not errors)
    converted.place_of(problem)  # a JSON-path problem, placed in the workbook

The workbook is read with pyxform's own reader (`xlsx_to_dict` / `xls_to_dict`), and column headers
are split and de-aliased with pyxform's `process_header` (so ``label::English (en)``,
``bind:relevant`` and ``list name`` mean what they mean to pyxform); the type names and aliases are
pyxform's too.

Mapping (see docs/questionnaire-format.md for the whole table):
- settings: form_id -> key, form_title -> title (bokmål), default_language -> language of columns
  without a language;
- survey: begin/end group -> sections (a question outside any group goes into a section without a
  title); select_one -> single, select_multiple -> multiple, integer/decimal -> number, text ->
  text, note -> information text; label -> text, hint -> help; required yes/true -> required;
  constraint ``. >= a and . <= b`` (integer/decimal) -> min/max, ``string-length(.) <= n`` (text) ->
  max length;
- label::<Language> (<code>) and label::<Language name>: nb/no/Norsk bokmål/Norwegian -> nb,
  nn/Nynorsk -> nn, en/English -> en, se/sme/Davvisámegiella -> se, uk/Українська -> uk,
  pl/Polski -> pl (the respondent languages, docs/languages.md).

What Helhet cannot represent is reported, one item per row (sheet, row, column, what, and what
"skip" does with it): repeats, relevance, calculations, media, geo and date types, device metadata,
choice filters, defaults, other languages, text that refers to other answers, and so on. The import
stops on them unless skip_unsupported=True. Real errors (unknown type, duplicate names, missing
labels, a missing choice list, an unreadable file) are InvalidQuestionnaire with the same places,
and so is a cell with a control character (an .xls can hold NUL and the like; line breaks and tabs
are fine). Numbers in constraints are ASCII digits; one too large to keep (see helhet.edge) is
refused by the format's own check, placed in its row and the constraint column.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import PurePath

from flask_babel import gettext as _
from pyxform import aliases, constants
from pyxform.parsing.sheet_headers import process_header
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.survey import Survey
from pyxform.xls2json import RE_BEGIN_CONTROL, RE_END_CONTROL, RE_SELECT
from pyxform.xls2json_backends import xls_to_dict, xlsx_to_dict

from helhet.config import RESPONDENT_LANGUAGES as LANGUAGES
from helhet.edge import describe, first_control
from helhet.problems import Problem
from surveys import conditions
from surveys.errors import InvalidQuestionnaire, UnsupportedContent
from surveys.expressions import NotACondition, xlsform_relevant
from surveys.jsonformat import FORMAT, FORMAT_VERSION
from surveys.models import QuestionType
from surveys.questiontypes import TYPES

SURVEY, CHOICES, SETTINGS = constants.SURVEY, constants.CHOICES, constants.SETTINGS
LIST_NAME = constants.LIST_NAME_S

# Language tags in column headers: "English (en)", "Norsk bokmål (nb)", "english", "nb", "Nynorsk".
LANGUAGE_CODES = {
    "nb": "nb",
    "no": "nb",
    "nob": "nb",
    "nn": "nn",
    "nno": "nn",
    "en": "en",
    "eng": "en",
    "se": "se",
    "sme": "se",
    "uk": "uk",
    "ukr": "uk",
    "pl": "pl",
    "pol": "pl",
}
LANGUAGE_WORDS = {
    "norsk bokmål": "nb",
    "norsk bokmal": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "norwegian": "nb",
    "norsk": "nb",
    "norwegian bokmål": "nb",
    "norwegian bokmal": "nb",
    "nynorsk": "nn",
    "norsk nynorsk": "nn",
    "norwegian nynorsk": "nn",
    "english": "en",
    "engelsk": "en",
    "davvisámegiella": "se",
    "davvisamegiella": "se",
    "northern sami": "se",
    "nordsamisk": "se",
    "sámegiella": "se",
    "ukrainian": "uk",
    "українська": "uk",
    "ukrainsk": "uk",
    "polish": "pl",
    "polski": "pl",
    "polsk": "pl",
}

TEXT_TYPES = {"text", "string", "q string", "add text prompt"}
INTEGER_TYPES = {"integer", "int", "q int", "add integer prompt"}
DECIMAL_TYPES = {"decimal", "q decimal", "add decimal prompt"}
NOTE_TYPES = {"note", "q note", "add note prompt"}
GEO_TYPES = {
    "geopoint",
    "geotrace",
    "geoshape",
    "gps",
    "location",
    "add location prompt",
    "q geopoint",
    "q geoshape",
    "q geotrace",
    "q location",
    "start-geopoint",
    "background-geopoint",
    "osm",
}
DATE_TYPES = {
    "date",
    "time",
    "datetime",
    "dateTime",
    "date time",
    "add date prompt",
    "add date time prompt",
    "add dateTime prompt",
    "q date",
    "q date time",
    "q dateTime",
}
MEDIA_TYPES = {
    "image",
    "photo",
    "audio",
    "video",
    "file",
    "add image prompt",
    "add audio prompt",
    "add video prompt",
    "add file prompt",
    "q image",
    "q audio",
    "q video",
    "q picture",
    "background-audio",
    "barcode",
    "add barcode prompt",
    "q barcode",
}
CALCULATION_TYPES = {
    "calculate",
    "hidden",
    "add calculate prompt",
    "q calculate",
    "xml-external",
    "csv-external",
}
IGNORED_COLUMNS = {
    ("control", "appearance"),
    ("control", "rows"),
}  # presentation only: documented as ignored
USED_SETTINGS = {
    constants.ID_STRING,
    constants.TITLE,
    constants.DEFAULT_LANGUAGE_KEY,
    "version",
    "allow_choice_duplicates",
    "clean_text_values",
    "style",
}
CONSTRAINT_TERM = re.compile(r"^\(?\s*\.\s*(>=|<=|>|<)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\)?$")
LENGTH_TERM = re.compile(r"^\(?\s*string-length\(\s*\.\s*\)\s*(<=|<)\s*([0-9]{1,9})\s*\)?$")
REFERENCE = re.compile(r"\$\{[^}]*\}")


def language_of(tag: str) -> str | None:
    """nb, nn, en, se, uk or pl for a column's language tag, or None for a language Helhet does
    not keep."""
    tag = (tag or "").strip()
    match = re.match(r"^(.*?)\s*\(([^()]+)\)\s*$", tag)
    if match:
        code = re.split(r"[-_]", match.group(2).strip().lower())[0]
        return LANGUAGE_CODES.get(code) or LANGUAGE_WORDS.get(match.group(1).strip().lower())
    lowered = tag.lower()
    return LANGUAGE_CODES.get(re.split(r"[-_]", lowered)[0]) or LANGUAGE_WORDS.get(lowered)


def to_key(name: str) -> str:
    """A Helhet key from an XLSForm name: lowercase ASCII, digits and _, starting with a letter."""
    text = name.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9_]+", "_", text).strip("_")
    text = re.sub(r"_+", "_", text)
    if not text or not text[0].isalpha():
        text = "q" + ("_" + text if text else "")
    return text[:64].rstrip("_") or "q"


def _yes_no(value: str) -> bool | None:
    return aliases.yes_no.get(value.strip()) if value is not None else None


# --- reading the workbook --------------------------------------------------------------------


def read_workbook(content: bytes, filename: str) -> dict:
    """The workbook as pyxform reads it; InvalidQuestionnaire when it cannot be read."""
    is_xls = content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or (
        content[:2] != b"PK" and PurePath(filename).suffix.lower() == ".xls"
    )
    reader = xls_to_dict if is_xls else xlsx_to_dict
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # openpyxl warns about workbook features it skips (styles, validation)
            return reader(content)
    except Exception as exc:  # pyxform, openpyxl, xlrd and zipfile all raise their own kinds
        detail = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise InvalidQuestionnaire(
            [
                Problem(
                    _(
                        "The file could not be read as an Excel workbook (%(kind)s): %(detail)s",
                        kind=".xls" if is_xls else ".xlsx",
                        detail=detail,
                    ),
                    path="",
                )
            ]
        ) from None


def control_characters(book: dict) -> list[Problem]:
    """Every cell (and column name) of the workbook that holds a control character,
    with its place.
    """
    problems = []
    for sheet in book.get("sheet_names") or []:
        rows = book.get(sheet) or []
        headers = book.get(f"{sheet}_header") or [{}]
        for header in headers[0] if headers else {}:
            if isinstance(header, str) and (character := first_control(header)):
                problems.append(Problem(_control_message(character), sheet=sheet, row=1))
        for index, row in enumerate(rows):
            for header, value in (row or {}).items():
                if isinstance(value, str) and (character := first_control(value)):
                    problems.append(
                        Problem(
                            _control_message(character),
                            sheet=sheet,
                            row=index + 2,
                            column=(
                                header
                                if isinstance(header, str) and not first_control(header)
                                else None
                            ),
                        )
                    )
    return problems


def _control_message(character: str) -> str:
    return _(
        "The text contains a control character (%(character)s), which cannot be stored. Remove it"
        " and try again.",
        character=describe(character),
    )


@dataclass
class Column:
    header: str  # as written in the workbook
    tokens: tuple[str, ...]  # as pyxform splits and de-aliases it

    @property
    def base(self) -> str:
        return self.tokens[0]

    @property
    def language_tag(self) -> str | None:
        """The language part of a translatable column (label::English (en) -> English (en))."""
        if self.base in ("label", "hint", "guidance_hint") and len(self.tokens) > 1:
            return self.tokens[1]
        if (
            self.tokens[:2] in (("bind", "jr:constraintMsg"), ("bind", "jr:requiredMsg"))
            and len(self.tokens) > 2
        ):
            return self.tokens[2]
        return None


def _columns(book: dict, sheet: str, header_aliases: dict, known: set[str]) -> list[Column]:
    headers = book.get(f"{sheet}_header") or [{}]
    names = list(headers[0]) if headers else []
    double = any("::" in h for h in names)
    return [Column(h, process_header(h, double, header_aliases, known)[1]) for h in names]


# --- conversion ------------------------------------------------------------------------------


@dataclass
class Converted:
    data: dict
    notes: list[Problem] = field(default_factory=list)
    places: dict[str, tuple[str, int | None, str | None]] = field(default_factory=dict)

    SUFFIX_COLUMNS = {
        "text": "label",
        "help": "hint",
        "key": "name",
        "value": "name",
        "label": "label",
        "min": "constraint",
        "max": "constraint",
        "max_length": "constraint",
        "type": "type",
        "choices": "type",
        "title": "label",
        "intro": "hint",
        "condition": "relevant",
    }

    def place_of(self, problem: Problem) -> Problem:
        """A problem with a JSON path, moved to its sheet, row and column in the workbook."""
        path = problem.path or ""
        if path.startswith("title"):
            return Problem(problem.message, sheet=SETTINGS, row=2, column="form_title")
        if path == "key":
            return Problem(problem.message, sheet=SETTINGS, row=2, column="form_id")
        best = max(
            (
                p
                for p in self.places
                if path == p or path.startswith(p + ".") or path.startswith(p + "[")
            ),
            key=len,
            default=None,
        )
        if best is None:
            return problem
        sheet, row, column = self.places[best]
        rest = path[len(best) :].lstrip(".")
        word = re.split(r"[.\[]", rest)[0] if rest else ""
        return Problem(
            problem.message, sheet=sheet, row=row, column=self.SUFFIX_COLUMNS.get(word, column)
        )


class _Converter:
    def __init__(self, book: dict, filename: str):
        self.book = book
        self.filename = filename
        self.errors: list[Problem] = []
        self.unsupported: list[Problem] = []
        self.notes: list[Problem] = []
        self.places: dict[str, tuple[str, int | None, str | None]] = {}
        self.settings: dict[str, str] = {}
        self.default_language = "nb"
        self.allow_duplicate_choices = False
        self.grids: set[str] = set()  # grid keys given to grid groups
        self.earlier: dict[str, tuple[str, dict]] = {}  # name -> (key, question) of rows so far

    # reporting
    def error(self, sheet, row, column, message):
        self.errors.append(Problem(message, sheet=sheet, row=row, column=column))

    def cannot(self, sheet, row, column, what, consequence):
        self.unsupported.append(
            Problem(f"{what} {consequence}", sheet=sheet, row=row, column=column)
        )

    def note(self, sheet, row, column, message):
        self.notes.append(Problem(message, sheet=sheet, row=row, column=column))

    # settings
    def read_settings(self) -> None:
        rows = self.book.get(SETTINGS) or []
        if not rows:
            return
        columns = _columns(
            self.book, SETTINGS, aliases.settings_header, set(Survey.get_slot_names())
        )
        row = rows[0]
        for column in columns:
            value = row.get(column.header)
            if value in (None, ""):
                continue
            if column.base in USED_SETTINGS:
                self.settings[column.base] = str(value)
            else:
                self.cannot(
                    SETTINGS,
                    2,
                    column.header,
                    _(
                        "The setting %(name)s (%(value)s) means nothing to Helhet.",
                        name=column.header,
                        value=value,
                    ),
                    _("With “skip”, it is left out."),
                )
        language = self.settings.get(constants.DEFAULT_LANGUAGE_KEY)
        if language:
            mapped = language_of(language)
            if mapped is None:
                self.cannot(
                    SETTINGS,
                    2,
                    "default_language",
                    _(
                        "The default language %(language)s is not one Helhet keeps (bokmål,"
                        " nynorsk, English).",
                        language=language,
                    ),
                    _("With “skip”, texts without a language are read as bokmål."),
                )
            else:
                self.default_language = mapped
        self.allow_duplicate_choices = bool(
            _yes_no(self.settings.get("allow_choice_duplicates", "no"))
        )

    # texts
    def text_columns(self, sheet: str, columns: list[Column], base: str) -> dict[str, str]:
        """Header -> nb/nn/en for the columns of `base` (label, hint) that Helhet keeps;
        reports the rest.
        """
        found: dict[str, str] = {}
        taken: dict[str, str] = {}
        for column in columns:
            if column.base != base or len(column.tokens) > 2:
                continue
            if len(column.tokens) == 1:
                language = self.default_language
                if not self.settings.get(constants.DEFAULT_LANGUAGE_KEY) and self._has_values(
                    sheet, column.header
                ):
                    self.note(
                        sheet,
                        1,
                        column.header,
                        _(
                            "The column has no language, so its texts were read as bokmål (nb)."
                            " Name the column %(base)s::Norsk bokmål (nb), %(base)s::Nynorsk (nn)"
                            " or %(base)s::English (en) to choose.",
                            base=base,
                        ),
                    )
            else:
                language = language_of(column.tokens[1])
                if language is None:
                    continue  # reported row by row as a language Helhet does not keep
            if language in taken:
                self.error(
                    sheet,
                    1,
                    column.header,
                    _(
                        "Both %(first)s and %(second)s hold %(language)s texts; keep one of them.",
                        first=taken[language],
                        second=column.header,
                        language=language,
                    ),
                )
                continue
            taken[language] = column.header
            found[column.header] = language
        return found

    def _has_values(self, sheet: str, header: str) -> bool:
        return any(row.get(header) not in (None, "") for row in self.book.get(sheet) or [])

    @staticmethod
    def texts(row: dict, columns: dict[str, str]) -> dict:
        out = {}
        for header, language in columns.items():
            value = row.get(header)
            if value not in (None, ""):
                out[language] = str(value).strip()
        return {lang: out[lang] for lang in LANGUAGES if out.get(lang)}

    # choices
    def read_choices(self) -> dict[str, list[dict]]:
        rows = self.book.get(CHOICES) or []
        columns = _columns(self.book, CHOICES, aliases.list_header, set(Option.get_slot_names()))
        labels = self.text_columns(CHOICES, columns, "label")
        lists: dict[str, list[dict]] = {}
        seen: dict[tuple[str, str], int] = {}
        for column in columns:
            if column.base in (LIST_NAME, "name") or column.header in labels:
                continue
            if column.base == "label" and len(column.tokens) == 2:
                continue  # another language: reported per row below
            if column.base == "media":
                continue  # reported per row below
            if self._has_values(CHOICES, column.header):
                self.cannot(
                    CHOICES,
                    1,
                    column.header,
                    _(
                        "Helhet does not know the column %(name)s; its values are not kept.",
                        name=column.header,
                    ),
                    _("With “skip”, the column is left out."),
                )
        for index, row in enumerate(rows):
            number = index + 2
            if not row:
                continue
            list_name = (row.get(self._header(columns, LIST_NAME)) or "").strip()
            value = (row.get(self._header(columns, "name")) or "").strip()
            if not list_name:
                self.error(
                    CHOICES,
                    number,
                    "list_name",
                    _("The choice belongs to no list: write the list name."),
                )
                continue
            if not value:
                self.error(
                    CHOICES, number, "name", _("The choice has no name (the value that is stored).")
                )
                continue
            texts = self.texts(row, labels)
            media = [c.header for c in columns if c.base == "media" and row.get(c.header)]
            for column in columns:
                if (
                    column.base == "label"
                    and len(column.tokens) == 2
                    and column.header not in labels
                    and row.get(column.header)
                ):
                    self.cannot(
                        CHOICES,
                        number,
                        column.header,
                        _(
                            "A label in a language Helhet does not keep (%(language)s).",
                            language=column.tokens[1],
                        ),
                        _("With “skip”, that text is left out."),
                    )
            usable = True
            if media:
                if texts:
                    self.cannot(
                        CHOICES,
                        number,
                        media[0],
                        _("Pictures or sound cannot be shown with a choice."),
                        _("With “skip”, the choice keeps its text only."),
                    )
                else:
                    self.cannot(
                        CHOICES,
                        number,
                        media[0],
                        _("The choice is a picture or sound without text."),
                        _("With “skip”, the choice is left out."),
                    )
                    usable = False
            elif not texts:
                self.error(CHOICES, number, "label", _("The choice has no label."))
                usable = False
            if (list_name, value) in seen:
                first = seen[(list_name, value)]
                if self.allow_duplicate_choices:
                    self.cannot(
                        CHOICES,
                        number,
                        "name",
                        _(
                            "The list %(list)s has the choice %(value)s already (row %(row)s);"
                            " Helhet needs unique values.",
                            list=list_name,
                            value=value,
                            row=first,
                        ),
                        _("With “skip”, this row is left out."),
                    )
                else:
                    self.error(
                        CHOICES,
                        number,
                        "name",
                        _(
                            "The list %(list)s has the choice %(value)s already (row %(row)s).",
                            list=list_name,
                            value=value,
                            row=first,
                        ),
                    )
                continue
            seen[(list_name, value)] = number
            if usable:
                lists.setdefault(list_name, []).append(
                    {"value": value, "label": texts, "row": number}
                )
            else:
                lists.setdefault(list_name, [])
        return lists

    @staticmethod
    def _header(columns: list[Column], base: str) -> str | None:
        return next((c.header for c in columns if c.tokens == (base,)), None)

    # survey
    def convert(self) -> dict:
        self.read_settings()
        for sheet in ("external_choices", "entities", "osm"):
            if self.book.get(sheet):
                self.cannot(
                    sheet,
                    None,
                    None,
                    _("The sheet %(sheet)s is not something Helhet can use.", sheet=sheet),
                    _("With “skip”, the sheet is left out."),
                )
        if SURVEY not in self.book:
            self.error(SURVEY, None, None, _("The workbook has no sheet named survey."))
            return {}
        lists = self.read_choices() if self.book.get(CHOICES) else {}
        columns = _columns(
            self.book, SURVEY, aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names())
        )
        if self._header(columns, "type") is None:
            self.error(SURVEY, 1, "type", _("The survey sheet needs a column named type."))
            return {}
        labels = self.text_columns(SURVEY, columns, "label")
        hints = self.text_columns(SURVEY, columns, "hint")
        known_bases = set(MultipleChoiceQuestion.get_slot_names()) | {"bind", "control", "media"}
        for column in columns:
            if column.base not in known_bases and self._has_values(SURVEY, column.header):
                self.cannot(
                    SURVEY,
                    1,
                    column.header,
                    _(
                        "Helhet does not know the column %(name)s; its values are not kept.",
                        name=column.header,
                    ),
                    _("With “skip”, the column is left out."),
                )
        sections: list[dict] = []
        root = {"title": {}, "intro": {}, "row": None, "section": None, "kind": "root", "name": ""}
        stack = [root]
        keys: dict[str, int] = {}
        type_header = self._header(columns, "type")
        name_header = self._header(columns, "name")
        relevant_header = next(
            (c.header for c in columns if c.tokens == ("bind", "relevant")), None
        )
        for index, row in enumerate(self.book.get(SURVEY) or []):
            number = index + 2
            if not row:
                continue
            raw_type = (row.get(type_header) or "").strip()
            if not raw_type:
                self.error(SURVEY, number, "type", _("The row has no type."))
                continue
            kind = raw_type if raw_type in QUESTION_TYPE_DICT else raw_type.lower()
            begin, end = RE_BEGIN_CONTROL.search(kind), RE_END_CONTROL.search(kind)
            if begin:
                control = aliases.control[begin.group("type")]
                frame = {
                    "title": self.texts(row, labels),
                    "intro": self.texts(row, hints),
                    "row": number,
                    "section": None,
                    "kind": control,
                    "name": row.get(name_header) or "",
                    "appearance": self.appearance(row, columns),
                    "grid": None,  # (list name, grid key) of the grid being filled
                    "condition": self.relevant(row, number, relevant_header, container=True),
                }
                if control != constants.GROUP:
                    self.cannot(
                        SURVEY,
                        number,
                        "type",
                        _(
                            "A repeat (%(type)s: the same questions asked several times) cannot be"
                            " represented.",
                            type=raw_type,
                        ),
                        _("With “skip”, its questions are imported once, as an ordinary section."),
                    )
                self.cell_issues(
                    row,
                    columns,
                    labels,
                    hints,
                    number,
                    container=True,
                    skip_row_level=control != constants.GROUP,
                )
                stack.append(frame)
                continue
            if end:
                control = aliases.control[end.group("type")]
                if len(stack) == 1:
                    self.error(
                        SURVEY,
                        number,
                        "type",
                        _("%(type)s without a begin before it.", type=raw_type),
                    )
                    continue
                frame = stack.pop()
                if frame["kind"] != control:
                    self.error(
                        SURVEY,
                        number,
                        "type",
                        _(
                            "%(type)s does not match %(begin)s on row %(row)s.",
                            type=raw_type,
                            begin=frame["kind"],
                            row=frame["row"],
                        ),
                    )
                stack[-1]["section"] = None  # questions after an inner group start a new section
                continue
            in_grid = self.wants_grid(stack[-1], row, columns)
            question = self.question(
                row, number, raw_type, kind, columns, labels, hints, lists, in_grid
            )
            if question is None:
                continue
            name = (row.get(name_header) or "").strip()
            if not name:
                self.error(
                    SURVEY,
                    number,
                    "name",
                    _("The question has no name (the key its answers are stored under)."),
                )
                continue
            key = to_key(name)
            if key in keys:
                self.error(
                    SURVEY,
                    number,
                    "name",
                    _(
                        "The name %(name)s gives the key %(key)s, which row %(row)s has already.",
                        name=name,
                        key=key,
                        row=keys[key],
                    ),
                )
                continue
            keys[key] = number
            if key != name:
                self.note(
                    SURVEY,
                    number,
                    "name",
                    _(
                        "The name %(name)s became the key %(key)s (keys are lowercase letters,"
                        " digits and _).",
                        name=name,
                        key=key,
                    ),
                )
            question["key"] = key
            condition = self.relevant(row, number, relevant_header)
            if condition is not None:
                question["condition"] = condition
            self.earlier[name] = (key, question)
            frame = stack[-1]
            self.grid_row(question, frame, number, in_grid)
            if frame["section"] is None:
                inherited = [f["condition"] for f in stack if f.get("condition")]
                frame["section"] = {
                    "title": frame["title"],
                    "intro": frame["intro"],
                    "questions": [],
                    "row": frame["row"],
                    "rows": [],
                    "choice_rows": [],
                    "condition": (
                        None
                        if not inherited
                        else inherited[0]
                        if len(inherited) == 1
                        else {"all": inherited}
                    ),
                }
                sections.append(frame["section"])
            section = frame["section"]
            choice_rows = question.pop("_choice_rows", [])
            section["questions"].append(question)
            section["rows"].append(number)
            section["choice_rows"].append(choice_rows)
        for frame in stack[1:]:
            self.error(
                SURVEY,
                frame["row"],
                "type",
                _(
                    "begin %(kind)s %(name)s is never closed with end %(kind)s.",
                    kind=frame["kind"],
                    name=frame["name"],
                ),
            )
        if not any(s["questions"] for s in sections) and not self.errors:
            self.error(SURVEY, None, None, _("The form has no question that Helhet can import."))
        return self.build(sections)

    def relevant(self, row, number, header, container: bool = False) -> dict | None:
        """The row's `relevant` expression as a condition (None when it has none); one that is
        not a condition is reported as unsupported."""
        value = str(row.get(header) or "").strip() if header else ""
        if not value:
            return None
        try:
            return xlsform_relevant(value, self.earlier.get)
        except NotACondition as reason:
            self.cannot(
                SURVEY,
                number,
                header,
                _(
                    "A condition for when to show it (%(value)s) cannot be represented: %(reason)s",
                    value=value,
                    reason=str(reason),
                ),
                _("With “skip”, it is always shown."),
            )
            return None

    def split_for_conditions(self, sections: list[dict]) -> list[dict]:
        """A question whose condition reads an answer on its own page starts a new page (with
        the same title and condition): pages are shown from the answers given before them."""
        out = []
        for section in sections:
            piece = None
            for question, row, choice_rows in zip(
                section["questions"], section["rows"], section["choice_rows"], strict=True
            ):
                here = {q["key"] for q in piece["questions"]} if piece else set()
                reads = set(conditions.referred(question.get("condition")))
                if piece is None or reads & here:
                    if piece is not None:
                        self.note(
                            SURVEY,
                            row,
                            "relevant",
                            _(
                                "The question starts a new page, since its condition reads an"
                                " answer on the page before it."
                            ),
                        )
                    piece = {
                        **section,
                        "questions": [],
                        "rows": [],
                        "choice_rows": [],
                        "row": section["row"],
                    }
                    out.append(piece)
                piece["questions"].append(question)
                piece["rows"].append(row)
                piece["choice_rows"].append(choice_rows)
        return out

    def build(self, sections: list[dict]) -> dict:
        sections = self.split_for_conditions(sections)
        form_id = self.settings.get(constants.ID_STRING) or PurePath(self.filename or "skjema").stem
        key = to_key(form_id)
        if key != form_id:
            self.note(
                SETTINGS,
                2 if self.settings.get(constants.ID_STRING) else None,
                "form_id",
                _("The form id %(name)s became the key %(key)s.", name=form_id, key=key),
            )
        title = self.settings.get(constants.TITLE) or form_id
        self.note(
            SETTINGS,
            2 if self.book.get(SETTINGS) else None,
            None,
            _(
                "The questionnaire was imported as a citizen survey; change the kind under Settings"
                " if it is another kind."
            ),
        )
        out_sections = []
        for i, section in enumerate(sections):
            self.places[f"sections[{i}]"] = (SURVEY, section["row"], "label")
            questions = []
            for j, (question, row) in enumerate(
                zip(section["questions"], section["rows"], strict=True)
            ):
                self.places[f"sections[{i}].questions[{j}]"] = (SURVEY, row, "type")
                for k, choice_row in enumerate(section["choice_rows"][j]):
                    self.places[f"sections[{i}].questions[{j}].choices[{k}]"] = (
                        CHOICES,
                        choice_row,
                        "name",
                    )
                questions.append(question)
            out = {}
            if section["title"]:
                out["title"] = section["title"]
            if section["intro"]:
                out["intro"] = section["intro"]
            if section.get("condition"):
                out["condition"] = section["condition"]
            out["questions"] = questions
            out_sections.append(out)
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "key": key,
            "kind": "citizen",
            "title": {"nb": title.strip()[:500]},
            "sections": out_sections,
            "indicators": [],
        }

    @staticmethod
    def appearance(row, columns) -> str:
        return str(
            next((row.get(c.header) for c in columns if c.tokens == ("control", "appearance")), "")
            or ""
        ).lower()

    def wants_grid(self, frame, row, columns) -> bool:
        """A row of a grid as ODK shows one: a group with appearance table-list, or a field-list
        group whose select_one rows have appearance likert, label or list-nolabel."""
        group = frame.get("appearance", "").split()
        own = self.appearance(row, columns).split()
        return "table-list" in group or (
            "field-list" in group and any(a in own for a in ("likert", "label", "list-nolabel"))
        )

    def grid_row(self, question: dict, frame: dict, number: int, in_grid: bool) -> None:
        """Make a single-choice row of a grid group a scale question in the group's grid, when its
        choices are the numbers of a scale; consecutive rows with the same list share a grid."""
        list_name = question.pop("_list", None)
        if not in_grid or question["type"] != QuestionType.SINGLE.value:
            frame["grid"] = None
            return
        values = [c["value"] for c in question["choices"]]
        numbers = [int(v) for v in values if re.fullmatch(r"[0-9]{1,2}", v)]
        if not (
            2 <= len(values) <= 11
            and len(numbers) == len(values)
            and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
            and numbers[0] <= 10
            and numbers[-1] <= 11
        ):
            self.note(
                SURVEY,
                number,
                "type",
                _(
                    "The question is in a grid group, but its choices are not the numbers of a"
                    " scale (such as 1 to 5), so it is shown on its own as a single-choice"
                    " question.",
                ),
            )
            frame["grid"] = None
            return
        choices = question.pop("choices")
        between = [
            c["label"] for c in choices[1:-1] if any(t != c["value"] for t in c["label"].values())
        ]
        if between:
            self.cannot(
                SURVEY,
                number,
                "type",
                _(
                    "The labels of the points between the ends (%(labels)s) cannot be"
                    " represented: a scale question names its ends only.",
                    labels=", ".join(next(iter(label.values()), "") for label in between)[:300],
                ),
                _("With “skip”, only the ends keep their labels."),
            )
        if frame["grid"] is None or frame["grid"][0] != list_name:
            base = to_key(frame["name"] or "grid")
            grid, n = base, 2
            while grid in self.grids:
                grid, n = f"{base[:60]}_{n}", n + 1
            self.grids.add(grid)
            frame["grid"] = (list_name, grid)
        question.update(
            type=QuestionType.SCALE.value,
            min=numbers[0],
            max=numbers[-1],
            low_label=choices[0]["label"],
            high_label=choices[-1]["label"],
            grid=frame["grid"][1],
        )
        question["_choice_rows"] = []

    def question(
        self, row, number, raw_type, kind, columns, labels, hints, lists, in_grid=False
    ) -> dict | None:
        """Our question for one survey row, or None (reported as unsupported or an error)."""
        select = RE_SELECT.search(kind)
        texts, help_texts = self.texts(row, labels), self.texts(row, hints)
        if select:
            command = select.group("select_command")
            meaning = aliases.select[command]
            list_name = select.group("list_name")
            if (
                meaning not in (constants.SELECT_ONE, constants.SELECT_ALL_THAT_APPLY)
                or "file" in command
            ):
                self.cannot(
                    SURVEY,
                    number,
                    "type",
                    _(
                        "The type %(type)s (choices from a file, an external list or ranking)"
                        " cannot be represented.",
                        type=raw_type,
                    ),
                    _("With “skip”, the row is left out."),
                )
                return None
            one = meaning == constants.SELECT_ONE
            question = {"type": QuestionType.SINGLE.value if one else QuestionType.MULTIPLE.value}
        elif kind in TEXT_TYPES:
            question = {"type": QuestionType.TEXT.value}
        elif kind in INTEGER_TYPES or kind in DECIMAL_TYPES:
            question = {"type": QuestionType.NUMBER.value, "integer": kind in INTEGER_TYPES}
        elif kind in NOTE_TYPES:
            question = {"type": QuestionType.INFO.value}
        elif kind in QUESTION_TYPE_DICT or kind in ("range", "rank", "acknowledge"):
            self.cannot(
                SURVEY,
                number,
                "type",
                self._type_reason(kind, raw_type),
                _("With “skip”, the row is left out."),
            )
            return None
        else:
            self.error(SURVEY, number, "type", _("Unknown type %(type)s.", type=raw_type))
            return None
        media = [c.header for c in columns if c.base == "media" and row.get(c.header)]
        if not texts:
            if media:
                self.cannot(
                    SURVEY,
                    number,
                    media[0],
                    _("The row shows a picture or sound without text."),
                    _("With “skip”, the row is left out."),
                )
            else:
                self.error(
                    SURVEY,
                    number,
                    "label",
                    _("The question has no label (the text the respondent reads)."),
                )
            return None
        question["text"] = texts
        if help_texts:
            question["help"] = help_texts
        if select:
            choices = lists.get(list_name)
            if choices is None:
                self.error(
                    SURVEY,
                    number,
                    "type",
                    _("The choices sheet has no list named %(list)s.", list=list_name),
                )
                return None
            if not choices:
                self.cannot(
                    SURVEY,
                    number,
                    "type",
                    _("The list %(list)s has no choice with text.", list=list_name),
                    _("With “skip”, the row is left out."),
                )
                return None
            question["choices"] = [{"value": c["value"], "label": c["label"]} for c in choices]
            question["_choice_rows"] = [c["row"] for c in choices]
            question["_list"] = list_name
            if select.group("specify_other"):
                self.cannot(
                    SURVEY,
                    number,
                    "type",
                    _("“Or specify other” (a free-text other option) cannot be represented."),
                    _("With “skip”, the question is imported without the other option."),
                )
            if one and not in_grid:
                self.maybe_scale(row, number, columns, list_name, choices)
        self.cell_issues(row, columns, labels, hints, number, question=question)
        if TYPES[question["type"]].answerable:
            question["required"] = self.required(row, number, columns)
        return question

    def _type_reason(self, kind: str, raw_type: str) -> str:
        if kind in GEO_TYPES:
            return _("The type %(type)s (a place on a map) cannot be represented.", type=raw_type)
        if kind in DATE_TYPES:
            return _("The type %(type)s (a date or time) cannot be represented.", type=raw_type)
        if kind in MEDIA_TYPES:
            return _(
                "The type %(type)s (a picture, sound, video, file or barcode) cannot be"
                " represented.",
                type=raw_type,
            )
        if kind in CALCULATION_TYPES:
            return _(
                "The type %(type)s (a calculation or hidden value) cannot be represented.",
                type=raw_type,
            )
        if kind in ("range", "rank", "acknowledge", "trigger"):
            return _("The type %(type)s cannot be represented.", type=raw_type)
        return _(
            "The type %(type)s is information about the device or the time of answering, which"
            " Helhet does not collect (answers are anonymous).",
            type=raw_type,
        )

    def required(self, row, number, columns) -> bool:
        header = next((c.header for c in columns if c.tokens == ("bind", "required")), None)
        value = (row.get(header) or "").strip() if header else ""
        if not value:
            return False
        answer = _yes_no(value)
        if answer is None:
            self.cannot(
                SURVEY,
                number,
                header,
                _("“Required” depends on a condition (%(value)s).", value=value),
                _("With “skip”, the question is optional."),
            )
            return False
        return answer

    def maybe_scale(self, row, number, columns, list_name, choices) -> None:
        values = [c["value"] for c in choices]
        appearance = (
            next((row.get(c.header) for c in columns if c.tokens == ("control", "appearance")), "")
            or ""
        )
        numeric = all(re.fullmatch(r"-?[0-9]{1,9}", v) for v in values)
        consecutive = numeric and [int(v) for v in values] == list(
            range(int(values[0]), int(values[0]) + len(values))
        )
        if "likert" in appearance or (
            consecutive and 3 <= len(values) <= 11 and int(values[0]) in (0, 1)
        ):
            self.note(
                SURVEY,
                number,
                "type",
                _(
                    "The choices of %(list)s look like a scale. The question stays a single-choice"
                    " question; to use it in an indicator, turn it into a scale question in the"
                    " editor.",
                    list=list_name,
                ),
            )

    def cell_issues(
        self,
        row,
        columns,
        labels,
        hints,
        number,
        question=None,
        container=False,
        skip_row_level=False,
    ):
        """Report the cells of a row that Helhet cannot keep (and use the constraint if it can)."""
        kind = question["type"] if question else None
        for column in columns:
            value = row.get(column.header)
            if value in (None, ""):
                continue
            value = str(value)
            tokens, header = column.tokens, column.header
            if (
                tokens in (("type",), ("name",))
                or tokens in IGNORED_COLUMNS
                or tokens == ("bind", "required")
            ):
                continue
            if header in labels or header in hints:
                if REFERENCE.search(value):
                    self.cannot(
                        SURVEY,
                        number,
                        header,
                        _(
                            "The text refers to other answers (%(reference)s), which Helhet cannot"
                            " fill in.",
                            reference=REFERENCE.search(value).group(0),
                        ),
                        _("With “skip”, the text is imported as written."),
                    )
                continue
            if column.base in ("label", "hint") and len(tokens) == 2:
                self.cannot(
                    SURVEY,
                    number,
                    header,
                    _(
                        "A text in a language Helhet does not keep (%(language)s).",
                        language=tokens[1],
                    ),
                    _("With “skip”, that text is left out."),
                )
                continue
            if skip_row_level:
                continue  # the row is reported as a whole
            consequence = (
                _("With “skip”, the section is imported without it.")
                if container
                else _("With “skip”, the question is imported without it.")
            )
            if tokens == ("bind", "relevant"):
                continue  # read as a condition where the row is converted (`relevant`)
            if tokens == ("bind", "constraint"):
                if not self.constraint(question, value):
                    self.cannot(
                        SURVEY,
                        number,
                        header,
                        _("The constraint %(value)s cannot be represented.", value=value),
                        consequence,
                    )
            elif tokens[:2] == ("bind", "jr:constraintMsg"):
                if self._constraint_honoured(row, columns, question):
                    self.note(
                        SURVEY,
                        number,
                        header,
                        _("Helhet shows its own message when a number is out of range."),
                    )
            elif tokens[:2] == ("bind", "jr:requiredMsg"):
                self.note(
                    SURVEY,
                    number,
                    header,
                    _("Helhet shows its own message when a required question is not answered."),
                )
            elif column.base == "media":
                if kind is not None or container:
                    self.cannot(
                        SURVEY,
                        number,
                        header,
                        _("Pictures, sound or video cannot be shown."),
                        consequence,
                    )
            elif tokens == ("choice_filter",):
                self.cannot(
                    SURVEY,
                    number,
                    header,
                    _(
                        "A choice filter (%(value)s: choices that depend on an earlier answer)"
                        " cannot be represented.",
                        value=value,
                    ),
                    _("With “skip”, every choice of the list is shown."),
                )
            elif tokens == ("default",):
                self.cannot(
                    SURVEY,
                    number,
                    header,
                    _("A default answer (%(value)s) cannot be kept.", value=value),
                    consequence,
                )
            elif tokens == ("bind", "readonly"):
                self.cannot(
                    SURVEY,
                    number,
                    header,
                    _("A read-only question cannot be represented."),
                    consequence,
                )
            elif tokens == ("bind", "calculate"):
                self.cannot(
                    SURVEY, number, header, _("A calculation cannot be represented."), consequence
                )
            elif (
                column.base in ("bind", "control", "parameters", "guidance_hint", "trigger")
                or column.base in MultipleChoiceQuestion.get_slot_names()
            ):
                self.cannot(
                    SURVEY,
                    number,
                    header,
                    _(
                        "The column %(name)s (%(value)s) cannot be represented.",
                        name=header,
                        value=value[:80],
                    ),
                    consequence,
                )

    def _constraint_honoured(self, row, columns, question) -> bool:
        header = next((c.header for c in columns if c.tokens == ("bind", "constraint")), None)
        return bool(
            header and row.get(header) and question and self.constraint(dict(question), row[header])
        )

    @staticmethod
    def constraint(question: dict | None, value: str) -> bool:
        """Apply a constraint Helhet can honour to the question; False when it cannot."""
        if question is None or question["type"] not in CONSTRAINTS:
            return False
        parts = [p.strip() for p in re.split(r"\s+and\s+", value.strip()) if p.strip()]
        return CONSTRAINTS[question["type"]](question, parts)


def _number_range(question: dict, parts: list[str]) -> bool:
    """ ". >= 0 and . <= 120" as the smallest and largest number allowed."""
    low = high = None
    for part in parts:
        match = CONSTRAINT_TERM.match(part)
        if not match:
            return False
        op, bound = match.group(1), float(match.group(2))
        if op in (">", "<"):
            if not question.get("integer") or not bound.is_integer():
                return False
            bound += 1 if op == ">" else -1
        if op.startswith(">"):
            low = bound if low is None else max(low, bound)
        else:
            high = bound if high is None else min(high, bound)
    for name, bound in (("min", low), ("max", high)):
        if bound is not None:
            question[name] = int(bound) if bound.is_integer() else bound
    return True


def _text_length(question: dict, parts: list[str]) -> bool:
    """ "string-length(.) <= 200" as the longest answer."""
    match = LENGTH_TERM.match(parts[0]) if len(parts) == 1 else None
    if match:
        limit = int(match.group(2)) - (1 if match.group(1) == "<" else 0)
        if 1 <= limit <= 10000:
            question["max_length"] = limit
            return True
    return False


CONSTRAINTS = {QuestionType.NUMBER.value: _number_range, QuestionType.TEXT.value: _text_length}
"""The constraints Helhet can honour, by our question type: they become the type's own settings."""


def convert(content: bytes, filename: str = "", skip_unsupported: bool = False) -> Converted:
    """Convert an XLSForm workbook into our format (see the module docstring).

    Raises InvalidQuestionnaire for errors, and UnsupportedContent for content Helhet cannot
    represent unless skip_unsupported is True (then that content is left out as each item says).
    """
    book = read_workbook(content, filename)
    if problems := control_characters(book):
        raise InvalidQuestionnaire(problems)
    converter = _Converter(book, filename)
    data = converter.convert()
    if converter.errors:
        raise InvalidQuestionnaire(converter.errors)
    if converter.unsupported and not skip_unsupported:
        raise UnsupportedContent(converter.unsupported)
    return Converted(data, converter.notes, converter.places)
