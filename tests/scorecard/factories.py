"""Small helpers for the scorecard tests: the fixture files, JSON-stat datasets to bend out of
shape, workbooks built in the test, and the starter indicators."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

from openpyxl import Workbook

from helhet.extensions import db
from scorecard import services

DATA = Path(__file__).parent / "data"
KOSTRA_MAP = {
    "KOSnettodriftsres0000": "netto_driftsresultat",
    "KOSdispfond0000": "disposisjonsfond",
    "KOSnettolaanegj0000": "netto_lanegjeld",
}


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def jsonstat(name: str = "kostra_12134.json") -> dict:
    """A fixture dataset as a dict, to change before encoding it again (`encode`)."""
    return copy.deepcopy(json.loads(data(name)))


def encode(dataset: dict) -> bytes:
    return json.dumps(dataset, ensure_ascii=False).encode("utf-8")


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tall"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def starter() -> None:
    """The starter indicators, committed."""
    services.install_starter_indicators()
    db.session.commit()


def import_file(name: str, content: bytes, mappings: dict | None = None):
    """Plan and apply an import that must succeed; returns the summary (committed)."""
    plan = services.plan_import(name, content, mappings)
    assert not plan.problems, [str(p) for p in plan.problems]
    summary = services.apply_import(plan)
    db.session.commit()
    return summary


def import_kostra() -> None:
    import_file("kostra_12134.json", data("kostra_12134.json"), KOSTRA_MAP)
