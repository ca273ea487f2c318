"""Fixtures for the questionnaire tests."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helhet.extensions import db
from surveys.models import Choice, Indicator, Question, Questionnaire, Section, indicator_item
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, live_server  # noqa: F401  (the live server fixture, shared)

XLSFORM_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "xlsform"


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
    tables = {"questionnaire": Questionnaire, "section": Section, "question": Question, "choice": Choice,
              "indicator": Indicator}
    counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in tables.items()}
    counts["indicator_item"] = db.session.scalar(select(func.count()).select_from(indicator_item))
    return counts


class BrowserThread:
    """Headless Chromium driven from a thread of its own, with its own Playwright.

    Playwright's sync API refuses a second instance in a thread that already runs one (tests/e2e
    keeps a session-wide browser in the main thread), so the questionnaire editor's browser tests
    run their steps here: `run(steps, width, language)` calls steps(page) in a fresh context.
    """

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="surveys-browser")
        self.executor.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def run(self, steps, width: int = 1280, language: str = "en"):
        def job():
            context = self.browser.new_context(
                viewport={"width": width, "height": 900}, bypass_csp=True,  # axe-core is injected as a script
                locale={"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}[language],
                extra_http_headers={"Accept-Language": language})
            try:
                return steps(context.new_page())
            finally:
                context.close()
        return self.executor.submit(job).result()

    def close(self) -> None:
        def stop():
            self.browser.close()
            self.playwright.stop()
        self.executor.submit(stop).result()
        self.executor.shutdown()


@pytest.fixture(scope="session")
def editor_browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"browser tests skipped: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests skipped: the playwright Python package is not installed")
    runner = BrowserThread()
    yield runner
    runner.close()
