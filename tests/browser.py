"""Browser tests' fixtures and helpers, shared by every package's browser tests (tests/e2e,
tests/surveys, ...): the app served on a free port in a background thread, driven by headless
Chromium, and axe-core's verdict on a page.

Chromium comes from Debian (/usr/bin/chromium; `make test` installs it when missing); without it
these tests skip with that reason. The server uses a fresh SQLite file per test and CSRF on, as in
production.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("HELHET_CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_problem() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} is missing (apt-get install chromium; `make test` installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (closed after it, so other packages' browser tests
    can start their own Playwright in the same thread)."""
    problem = _chromium_problem()
    if problem:
        pytest.skip(f"browser tests skipped: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    app: object
    url: str

    def context(self):
        return self.app.app_context()


@pytest.fixture
def live_server(tmp_path):
    from tests.conftest import make_app, sqlite_url

    app = make_app(sqlite_url(tmp_path), WTF_CSRF_ENABLED=True, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from helhet.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def new_page(browser):
    """new_page(width=360, language="nb"): a page in a fresh browser context (own cookies)."""
    contexts = []

    def open_page(width: int = 360, language: str = "nb", height: int = 800):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            bypass_csp=True,
            locale={"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}[language],
            extra_http_headers={"Accept-Language": language},
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


_AXE = Axe()


def violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page, one line each (empty: none)."""
    results = _AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in results.response["violations"]
    ]


def page_width(page) -> int:
    """How wide the page's content is: more than the viewport means it scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")
