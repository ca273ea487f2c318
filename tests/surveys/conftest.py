"""Fixtures for the questionnaire tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from helhet.extensions import db
from surveys.models import Choice, Indicator, Question, Questionnaire, Section, indicator_item
from tests.shared import SHARED

XLSFORM_FIXTURES = SHARED / "fixtures" / "xlsform"


@pytest.fixture
def english(app):
    """Messages in English (the catalogues translate them to nb by default)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def xlsform_fixture():
    """Path to one of the real XLSForms in ../shared/fixtures/xlsform/ (skips when absent)."""

    def find(name: str) -> Path:
        path = XLSFORM_FIXTURES / name
        if not path.exists():
            pytest.skip(f"{path} is not there (the shared fixtures are missing)")
        return path

    return find


def row_counts() -> dict[str, int]:
    """Rows in every questionnaire table: to show that a failed import changed nothing."""
    tables = {
        "questionnaire": Questionnaire,
        "section": Section,
        "question": Question,
        "choice": Choice,
        "indicator": Indicator,
    }
    counts = {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in tables.items()
    }
    counts["indicator_item"] = db.session.scalar(select(func.count()).select_from(indicator_item))
    return counts
