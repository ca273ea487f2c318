"""Collector test fixtures. Test data is made by factories (tests/collector/factories.py) in each
test; the one fixture here is an app with CSRF protection on, as in production."""

from __future__ import annotations

import pytest

from tests.collector import factories


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
