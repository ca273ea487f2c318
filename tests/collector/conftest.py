"""Collector test data, made by factories in each test; this file only adds a shortcut for the
most common start: a published 3-page questionnaire and an open round for one unit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.collector import factories


@dataclass
class Round:
    questionnaire: object
    campaign: object
    unit: object
    codes: list[str]


@pytest.fixture
def open_round(app, tree):
    """An open round (codes and open link) for Hjemmetjenesten with three codes."""
    questionnaire = factories.make_questionnaire(extra_types=factories.EXTRA_TYPES)
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    return Round(questionnaire, campaign, unit, factories.make_codes(campaign, unit, 3))


@pytest.fixture
def csrf_app(tmp_path):
    """An app with CSRF protection on (as in production) and an open round; yields (app, link)."""
    from helhet.extensions import db
    from tests import factories as core
    from tests.conftest import make_app, sqlite_url

    app = make_app(sqlite_url(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(sections=2, questions_per_section=3)
        campaign = factories.make_campaign(questionnaire, [tree["4601-helse-hjemme"]])
        link = f"/s/{campaign.units[0].link_token}"
        yield app, link
        db.session.remove()
        db.engine.dispose()
