"""LimeSurvey survey structure files (.lss, XML) into our questionnaire format.

    converted = convert(content)  # raises UnsupportedContent / InvalidQuestionnaire
    converted = convert(content, skip_unsupported=True)
    converted.data               # a dict in our JSON format (then jsonformat.from_dict)
    converted.notes              # what changed on the way (not errors)
    converted.place_of(problem)  # a JSON-path problem, placed at its question code

A .lss file is a LimeSurvey database export: a <document> of tables, each
``<name><rows><row><field>value</field>...</row></rows></name>``. Two generations are read:

- LimeSurvey 2 and 3 (DBVersion below 400): every text row carries its own ``language``
  (questions, subquestions, groups and answers repeat once per language);
- LimeSurvey 4 to 6: the texts live in ``question_l10ns``, ``group_l10ns`` and ``answer_l10ns``,
  joined on qid, gid and aid.

The file comes from outside, so it is parsed with defusedxml and no document type at all (a .lss
never has one; an entity "bomb" needs one), and refused above MAX_BYTES.

Mapping (docs/questionnaire-format.md has the table): groups -> sections (name -> title,
description -> intro); L, ! and O -> single; M and P -> multiple (their subquestions are the
choices); 5 -> scale 1-5; A -> one scale question 1-5 per subquestion, B -> 1-10, F -> 1-n (n = the
answer options, whose first and last labels name the ends), each array led by an information text
with the array's own text, keys from the question code and the subquestion code, and its rows
shown as one grid (grid key from the question code, see surveys/grids.py); N -> number
(num_value_int_only, min_num_value_n and max_num_value_n kept); S, T and U -> text
(maximum_chars kept); X -> information text; mandatory Y -> required. HTML in texts becomes plain
text. The key is ``limesurvey_<survey id>``, so importing the same survey again gives its next
version.

What Helhet cannot keep is listed with its question code, and stops the import unless
skip_unsupported=True: other question types, relevance equations other than "1", empty or the
simple kinds that become conditions (surveys/expressions.py; question and group relevance; a
question whose equation reads an answer in its own group starts a new page), conditions of the
old kind (the conditions table), "other" and comment fields, soft mandatory, pictures, texts that
refer to answers ({...}), the labels between the ends of a scale, and texts in languages the
format does not hold. Errors (unreadable XML, a document type, too large, not a survey, no
language Helhet keeps, a question without text or options) are InvalidQuestionnaire.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _

from helhet.problems import Problem
from surveys import conditions, jsonformat
from surveys.errors import InvalidQuestionnaire, UnsupportedContent
from surveys.expressions import NotACondition, limesurvey_relevance
from surveys.jsonformat import FORMAT, FORMAT_VERSION
from surveys.models import QuestionType
from surveys.xlsform import LANGUAGE_CODES, to_key

MAX_BYTES = 8 * 1024 * 1024
"""The largest .lss read. LimeSurvey's own sample surveys are about 0.5 MB."""

SINGLE_TYPES = {"L", "!", "O"}
MULTIPLE_TYPES = {"M", "P"}
ARRAY_SCALES = {"A": (1, 5), "B": (1, 10)}
TEXT_TYPES = {"S", "T", "U"}
TRIVIAL_RELEVANCE = {"", "1"}
SGQA = re.compile(r"[0-9]+X[0-9]+X([0-9]+)([A-Za-z0-9]*)")  # survey X group X question, subcode

# LimeSurvey's names of the types Helhet does not import, for the messages
OTHER_TYPES = {
    "1": "Array dual scale",
    ":": "Array (numbers)",
    ";": "Array (texts)",
    "C": "Array (Yes/No/Uncertain)",
    "E": "Array (Increase/Same/Decrease)",
    "H": "Array by column",
    "D": "Date/Time",
    "G": "Gender",
    "Y": "Yes/No",
    "I": "Language switch",
    "K": "Multiple numerical input",
    "Q": "Multiple short text",
    "R": "Ranking",
    "|": "File upload",
    "*": "Equation",
}

BLOCK_END = re.compile(r"<\s*(?:/p|/div|/h[1-6]|/ul|/ol|/table)\b[^<>]*>", re.I)
LINE_END = re.compile(r"<\s*(?:br|/li|/tr)\b[^<>]*>", re.I)
LIST_ITEM = re.compile(r"<\s*li\b[^<>]*>", re.I)
HIDDEN_START = re.compile(r"<\s*(script|style)\b", re.I)
HIDDEN_END = {
    "script": re.compile(r"<\s*/\s*script\s*>", re.I),
    "style": re.compile(r"<\s*/\s*style\s*>", re.I),
}
TAG = re.compile(r"<[^<>]*>")
IMAGE = re.compile(r"<\s*(?:img|video|audio|iframe|object|embed)\b", re.I)
REFERENCE = re.compile(r"\{(?![\s{])[^{}\n]{1,200}\}")
SPACES = re.compile(r"[ \t\u00a0]+")
NUMBER = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,9})?")


def kept_languages() -> tuple[str, ...]:
    """The languages our JSON format holds texts in (the schema's own list)."""
    return tuple(jsonformat.schema()["$defs"]["texts"]["properties"])


def helhet_language(code: str) -> str | None:
    """Our language for a LimeSurvey language code (nb, nn, en, en-GB, no ...); None if not kept."""
    base = re.split(r"[-_]", (code or "").strip().lower())[0]
    mapped = LANGUAGE_CODES.get(base, base)
    return mapped if mapped in kept_languages() else None


def _without_hidden(markup: str) -> str:
    """The markup without <script> and <style> elements (an unclosed one runs to the end); one
    pass, so that a text full of unclosed tags costs no more than its length."""
    parts, position = [], 0
    while start := HIDDEN_START.search(markup, position):
        parts.append(markup[position : start.start()])
        end = HIDDEN_END[start.group(1).lower()].search(markup, start.end())
        if end is None:
            return "".join(parts)
        position = end.end()
    parts.append(markup[position:])
    return "".join(parts)


def plain_text(markup: str) -> str:
    """LimeSurvey's HTML as plain text: paragraphs and line breaks kept, tags and entities gone."""
    text = _without_hidden(markup or "")
    text = LIST_ITEM.sub("\n• ", text)
    text = LINE_END.sub("\n", BLOCK_END.sub("\n\n", text))
    text = html.unescape(TAG.sub("", text))
    lines = [SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# --- reading the file ------------------------------------------------------------------------


def _refused(message: str) -> InvalidQuestionnaire:
    return InvalidQuestionnaire([Problem(message)])


def read_document(content: bytes) -> Element:
    """The .lss as an XML tree; InvalidQuestionnaire when it is too large, unsafe or unreadable."""
    if len(content) > MAX_BYTES:
        raise _refused(
            _(
                "The file is %(size)s MB; Helhet reads LimeSurvey files of at most %(limit)s MB."
                " Export the survey structure (.lss) only, without responses.",
                size=f"{len(content) / 1024 / 1024:.1f}",
                limit=MAX_BYTES // 1024 // 1024,
            )
        )
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise _refused(
            _(
                "The file declares a document type or entities, which LimeSurvey files never do"
                " (and which an “XML bomb” uses), so it was not read."
            )
        ) from None
    except (ParseError, ValueError) as exc:
        raise _refused(
            _(
                "The file could not be read as XML (a LimeSurvey .lss file is XML): %(detail)s",
                detail=str(exc)[:200],
            )
        ) from None
    doc_type = (root.findtext("LimeSurveyDocType") or "").strip()
    if root.tag != "document" or (doc_type and doc_type != "Survey"):
        raise _refused(
            _(
                "The file is not a LimeSurvey survey structure (.lss): export it in LimeSurvey with"
                " “Export > Survey structure (.lss)”."
            )
        )
    if root.find("questions") is None:
        raise _refused(_("The LimeSurvey file has no questions."))
    return root


def _rows(root: Element, table: str) -> list[dict[str, str]]:
    rows = []
    for row in root.findall(f"{table}/rows/row"):
        rows.append({child.tag: (child.text or "") for child in row})
    return rows


def _order(value: str) -> int:
    return int(value) if re.fullmatch(r"-?[0-9]{1,9}", (value or "").strip()) else 0


@dataclass
class _Question:
    qid: str
    gid: str
    type: str
    code: str
    parent: str
    order: int
    mandatory: str = "N"
    other: str = "N"
    relevance: str = ""
    scale_id: str = "0"
    texts: dict[str, str] = field(default_factory=dict)  # LimeSurvey language -> HTML
    helps: dict[str, str] = field(default_factory=dict)
    subquestions: list[_Question] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)  # code, order, scale_id, labels
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class _Group:
    gid: str
    order: int
    relevance: str = ""
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)


class _Survey:
    """The tables of a .lss joined into groups, questions, subquestions and answers."""

    def __init__(self, root: Element):
        self.languages = [
            (e.text or "").strip() for e in root.findall("languages/language") if e.text
        ]
        surveys = _rows(root, "surveys")
        self.sid = surveys[0].get("sid", "").strip() if surveys else ""
        base = surveys[0].get("language", "").strip() if surveys else ""
        extra = surveys[0].get("additional_languages", "").split() if surveys else []
        for code in [base, *extra]:
            if code and code not in self.languages:
                self.languages.append(code)
        if base:  # the base language first: its texts lead where one language has to be chosen
            self.languages.sort(key=lambda code: code != base)
        self.settings: dict[str, dict[str, str]] = {}
        for row in _rows(root, "surveys_languagesettings"):
            self.settings[row.get("surveyls_language", "")] = row
        self.groups: dict[str, _Group] = {}
        for row in _rows(root, "groups"):
            gid = row.get("gid", "")
            group = self.groups.setdefault(gid, _Group(gid, _order(row.get("group_order", ""))))
            group.relevance = row.get("grelevance", group.relevance) or group.relevance
            if "language" in row:
                group.names[row["language"]] = row.get("group_name", "")
                group.descriptions[row["language"]] = row.get("description", "")
        for row in _rows(root, "group_l10ns"):
            if group := self.groups.get(row.get("gid", "")):
                group.names[row.get("language", "")] = row.get("group_name", "")
                group.descriptions[row.get("language", "")] = row.get("description", "")
        self.questions: dict[str, _Question] = {}
        for row in _rows(root, "questions") + _rows(root, "subquestions"):
            qid = row.get("qid", "")
            question = self.questions.get(qid)
            if question is None:
                question = self.questions[qid] = _Question(
                    qid=qid,
                    gid=row.get("gid", ""),
                    type=row.get("type", "").strip(),
                    code=row.get("title", "").strip(),
                    parent=(row.get("parent_qid", "") or "0").strip(),
                    order=_order(row.get("question_order", "")),
                    mandatory=(row.get("mandatory", "") or "N").strip(),
                    other=(row.get("other", "") or "N").strip(),
                    relevance=row.get("relevance", "").strip(),
                    scale_id=(row.get("scale_id", "") or "0").strip(),
                )
            if "language" in row:
                question.texts[row["language"]] = row.get("question", "")
                question.helps[row["language"]] = row.get("help", "")
        for row in _rows(root, "question_l10ns"):
            if question := self.questions.get(row.get("qid", "")):
                question.texts[row.get("language", "")] = row.get("question", "")
                question.helps[row.get("language", "")] = row.get("help", "")
        answers: dict[tuple, dict] = {}
        by_aid: dict[str, dict] = {}
        for row in _rows(root, "answers"):
            question = self.questions.get(row.get("qid", ""))
            if question is None:
                continue
            scale = (row.get("scale_id", "") or "0").strip()
            code = row.get("code", "").strip()
            answer = answers.get((question.qid, scale, code))
            if answer is None:
                answer = answers[(question.qid, scale, code)] = {
                    "code": code,
                    "order": _order(row.get("sortorder", "")),
                    "scale_id": scale,
                    "labels": {},
                }
                question.answers.append(answer)
            if "language" in row:
                answer["labels"][row["language"]] = row.get("answer", "")
            if row.get("aid"):
                by_aid[row["aid"]] = answer
        for row in _rows(root, "answer_l10ns"):
            if answer := by_aid.get(row.get("aid", "")):
                answer["labels"][row.get("language", "")] = row.get("answer", "")
        for question in self.questions.values():
            question.answers.sort(key=lambda a: a["order"])
        for row in _rows(root, "question_attributes"):
            question = self.questions.get(row.get("qid", ""))
            if question is not None and not row.get("language"):
                question.attributes[row.get("attribute", "")] = row.get("value", "")
        for question in sorted(self.questions.values(), key=lambda q: (q.order, _order(q.qid))):
            if question.parent != "0" and (parent := self.questions.get(question.parent)):
                parent.subquestions.append(question)
        self.conditions = {row.get("qid", "") for row in _rows(root, "conditions")}

    def top_questions(self, gid: str) -> list[_Question]:
        return sorted(
            (q for q in self.questions.values() if q.gid == gid and q.parent == "0"),
            key=lambda q: (q.order, _order(q.qid)),
        )


# --- conversion ------------------------------------------------------------------------------


@dataclass
class Converted:
    data: dict
    notes: list[Problem] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # JSON path -> the place in the .lss

    def place_of(self, problem: Problem) -> Problem:
        """A problem with a JSON path, moved to its group, question or answer in the .lss."""
        path = problem.path or ""
        best = max(
            (p for p in self.places if path == p or path.startswith((p + ".", p + "["))),
            key=len,
            default=None,
        )
        if best is None:
            return Problem(problem.message) if path.split(".")[0] != "sections" else problem
        return Problem(problem.message, item=self.places[best])


def _question_place(code: str, sub: str | None = None) -> str:
    if sub is not None:
        return _("question %(code)s, subquestion %(sub)s", code=code, sub=sub)
    return _("question %(code)s", code=code)


class _Converter:
    def __init__(self, survey: _Survey):
        self.survey = survey
        self.errors: list[Problem] = []
        self.unsupported: list[Problem] = []
        self.notes: list[Problem] = []
        self.places: dict[str, str] = {}
        self.keys: set[str] = set()
        self.grids: set[str] = set()  # grid keys given to arrays
        self.formatting_dropped = False
        self.languages: dict[str, str] = {}  # LimeSurvey code -> ours, for the languages kept
        self.earlier: dict[str, tuple] = {}  # names relevance equations read (`remember`)
        self.sub_keys: dict[str, str] = {}  # an array row's qid -> its scale question's key

    # reporting
    def error(self, item, message):
        self.errors.append(Problem(message, item=item))

    def cannot(self, item, what, consequence):
        problem = Problem(f"{what} {consequence}", item=item)
        if problem not in self.unsupported:  # the same text in several languages: once
            self.unsupported.append(problem)

    def note(self, item, message):
        self.notes.append(Problem(message, item=item))

    # texts
    def choose_languages(self) -> None:
        left_out = []
        for code in self.survey.languages:
            ours = helhet_language(code)
            if ours is None or ours in self.languages.values():
                left_out.append(code)
            else:
                self.languages[code] = ours
        if not self.languages:
            self.error(
                None,
                _(
                    "None of the survey's languages (%(languages)s) is one Helhet keeps"
                    " (%(kept)s).",
                    languages=", ".join(self.survey.languages) or "–",
                    kept=", ".join(kept_languages()),
                ),
            )
        elif left_out:
            self.cannot(
                None,
                _(
                    "The texts in %(languages)s are not kept: questionnaires hold texts in"
                    " %(kept)s.",
                    languages=", ".join(left_out),
                    kept=", ".join(kept_languages()),
                ),
                _("With “skip”, those texts are left out."),
            )

    def texts(self, markup: dict[str, str], item: str | None) -> dict:
        """Our texts (in our order) from LimeSurvey's HTML per language; reports what is lost."""
        out = {}
        for code, ours in self.languages.items():
            raw = markup.get(code) or ""
            text = plain_text(raw)
            if text != raw.strip():
                self.formatting_dropped = True
            if IMAGE.search(raw):
                self.cannot(
                    item,
                    _("The text shows a picture, video or embedded content."),
                    _("With “skip”, only its words are kept."),
                )
            if reference := REFERENCE.search(text):
                self.cannot(
                    item,
                    _(
                        "The text refers to answers or other values (%(reference)s), which Helhet"
                        " cannot fill in.",
                        reference=reference.group(0),
                    ),
                    _("With “skip”, the text is imported as written."),
                )
            if text:  # a text too long for the format is refused there, at its place
                out[ours] = text
        return {lang: out[lang] for lang in kept_languages() if lang in out}

    def key(self, code: str, item: str, sub: str | None = None) -> str:
        name = f"{code}_{sub}" if sub is not None else code
        key = base = to_key(name)
        number = 2
        while key in self.keys:
            key = f"{base[:60]}_{number}"
            number += 1
        self.keys.add(key)
        if key != name.lower():
            self.note(
                item,
                _("%(name)s became the key %(key)s.", name=name, key=key),
            )
        return key

    def grid_key(self, code: str) -> str:
        """A grid key of its own for an array (grids have their own names, apart from keys)."""
        grid = base = to_key(code)
        number = 2
        while grid in self.grids:
            grid = f"{base[:60]}_{number}"
            number += 1
        self.grids.add(grid)
        return grid

    # the survey
    def convert(self) -> dict:
        self.choose_languages()
        if self.errors:
            return {}
        sections = []
        for group in sorted(self.survey.groups.values(), key=lambda g: (g.order, _order(g.gid))):
            name = next((plain_text(n) for n in group.names.values() if plain_text(n)), group.gid)
            item = _("group %(name)s", name=name)
            condition = self.relevance(group.relevance, item, _("the group"))
            section = {"title": self.texts(group.names, item)}
            if intro := self.texts(group.descriptions, item):
                section["intro"] = intro
            if condition is not None:
                section["condition"] = condition
            questions = []
            for question in self.survey.top_questions(group.gid):
                questions.extend(self.question(question))
            if not questions:
                self.note(item, _("The group has no question Helhet can import; it was left out."))
                continue
            for part in self.split_for_conditions(questions):
                index = len(sections)
                self.places[f"sections[{index}]"] = item
                for j, (q, place) in enumerate(part):
                    self.places[f"sections[{index}].questions[{j}]"] = place
                    for k, choice_place in enumerate(q.pop("_choice_places", [])):
                        self.places[f"sections[{index}].questions[{j}].choices[{k}]"] = choice_place
                sections.append({**section, "questions": [q for q, _place in part]})
        if not any(s["questions"] for s in sections) and not self.errors:
            self.error(None, _("The survey has no question that Helhet can import."))
        return self.build(sections)

    def split_for_conditions(self, questions: list[tuple[dict, str]]) -> list[list]:
        """A question whose condition reads an answer in its own group starts a new page (with
        the group's title and condition): pages are shown from the answers given before them."""
        parts: list[list] = []
        for q, place in questions:
            reads = set(conditions.referred(q.get("condition")))
            if not parts or reads & {other["key"] for other, _p in parts[-1]}:
                if parts:
                    self.note(
                        place,
                        _(
                            "The question starts a new page, since its condition reads an"
                            " answer on the page before it."
                        ),
                    )
                parts.append([])
            parts[-1].append((q, place))
        return parts

    def resolve(self, name: str):
        """What a name in a relevance equation reads: a question code, a code_subcode (an array
        row, or a multiple-choice option), or the same as SGQA (123456X7X89 and a subcode)."""
        sgqa = SGQA.fullmatch(name)
        if sgqa and (question := self.survey.questions.get(sgqa.group(1))) is not None:
            name = question.code + (f"_{sgqa.group(2)}" if sgqa.group(2) else "")
        return self.earlier.get(name)

    def relevance(self, equation: str, item: str, what: str) -> dict | None:
        """A relevance equation as a condition (None for an empty or trivial one); one that is no
        condition is reported as unsupported with its place."""
        equation = (equation or "").strip()
        if equation in TRIVIAL_RELEVANCE:
            return None
        try:
            return limesurvey_relevance(equation, self.resolve)
        except NotACondition as reason:
            self.cannot(
                item,
                _(
                    "A condition for when %(what)s is shown (%(value)s) cannot be represented:"
                    " %(reason)s",
                    what=what,
                    value=equation[:200],
                    reason=str(reason),
                ),
                _("With “skip”, it is always shown."),
            )
            return None

    def remember(self, question: _Question, produced: list[tuple[dict, str]]) -> None:
        """Make a converted question readable by later relevance equations."""
        for q, _place in produced:
            if q["type"] == "info":
                continue
            if q["type"] == "multiple":
                self.earlier[question.code] = (q["key"], q)
                for choice in q["choices"]:
                    self.earlier[f"{question.code}_{choice['value']}"] = (
                        q["key"],
                        q,
                        choice["value"],
                    )
            elif question.type in ARRAY_SCALES or question.type == "F":
                sub = q["key"]
                code = next(
                    (s.code for s in question.subquestions if self.sub_keys.get(s.qid) == sub),
                    None,
                )
                if code is not None:
                    self.earlier[f"{question.code}_{code}"] = (q["key"], q)
            else:
                self.earlier[question.code] = (q["key"], q)

    def build(self, sections: list[dict]) -> dict:
        settings = self.survey.settings
        titles = {
            code: (settings.get(code) or {}).get("surveyls_title", "") for code in self.languages
        }
        title = self.texts(titles, None)
        if not title.get("nb"):
            fallback = next(iter(title.values()), "") or f"LimeSurvey {self.survey.sid}".strip()
            title = {"nb": fallback, **title}
            self.note(
                None,
                _(
                    "The survey has no title in bokmål; “%(title)s” was used. Translate it under"
                    " Settings.",
                    title=fallback,
                ),
            )
        descriptions = {}
        for code in self.languages:
            row = settings.get(code) or {}
            parts = [row.get("surveyls_description", ""), row.get("surveyls_welcometext", "")]
            descriptions[code] = "<br>".join(p for p in parts if p and plain_text(p))
        description = self.texts(descriptions, None)
        if any(
            plain_text((settings.get(code) or {}).get("surveyls_endtext", ""))
            for code in self.languages
        ):
            self.cannot(
                None,
                _("The end text (shown after sending) cannot be kept: Helhet shows its own."),
                _("With “skip”, it is left out."),
            )
        sid = re.sub(r"[^0-9A-Za-z]", "", self.survey.sid)[:40]
        key = to_key(f"limesurvey_{sid}" if sid else "limesurvey")
        self.note(
            None,
            _(
                "The questionnaire got the key %(key)s and was imported as a citizen survey; change"
                " the kind under Settings if it is another kind.",
                key=key,
            ),
        )
        if self.formatting_dropped:
            self.note(
                None,
                _("Formatting in the texts (HTML: bold, links, lists) became plain text."),
            )
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "key": key,
            "kind": "citizen",
            "title": title,
        }
        if description:
            data["description"] = description
        data["sections"] = sections
        data["indicators"] = []
        return data

    # questions
    def common(self, question: _Question, item: str, answerable: bool = True) -> None:
        """Report what every type shares and Helhet cannot keep."""
        if question.qid in self.survey.conditions and question.relevance in TRIVIAL_RELEVANCE:
            # (LimeSurvey writes its old conditions into the relevance equation too; read there)
            self.cannot(
                item,
                _(
                    "Conditions of the old kind (the conditions table, before relevance"
                    " equations) cannot be represented."
                ),
                _("With “skip”, it is always shown."),
            )
        if answerable and question.mandatory == "S":
            self.cannot(
                item,
                _("“Soft mandatory” (a warning that can be passed) cannot be represented."),
                _("With “skip”, the question is optional."),
            )

    def required(self, question: _Question) -> bool:
        return question.mandatory == "Y"

    def question(self, question: _Question) -> list[tuple[dict, str]]:
        """Our questions for one LimeSurvey question (arrays give several), with their places,
        each with the question's relevance as a condition."""
        item = _question_place(question.code)
        condition = self.relevance(question.relevance, item, _("the question"))
        produced = self._question(question, item)
        if condition is not None:
            for q, _place in produced:
                q["condition"] = condition
        self.remember(question, produced)
        return produced

    def _question(self, question: _Question, item: str) -> list[tuple[dict, str]]:
        kind = question.type
        if kind in OTHER_TYPES or not (
            kind in SINGLE_TYPES
            or kind in MULTIPLE_TYPES
            or kind in ARRAY_SCALES
            or kind in {"5", "F", "N", "X"}
            or kind in TEXT_TYPES
        ):
            name = OTHER_TYPES.get(kind)
            self.cannot(
                item,
                _(
                    "The question type %(type)s (%(name)s) cannot be represented.",
                    type=kind or "–",
                    name=name or _("unknown"),
                ),
                _("With “skip”, the question is left out."),
            )
            return []
        texts = self.texts(question.texts, item)
        helps = self.texts(question.helps, item)
        if not texts and kind not in ARRAY_SCALES and kind != "F":
            self.error(item, _("The question has no text in any language Helhet keeps."))
            return []
        self.common(question, item, answerable=kind != "X")
        base = {"text": texts}
        if helps:
            base["help"] = helps
        if kind == "X":
            return [({"key": self.key(question.code, item), "type": "info", **base}, item)]
        if kind in SINGLE_TYPES or kind in MULTIPLE_TYPES:
            return self.choice_question(question, item, base)
        if kind == "N":
            return [(self.number(question, item, base), item)]
        if kind in TEXT_TYPES:
            out = {"key": self.key(question.code, item), "type": QuestionType.TEXT.value, **base}
            out["required"] = self.required(question)
            limit = question.attributes.get("maximum_chars", "").strip()
            if re.fullmatch(r"[0-9]{1,5}", limit) and 1 <= int(limit) <= 10000:
                out["max_length"] = int(limit)
            return [(out, item)]
        if kind == "5":
            out = {"key": self.key(question.code, item), "type": QuestionType.SCALE.value, **base}
            out.update(required=self.required(question), min=1, max=5)
            return [(out, item)]
        return self.array(question, item, base)

    def other_option(self, question: _Question, item: str) -> None:
        if question.other == "Y":
            self.cannot(
                item,
                _("“Other” with a free-text answer cannot be represented."),
                _("With “skip”, the question is imported without it."),
            )
        if question.type in {"O", "P"}:
            self.cannot(
                item,
                _("The comment field beside the options cannot be represented."),
                _("With “skip”, the question is imported without it."),
            )

    def choice_question(self, question: _Question, item: str, base: dict):
        single = question.type in SINGLE_TYPES
        self.other_option(question, item)
        choices, places = [], []
        if single:
            options = [(a["code"], a["labels"]) for a in question.answers if a["scale_id"] == "0"]
        else:
            options = [(s.code, s.texts) for s in question.subquestions if s.scale_id == "0"]
        for code, labels in options:
            place = _("question %(code)s, option %(option)s", code=question.code, option=code)
            label = self.texts(labels, place)
            if not label:
                self.error(place, _("The option has no text in any language Helhet keeps."))
                continue
            choices.append({"value": code, "label": label})
            places.append(place)
        if not single:
            for sub in question.subquestions:
                if sub.relevance not in TRIVIAL_RELEVANCE:
                    self.cannot(
                        _(
                            "question %(code)s, option %(option)s",
                            code=question.code,
                            option=sub.code,
                        ),
                        _(
                            "A condition for when the option is shown (%(value)s) cannot be"
                            " represented.",
                            value=sub.relevance[:200],
                        ),
                        _("With “skip”, it is always shown."),
                    )
        if not choices:
            self.error(item, _("The question has no answer options."))
            return []
        out = {
            "key": self.key(question.code, item),
            "type": (QuestionType.SINGLE if single else QuestionType.MULTIPLE).value,
            **base,
            "required": self.required(question),
            "choices": choices,
            "_choice_places": places,
        }
        return [(out, item)]

    def number(self, question: _Question, item: str, base: dict) -> dict:
        out = {"key": self.key(question.code, item), "type": QuestionType.NUMBER.value, **base}
        out["required"] = self.required(question)
        out["integer"] = question.attributes.get("num_value_int_only", "").strip() == "1"
        for attribute, name in (("min_num_value_n", "min"), ("max_num_value_n", "max")):
            value = question.attributes.get(attribute, "").strip()
            if not value:
                continue
            if NUMBER.fullmatch(value):
                number = float(value)
                out[name] = int(number) if number.is_integer() else number
            else:
                self.cannot(
                    item,
                    _(
                        "The limit %(value)s is an expression, which cannot be represented.",
                        value=value[:200],
                    ),
                    _("With “skip”, the question is imported without it."),
                )
        return out

    def array(self, question: _Question, item: str, base: dict) -> list[tuple[dict, str]]:
        """An array: an information text with the array's text, then a scale question per row,
        the rows shown as one grid."""
        if question.type == "F":
            points = [a for a in question.answers if a["scale_id"] == "0"]
            if not 2 <= len(points) <= 11:
                self.cannot(
                    item,
                    _(
                        "An array with %(count)s answer options cannot be a scale (2 to 11"
                        " points).",
                        count=len(points),
                    ),
                    _("With “skip”, the question is left out."),
                )
                return []
            codes = [a["code"] for a in points]
            low = int(codes[0]) if re.fullmatch(r"[0-9]{1,2}", codes[0]) else None
            if (
                low is not None
                and low + len(codes) - 1 <= 11
                and codes == [str(n) for n in range(low, low + len(codes))]
            ):
                scale = (low, low + len(codes) - 1)
            else:
                scale = (1, len(codes))
                self.note(
                    item,
                    _(
                        "The answer codes %(codes)s are stored as the scale points %(low)s to"
                        " %(high)s.",
                        codes=", ".join(codes),
                        low=scale[0],
                        high=scale[1],
                    ),
                )
            low_label = self.texts(points[0]["labels"], item)
            high_label = self.texts(points[-1]["labels"], item)
            if len(points) > 2:
                self.cannot(
                    item,
                    _(
                        "The labels of the points between the ends (%(labels)s) cannot be"
                        " represented: a scale question names its ends only.",
                        labels=", ".join(
                            next(iter(self.texts(p["labels"], None).values()), p["code"])
                            for p in points[1:-1]
                        )[:300],
                    ),
                    _("With “skip”, only the ends keep their labels."),
                )
        else:
            scale, low_label, high_label = ARRAY_SCALES.get(question.type, (1, 5)), {}, {}
        rows = [s for s in question.subquestions if s.scale_id == "0"]
        if not rows:
            self.error(item, _("The array has no subquestions (rows)."))
            return []
        out = []
        grid = self.grid_key(question.code)
        if base["text"] or base.get("help"):
            info = {"key": self.key(question.code, item), "type": "info", **base}
            if not info["text"]:
                info["text"] = base.get("help")
                info.pop("help", None)
            out.append((info, item))
        for sub in rows:
            place = _question_place(question.code, sub.code)
            texts = self.texts(sub.texts, place)
            if not texts:
                self.error(place, _("The subquestion has no text in any language Helhet keeps."))
                continue
            if sub.relevance not in TRIVIAL_RELEVANCE:
                self.cannot(
                    place,
                    _(
                        "A condition for when the row is shown (%(value)s) cannot be represented.",
                        value=sub.relevance[:200],
                    ),
                    _("With “skip”, it is always shown."),
                )
            self.sub_keys[sub.qid] = self.key(question.code, place, sub.code)
            scale_question = {
                "key": self.sub_keys[sub.qid],
                "type": QuestionType.SCALE.value,
                "text": texts,
                "required": self.required(question),
                "min": scale[0],
                "max": scale[1],
                "grid": grid,
            }
            if low_label:
                scale_question["low_label"] = low_label
            if high_label:
                scale_question["high_label"] = high_label
            out.append((scale_question, place))
        return out


def convert(content: bytes, skip_unsupported: bool = False) -> Converted:
    """Convert a LimeSurvey .lss file into our format (see the module docstring).

    Raises InvalidQuestionnaire for errors, and UnsupportedContent for content Helhet cannot
    represent unless skip_unsupported is True (then that content is left out as each item says).
    """
    converter = _Converter(_Survey(read_document(content)))
    data = converter.convert()
    if converter.errors:
        raise InvalidQuestionnaire(converter.errors)
    if converter.unsupported and not skip_unsupported:
        raise UnsupportedContent(converter.unsupported)
    return Converted(data, converter.notes, converter.places)
