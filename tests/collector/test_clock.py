from datetime import datetime, timedelta

from collector import clock
from collector.models import Campaign, CampaignState


def test_a_local_winter_time_is_stored_one_hour_earlier_in_utc():
    assert clock.parse_local("2026-01-15 08:00") == datetime(2026, 1, 15, 7, 0)


def test_a_local_summer_time_is_stored_two_hours_earlier_in_utc():
    assert clock.parse_local("2026-06-15T08:00") == datetime(2026, 6, 15, 6, 0)


def test_an_opening_date_alone_means_the_start_of_that_day():
    assert clock.parse_local("2026-03-02") == datetime(2026, 3, 1, 23, 0)


def test_a_closing_date_alone_keeps_the_round_open_through_that_day():
    assert clock.parse_local("2026-03-31", end_of_day=True) == datetime(2026, 3, 31, 22, 0)


def test_a_norwegian_date_is_understood():
    assert clock.parse_local("02.03.2026") == clock.parse_local("2026-03-02")


def test_something_that_is_not_a_date_is_refused():
    import pytest

    with pytest.raises(ValueError):
        clock.parse_local("next tuesday")


def test_a_round_is_open_from_its_opening_up_to_but_not_including_its_closing():
    opens = datetime(2026, 3, 1, 7, 0)
    closes = datetime(2026, 3, 15, 23, 0)
    campaign = Campaign(opens_at=opens, closes_at=closes)
    assert campaign.state(opens - timedelta(seconds=1)) == CampaignState.SCHEDULED
    assert campaign.state(opens) == CampaignState.OPEN
    assert campaign.state(closes - timedelta(seconds=1)) == CampaignState.OPEN
    assert campaign.state(closes) == CampaignState.CLOSED
