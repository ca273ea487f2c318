"""Sample URL values for the scorecard pages (see tests/test_access.py): a figure indicator, an
accepted goal of the leader's sector with a measure, a published period and a dimension.
tests/scorecard/test_routes.py and test_goal_pages.py check the pages with figures, uploads,
goals and a leader's subtree."""

from datetime import date

from tests.scorecard.factories import starter


def samples(world) -> dict:
    from helhet.extensions import db
    from scorecard import goal_services, queries
    from scorecard.goal_services import GoalData

    starter()
    goal = goal_services.create_goal(
        GoalData("sykefravaer", world["tree"]["4601-helse"], "2026", 9.0, 0.5, "Kommunalsjef")
    )
    measure = goal_services.add_measure(goal, "Nærværsprosjekt", "HR", date(2026, 12, 31))
    goal_services.publish("2026", world["admin"])
    db.session.commit()
    return {
        "figure_indicator_id": queries.figure_indicator("sykefravaer").id,
        "goal_id": goal.id,
        "measure_id": measure.id,
        "period": "2026",
        "dimension": "economy",
    }
