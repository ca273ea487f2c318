"""Every page an administrator can open reads in bokmål and nynorsk: no English left behind.

For each GET route (sample URL values as in test_access), the page is fetched in nb and nn, and
no English message of the catalogue that has a different translation may appear in it. Needs the
compiled catalogues, which `make test` builds.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests import factories
from tests.test_access import ROUTES, build_world, failed, fill

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
GET_ROUTES = [(path, endpoint) for path, endpoint, method in ROUTES if method == "GET"]


def english_leftovers(language: str) -> list[str]:
    """English msgids (long enough to be unmistakable) whose translation differs from them."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    found = []
    for message in catalog:
        if (
            isinstance(message.id, str)
            and message.string
            and message.string != message.id
            and "%(" not in message.id
            and len(message.id) >= 25
        ):
            found.append(message.id)
    return found


LEFTOVERS = {lang: english_leftovers(lang) for lang in ("nb", "nn")}


@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize(("path", "endpoint"), GET_ROUTES, ids=[p for p, _ in GET_ROUTES])
def test_every_page_is_in_the_chosen_language(app, path, endpoint, language):
    if not (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").exists():
        pytest.skip("the catalogues are not compiled (make translations)")
    world = build_world(app)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == path)
    client = app.test_client()
    factories.login(client, world["admin"])
    client.get(f"/sprak/{language}")
    values = {**world["values"], "lang": language}  # the language switch itself switches to it
    response = client.get(fill(rule, values), follow_redirects=True)
    assert not failed(endpoint, response.status_code)
    if response.mimetype != "text/html":
        return
    page = html.unescape(response.get_data(as_text=True))
    assert f'<html lang="{language}"' in page
    left = [m for m in LEFTOVERS[language] if m in page]
    assert not left, f"{path} in {language} still shows English: {left[:3]}"
