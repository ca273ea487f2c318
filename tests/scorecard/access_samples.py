"""Sample URL values for the scorecard pages (see tests/test_access.py): a figure indicator.
tests/scorecard/test_routes.py checks the pages with figures, uploads and a leader's subtree."""

from tests.scorecard.factories import starter


def samples(world) -> dict:
    from scorecard import queries

    starter()
    return {"figure_indicator_id": queries.figure_indicator("sykefravaer").id}
