"""Sample URL parameters for the collector's routes (see tests/test_access.py): an open round with
an open link, so that every page can be opened by anyone it is meant for."""

from tests.collector import factories


def samples(world) -> dict:
    unit = world["tree"]["4601-helse-hjemme"]
    questionnaire = factories.make_questionnaire(key="access", sections=2, questions_per_section=2)
    campaign = factories.make_campaign(questionnaire, [unit])
    codes = factories.make_codes(campaign, unit, 2)
    return {
        "campaign_id": campaign.id,
        "link_token": campaign.units[0].link_token,
        "page": 1,
        "code": codes[0],  # a personal link (/k/<code>)
        "kind": "paminnelser",  # send the reminders (a POST)
    }
