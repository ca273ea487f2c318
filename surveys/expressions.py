"""Show-when expressions of other survey tools, read into our conditions (surveys.conditions).

    condition = xlsform_relevant("${q1} = 'yes' and ${q2} >= 3", resolve)
    condition = limesurvey_relevance('Q1 == "Y" || !is_empty(Q2)', resolve)

`resolve(name)` gives what a reference reads: (our question key, the earlier question as a dict of
our format), or None when no earlier question has that name; a resolver may also name a
multiple-choice option itself: (key, question, the option's value). Both raise NotACondition (its
message translated) for what a condition cannot say: arithmetic, other functions, "not equal to"
a value, comparisons between two answers, a reference to a later or unknown question.

The kinds that become conditions:

    XLSForm                          LimeSurvey (ExpressionScript)      condition
    ${q} = 'a'   ${q} = 3            Q == "a"   Q.NAOK == 3             equals
    selected(${q}, 'a')              Q_a == "Y"  (multiple choice)      equals (chosen)
    ${q} >= 3    ${q} > 2            Q >= 3     Q gt 2                  at_least (> n: n + 1
    ${q} <= 3    ${q} < 4            Q <= 3     Q lt 4                  at_most   on whole numbers)
    ${q} != ''   string-length(${q}) > 0    !is_empty(Q)   Q != ""      answered
    ${q} = ''                        is_empty(Q)   Q == ""              not_answered
    and, or, parentheses             and, or, &&, ||, parentheses       all, any
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

Resolve = Callable[[str], "tuple[str, dict] | None"]


class NotACondition(ValueError):
    """An expression (or a part of it) that no condition can say; the message is translated."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<sgqa>\d+X\d+X\d+[A-Za-z0-9_]*(?:\.[A-Za-z]+)?)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>==|!=|<>|>=|<=|&&|\|\||[=<>(),!])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.:-]*)
    )""",
    re.VERBOSE,
)
_WORD_OPS = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str


def tokens(expression: str) -> list[Tok]:
    out, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise NotACondition(
                _("Cannot read the expression from here: %(rest)s", rest=expression[position:])
            )
        kind = match.lastgroup
        text = match.group(kind)
        if kind == "sgqa":  # LimeSurvey's 123456X7X89: survey, group, question (and subcode)
            kind = "word"
        if kind == "word" and text.lower() in ("and", "or", "not"):
            kind, text = "op", text.lower()
        elif kind == "word" and text.lower() in _WORD_OPS:
            kind, text = "op", _WORD_OPS[text.lower()]
        elif kind == "op":
            text = {"&&": "and", "||": "or", "!": "not", "<>": "!=", "==": "="}.get(text, text)
        out.append(Tok(kind, text))
        position = match.end()
    return out


# An expression tree: ("and"|"or", [trees]), ("not", tree), ("cmp", op, left, right),
# ("call", name, [args]), ("ref", name), ("lit", value).


class _Parser:
    def __init__(self, toks: list[Tok], dialect: str):
        self.toks, self.i, self.dialect = toks, 0, dialect

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, text: str | None = None) -> Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise NotACondition(
                _("The expression ends too early.")
                if tok is None
                else _("Unexpected %(text)s in the expression.", text=tok.text)
            )
        self.i += 1
        return tok

    def parse(self):
        tree = self.either()
        if self.peek() is not None:
            raise NotACondition(_("Unexpected %(text)s in the expression.", text=self.peek().text))
        return tree

    def either(self):
        parts = [self.both()]
        while self.peek() is not None and self.peek().text == "or":
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def both(self):
        parts = [self.unary()]
        while self.peek() is not None and self.peek().text == "and":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def unary(self):
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text == "not":
            self.take()
            return ("not", self.unary())
        left = self.operand()
        tok = self.peek()
        if tok is not None and tok.text in ("=", "!=", ">", ">=", "<", "<="):
            self.take()
            return ("cmp", tok.text, left, self.operand())
        return left

    def operand(self):
        tok = self.take()
        if tok.text == "(":
            inner = self.either()
            self.take(")")
            return inner
        if tok.kind == "ref":
            return ("ref", tok.text[2:-1].strip())
        if tok.kind == "string":
            return ("lit", tok.text[1:-1])
        if tok.kind == "number":
            value = float(tok.text)
            return ("lit", int(value) if value.is_integer() else value)
        if tok.kind == "word":
            nxt = self.peek()
            if nxt is not None and nxt.text == "(":
                self.take("(")
                args = []
                if self.peek() is not None and self.peek().text != ")":
                    args.append(self.either())
                    while self.peek() is not None and self.peek().text == ",":
                        self.take()
                        args.append(self.either())
                self.take(")")
                return ("call", tok.text.lower(), args)
            if self.dialect == "limesurvey":
                return ("ref", tok.text)
        raise NotACondition(_("Unexpected %(text)s in the expression.", text=tok.text))


def parse(expression: str, dialect: str):
    return _Parser(tokens(expression), dialect).parse()


# --- to conditions -----------------------------------------------------------------------------


WHOLE = ("scale",)


def _whole_numbers(question: dict) -> bool:
    return question["type"] == "scale" or (
        question["type"] == "number" and question.get("integer", True)
    )


class _Builder:
    def __init__(self, resolve: Resolve, dialect: str):
        self.resolve, self.dialect = resolve, dialect

    def reference(self, name: str) -> tuple[str, dict, str | None]:
        """(key, question, chosen choice or None) of a reference."""
        if self.dialect == "limesurvey":
            name = re.sub(r"\.(NAOK|value|code|shown)$", "", name, flags=re.IGNORECASE)
        found = self.resolve(name)
        if found is not None:
            return found if len(found) == 3 else (*found, None)
        if self.dialect == "limesurvey" and "_" in name:  # Q_SQ001: a multiple-choice option
            base, sub = name.rsplit("_", 1)
            found = self.resolve(base)
            if found is not None and found[1]["type"] == "multiple":
                return (*found, sub)
        raise NotACondition(
            _(
                "%(name)s is not a question on an earlier page; a condition can only read answers"
                " given before it.",
                name=name,
            )
        )

    def build(self, tree) -> dict:
        kind = tree[0]
        if kind in ("and", "or"):
            return {"all" if kind == "and" else "any": [self.build(t) for t in tree[1]]}
        if kind == "not":
            inner = tree[1]
            if inner[0] == "call" and inner[1] == "is_empty":
                return self.test(inner[2], "answered")
            raise NotACondition(_("“not” can only be used as !is_empty(…) here."))
        if kind == "call":
            name, args = tree[1], tree[2]
            if name == "selected" and len(args) == 2 and args[0][0] == "ref":
                key, question, _sub = self.reference(args[0][1])
                if args[1][0] != "lit":
                    raise NotACondition(_("selected(…) needs a choice value."))
                return self.compare(key, question, "=", args[1][1])
            if name == "is_empty" and len(args) == 1:
                return self.test(args, "not_answered")
            raise NotACondition(_("The function %(name)s cannot be a condition.", name=name))
        if kind == "cmp":
            op, left, right = tree[1], tree[2], tree[3]
            if left[0] == "lit" and right[0] == "ref":
                left, right = right, left
                op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
            if left[0] == "call" and left[1] == "string-length" and right[0] == "lit":
                if (op, right[1]) in ((">", 0), (">=", 1), ("!=", 0)):
                    return self.test(left[2], "answered")
                if (op, right[1]) in (("=", 0), ("<=", 0), ("<", 1)):
                    return self.test(left[2], "not_answered")
            if left[0] != "ref" or right[0] != "lit":
                raise NotACondition(_("Only an answer compared with a value can be a condition."))
            key, question, sub = self.reference(left[1])
            if sub is not None:  # LimeSurvey multiple choice: Q_SQ001 == "Y" means chosen
                if op == "=" and str(right[1]).upper() == "Y":
                    return self.compare(key, question, "=", sub)
                if (op, right[1]) in (("!=", ""),):
                    return self.compare(key, question, "=", sub)
                raise NotACondition(_("A multiple-choice option can only be tested as chosen."))
            return self.compare(key, question, op, right[1])
        raise NotACondition(_("Only an answer compared with a value can be a condition."))

    def test(self, args, op: str) -> dict:
        if len(args) != 1 or args[0][0] != "ref":
            raise NotACondition(_("Only an answer compared with a value can be a condition."))
        key, _question, sub = self.reference(args[0][1])
        if sub is not None:
            raise NotACondition(_("A multiple-choice option can only be tested as chosen."))
        return {"question": key, "op": op}

    def compare(self, key: str, question: dict, op: str, value) -> dict:
        if value == "":
            if op == "=":
                return {"question": key, "op": "not_answered"}
            if op == "!=":
                return {"question": key, "op": "answered"}
        if op == "!=":
            raise NotACondition(_("“Not equal to” a value cannot be a condition."))
        numeric = question["type"] in ("scale", "number")
        if numeric:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise NotACondition(_("%(value)s is not a number.", value=value)) from None
            value = int(value) if value.is_integer() else value
        elif op != "=":
            raise NotACondition(_("Only numbers can be compared with > or <."))
        else:
            value = str(value)
        if op == "=":
            return {"question": key, "op": "equals", "value": value}
        if op in (">", "<"):
            if not _whole_numbers(question) or not float(value).is_integer():
                raise NotACondition(_("> and < can only be read on whole numbers; use >= or <=."))
            value = int(value) + (1 if op == ">" else -1)
        return {
            "question": key,
            "op": "at_least" if op in (">", ">=") else "at_most",
            "value": value,
        }


def _convert(expression: str, resolve: Resolve, dialect: str) -> dict:
    return _Builder(resolve, dialect).build(parse(expression, dialect))


def xlsform_relevant(expression: str, resolve: Resolve) -> dict:
    """An XLSForm `relevant` expression as a condition; NotACondition when it is not one."""
    return _convert(expression, resolve, "xlsform")


def limesurvey_relevance(expression: str, resolve: Resolve) -> dict:
    """A LimeSurvey relevance equation (ExpressionScript) as a condition; NotACondition when it
    is not one. Braces around the whole equation are allowed."""
    expression = expression.strip()
    if expression.startswith("{") and expression.endswith("}"):
        expression = expression[1:-1]
    return _convert(expression, resolve, "limesurvey")
