"""Sample URL parameters for the API's routes (see tests/test_access.py): a round. Every API
route but the OpenAPI document needs a bearer token, so the test's visitors (anonymous or
signed in, never with a token) get 401 from them."""

from tests.collector import factories


def samples(world) -> dict:
    unit = world["tree"]["4601-helse-hjemme"]
    questionnaire = factories.make_questionnaire(key="api-access", sections=1)
    campaign = factories.make_campaign(questionnaire, [unit])
    return {"round_id": campaign.id}
