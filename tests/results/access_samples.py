"""Sample URL values for the result pages (see tests/test_access.py). The round and unit come from
the other packages' samples (campaign_id, unit_id); these name an indicator and a download format,
and a follow-up point and action of that round and unit (the collector's samples, which run before
these, make the round: an open one, so an administrator opens the follow-up pages and a leader
gets 404). tests/results/test_routes.py and test_followup.py check every page against a closed
round with answers."""

from datetime import date

from sqlalchemy import select

from collector.models import Campaign
from helhet.extensions import db
from results import followup
from surveys.models import Questionnaire


def samples(world) -> dict:
    values = {"indicator_key": "trivsel", "fmt": "csv"}
    campaign = db.session.scalars(
        select(Campaign)
        .join(Questionnaire, Questionnaire.id == Campaign.questionnaire_id)
        .where(Questionnaire.key == "access")  # tests/collector/access_samples.py
    ).one()
    point = followup.add_point(
        campaign, world["tree"]["4601-helse-hjemme"], "improve", "Mer tid til opplæring"
    )
    action = followup.add_action(point, "Fast opplæringsdag", "Enhetsleder", date(2027, 3, 1))
    db.session.commit()
    return {**values, "point_id": point.id, "action_id": action.id}
