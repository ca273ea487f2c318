"""Grids: consecutive scale questions on one scale, shown as one table-like block.

A scale question may name a grid (``"grid": "trivsel"`` in the questionnaire JSON, the "Grid"
field in the editor). Consecutive questions of one section with the same grid key form one grid:
on a wide screen the statements are rows and the scale points columns (with the points' labels
as column headers); on a narrow one each row looks like a separate scale question. It is only
presentation: every row is still its own question with its own key, answer, required flag and
error, and results and analysis do not know about grids.

The rules (checked with the file, `grid_problems`, so the editor and every import get them):
only scale questions can be in a grid; a grid's questions follow each other in one section; and
they share the scale (lowest and highest point, the labels of the ends, «Don't know»).

    for block in blocks(items):          # items: (question, field) in page order
        block.grid                       # None for a question shown alone
        block.rows                       # [(question, field), ...]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from helhet.problems import Problem

SCALE_PARTS = ("min", "max", "low_label", "high_label", "dont_know")
"""What questions of one grid share (in the normalised JSON form)."""


def _scale_of(q: dict) -> tuple:
    return tuple(repr(q.get(part)) for part in SCALE_PARTS)


def grid_problems(sections: list[dict]) -> list[Problem]:
    """Every broken grid rule in normalised questionnaire JSON (its "sections"), at its path."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}  # grid key -> where its run started
    for i, section in enumerate(sections):
        previous = None
        first: dict | None = None
        for j, q in enumerate(section["questions"]):
            grid = q.get("grid")
            here = f"sections[{i}].questions[{j}].grid"
            if not grid:
                previous = None
                continue
            if q["type"] != "scale":
                problems.append(
                    Problem(
                        _(
                            "Only scale questions can be shown in a grid; %(key)s is not a scale"
                            " question.",
                            key=q["key"],
                        ),
                        path=here,
                    )
                )
                previous = None
                continue
            if grid == previous:
                if _scale_of(q) != _scale_of(first):
                    problems.append(
                        Problem(
                            _(
                                "The questions of the grid %(grid)s must share one scale (lowest"
                                " and highest point, the labels of the ends and «Don't know»);"
                                " %(key)s differs from %(first)s.",
                                grid=grid,
                                key=q["key"],
                                first=first["key"],
                            ),
                            path=here,
                        )
                    )
                continue
            if grid in seen:
                problems.append(
                    Problem(
                        _(
                            "The questions of the grid %(grid)s must follow each other in one"
                            " section; %(key)s is apart from the others (the grid starts at"
                            " %(where)s).",
                            grid=grid,
                            key=q["key"],
                            where=seen[grid],
                        ),
                        path=here,
                    )
                )
            else:
                seen[grid] = f"sections[{i}].questions[{j}]"
            previous, first = grid, q
    return problems


@dataclass(frozen=True)
class Block:
    """A question shown alone (grid None, one row) or a grid of rows on one scale."""

    grid: str | None
    rows: list[tuple[Any, Any]]

    @property
    def question(self):
        return self.rows[0][0]

    @property
    def field(self):
        return self.rows[0][1]


def blocks(items: Iterable[tuple[Any, Any]]) -> list[Block]:
    """Group (question, field) pairs in page order: consecutive scale questions with the same
    grid key (and a field to answer) become one Block; everything else a block of its own."""
    out: list[Block] = []
    for question, field in items:
        grid = getattr(question, "grid", None) if field is not None else None
        if grid and out and out[-1].grid == grid:
            out[-1].rows.append((question, field))
        else:
            out.append(Block(grid or None, [(question, field)]))
    return out


def is_grid_question(question) -> bool:
    return bool(getattr(question, "grid", None))
