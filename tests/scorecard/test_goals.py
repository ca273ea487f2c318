"""Goals (scorecard/goal_services.py): what may be set, proposals and their answers, copying to
the next period, the dialogue's writes, and `helhet goals import` (all or nothing, every problem
with its line and column). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from helhet.extensions import db
from helhet.models import AuditEvent
from helhet.tabular import ImportFailed
from scorecard import goal_queries, goal_services
from scorecard.goal_models import Goal, GoalState
from scorecard.goal_services import GoalData, GoalError
from scorecard.models import Dimension
from tests import factories as core
from tests.scorecard.factories import csv_text, starter, xlsx
from tests.scorecard.goal_factories import SURVEY, goal, questionnaire, unit


@pytest.fixture
def world(any_app):
    tree = core.make_tree()
    starter()
    questionnaire()
    return tree


def goal_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Goal))


def refused(data: GoalData, allowed=None) -> GoalError:
    with pytest.raises(GoalError) as caught:
        goal_services.create_goal(data) if allowed is None else goal_services.propose_goal(
            data, None, allowed
        )
    db.session.rollback()
    return caught.value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicator": "finnes_ikke"}, "indicator"),
        ({"indicator": "liten.finnes_ikke"}, "indicator"),
        ({"unit": None}, "unit"),
        ({"period": "2026T1"}, "period"),
        ({"period": "tjue"}, "period"),
        ({"period": "2101"}, "period"),
        ({"target": None}, "target"),
        ({"target": float("nan")}, "target"),
        ({"target": float("inf")}, "target"),
        ({"target": 1e16}, "target"),
        ({"tolerance": -0.5}, "tolerance"),
        ({"tolerance": float("nan")}, "tolerance"),
        ({"owner": "x" * 201}, "owner"),
        ({"owner": "Kari\x00"}, "owner"),
        ({"rationale": "x" * 2001}, "rationale"),
    ],
)
def test_a_goal_that_cannot_be_kept_is_refused_at_its_field(world, change, field):
    data = {
        "indicator": "sykefravaer",
        "unit": unit("4601"),
        "period": "2026",
        "target": 8.0,
        "tolerance": 0.5,
        "owner": "Kommunedirektøren",
        "rationale": "",
    }
    data.update(change)
    assert refused(GoalData(**data)).field == field
    assert goal_count() == 0


def test_a_survey_goals_target_is_on_the_indicators_scale_and_it_has_no_tolerance(world):
    error = refused(GoalData(SURVEY, unit("4601"), "2026", 6.0))
    assert error.field == "target" and "1" in error.message and "5" in error.message
    error = refused(GoalData(SURVEY, unit("4601"), "2026", 4.0, tolerance=0.2))
    assert error.field == "tolerance" and "interval" in error.message
    made = goal(SURVEY, "4601", 4.0)
    assert made.target == 4.0 and made.tolerance is None


def test_one_goal_per_indicator_unit_and_period(world):
    goal("sykefravaer", "4601", 8.0)
    error = refused(GoalData("sykefravaer", unit("4601"), "2026", 7.0))
    assert error.field == "indicator" and "already" in error.message
    assert goal("sykefravaer", "4601", 8.0, period="2027").period == "2027"


def test_a_leader_proposes_only_for_their_subtree_and_an_admin_accepts(world):
    leader = core.make_user("leder@test.no", role="leader", unit=unit("4601-helse"))
    allowed = {unit("4601-helse").id, unit("4601-helse-hjemme").id, unit("4601-helse-sykehjem").id}
    error = refused(GoalData("sykefravaer", unit("4601"), "2026", 8.0), allowed)
    assert error.field == "unit"
    proposal = goal_services.propose_goal(
        GoalData("sykefravaer", unit("4601-helse"), "2026", 9.0, 0.5), leader, allowed
    )
    db.session.commit()
    assert proposal.state == GoalState.PROPOSED and proposal.proposed_by_id == leader.id
    goal_services.reject_goal(proposal)
    db.session.commit()
    assert proposal.state == GoalState.REJECTED
    # the leader revises it: a proposal again
    goal_services.update_goal(
        proposal, GoalData("sykefravaer", unit("4601-helse"), "2026", 8.5, 0.5), allowed
    )
    assert proposal.state == GoalState.PROPOSED and proposal.target == 8.5
    goal_services.accept_goal(proposal)
    db.session.commit()
    with pytest.raises(GoalError, match="administrator"):
        goal_services.update_goal(
            proposal, GoalData("sykefravaer", unit("4601-helse"), "2026", 1.0), allowed
        )
    with pytest.raises(GoalError):
        goal_services.accept_goal(proposal)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"goal.proposed", "goal.rejected", "goal.changed", "goal.accepted"} <= actions


def test_goals_are_copied_to_the_next_period_without_their_dialogue(world):
    first = goal("sykefravaer", "4601", 8.0, tolerance=0.5, owner="Kommunedirektøren")
    second = goal("befolkningsvekst", "4601", 0.5)
    goal("befolkningsvekst", "4601", 0.7, period="2027")  # already set: skipped
    goal_services.set_explanation(first, "Høyt langtidsfravær i helse.")
    goal_services.add_measure(first, "Nærværsprosjekt", "HR", date(2026, 12, 31))
    db.session.commit()
    summary = goal_services.copy_goals([first, second], "2027")
    db.session.commit()
    assert (summary.copied, summary.skipped) == (1, 1)
    copy = goal_queries.goal_for("sykefravaer", unit("4601").id, "2027")
    assert (copy.target, copy.tolerance, copy.owner) == (8.0, 0.5, "Kommunedirektøren")
    assert copy.explanation == "" and copy.measures == [] and copy.state == GoalState.ACCEPTED
    assert goal_queries.goal_for("befolkningsvekst", unit("4601").id, "2027").target == 0.7


GOALS_CSV = (
    "indicator;unit;period;target;tolerance;owner;rationale",
    "sykefravaer;4601;2026;7,5;0,5;Kommunedirektøren;Lavere fravær gir bedre tjenester",
    "befolkningsvekst;4601;2026;0,6;;Ordfører;",
    f"{SURVEY};4601-helse;2026;4,0;;Kommunalsjef helse;",
)


def test_a_goals_file_is_imported_whole(world):
    summary = goal_services.import_goals("mål.csv", csv_text(*GOALS_CSV))
    db.session.commit()
    assert (summary.created, summary.updated) == (3, 0)
    made = goal_queries.goal_for("sykefravaer", unit("4601").id, "2026")
    assert (made.target, made.tolerance, made.owner) == (7.5, 0.5, "Kommunedirektøren")
    again = goal_services.import_goals(
        "mål.csv",
        csv_text("indicator;unit;period;target", "sykefravaer;4601;2026;7"),
    )
    db.session.commit()
    assert (again.created, again.updated) == (0, 1)
    assert made.target == 7.0 and made.tolerance == 0.5  # a column left out keeps its value


def test_a_goals_workbook_is_imported_too(world):
    content = xlsx(
        [
            ["indicator", "unit", "period", "target", "tolerance"],
            ["sykefravaer", "4601", 2026, 7.5, 0.5],
        ]
    )
    assert goal_services.import_goals("mål.xlsx", content).created == 1


def problems_of(*lines: str) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        goal_services.import_goals("mål.csv", csv_text(*lines))
    db.session.rollback()
    assert goal_count() == 0  # nothing is imported
    return [str(p) for p in caught.value.problems]


def test_every_problem_of_a_goals_file_is_reported_with_its_line_and_column(world):
    found = problems_of(
        "indicator;unit;period;target;tolerance;owner;rationale",
        "sykefravaer;4601;2026;7,5;0,5;;",  # fine: but nothing is imported
        "finnes_ikke;4601;2026;7;;;",
        "sykefravaer;9999;2026;7;;;",
        "sykefravaer;4601-helse;2026T1;7;;;",
        "sykefravaer;4601-oppvekst;2026;sju;;;",
        "sykefravaer;4601-helse-hjemme;2026;;;;",
        f"{SURVEY};4601;2026;7;;;",
        f"{SURVEY};4601-helse;2026;4;0,2;;",
        "befolkningsvekst;4601;2026;1;-1;;",
        "sykefravaer;4601;2026;8;;;",
        "befolkningsvekst;4601-helse;2026;NaN;;;",
        "befolkningsvekst;4601-oppvekst;2026;1e3;;;",
    )
    expected = [
        "Line 3, column indicator",
        "Line 4, column unit",
        "Line 5, column period",
        "Line 6, column target",
        "Line 7, column target",
        "Line 8, column target",
        "Line 9, column tolerance",
        "Line 10, column tolerance",
        "Line 11, column indicator",
        "Line 12, column target",
        "Line 13, column target",
    ]
    assert [p.split(":")[0] for p in found] == expected, found
    assert "line 2" in found[8]  # the duplicate names the first line


@pytest.mark.parametrize(
    "lines",
    [
        ("indicator;unit;period",),  # a missing column
        ("indicator;unit;period;target;colour", "sykefravaer;4601;2026;7;red"),  # unknown column
        ("indicator;unit;period;target", '"sykefravaer;4601;2026;7'),  # a quote never closed
        ("indicator;unit;period;target", "sykefravaer;46\x0001;2026;7"),  # NUL
        ("",),  # empty
    ],
)
def test_a_broken_goals_file_is_refused_whole(world, lines):
    assert problems_of(*lines)


def test_a_file_that_is_no_workbook_is_refused(world):
    with pytest.raises(ImportFailed):
        goal_services.import_goals("mål.xlsx", b"PK\x03\x04 not a zip")


def test_helhet_goals_import_reports_every_problem_and_imports_nothing(world, any_app, tmp_path):
    bad = tmp_path / "mål.csv"
    bad.write_bytes(csv_text(GOALS_CSV[0], GOALS_CSV[1], "sykefravaer;9999;2026;7;;;"))
    result = any_app.test_cli_runner().invoke(args=["goals", "import", str(bad)])
    assert result.exit_code == 1
    assert "mål.csv: Line 3, column unit: No org unit has the code 9999." in result.output
    assert "Nothing was imported." in result.output
    assert goal_count() == 0
    good = tmp_path / "mål2.csv"
    good.write_bytes(csv_text(*GOALS_CSV))
    result = any_app.test_cli_runner().invoke(args=["goals", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported: 3 new, 0 updated." in result.output
    listed = any_app.test_cli_runner().invoke(
        args=["goals", "list", "--period", "2026", "--format", "json"]
    )
    assert {row["indicator"] for row in __import__("json").loads(listed.output)} == {
        "sykefravaer",
        "befolkningsvekst",
        SURVEY,
    }


def test_the_dialogue_refuses_what_cannot_be_kept(world):
    made = goal("sykefravaer", "4601", 8.0)
    user = core.make_user("admin@test.no")
    with pytest.raises(GoalError) as caught:
        goal_services.add_comment(made, user, "   ")
    assert caught.value.field == "text"
    with pytest.raises(GoalError) as caught:
        goal_services.add_measure(made, "Tiltak", "", date(2026, 5, 1))
    assert caught.value.field == "responsible"
    with pytest.raises(GoalError) as caught:
        goal_services.add_measure(made, "Tiltak", "HR", None)
    assert caught.value.field == "deadline"
    with pytest.raises(GoalError) as caught:
        goal_services.add_measure(made, "Tiltak", "HR", date(1999, 1, 1))
    assert caught.value.field == "deadline"
    with pytest.raises(GoalError) as caught:
        goal_services.set_explanation(made, "x" * 4001)
    assert caught.value.field == "explanation"
    with pytest.raises(GoalError) as caught:
        goal_services.save_summary("2026", Dimension.ECONOMY, "x" * 4001, user)
    assert caught.value.field == "text"
    with pytest.raises(GoalError) as caught:
        goal_services.save_summary("in 2026", Dimension.ECONOMY, "Godt år", user)
    assert caught.value.field == "period"


def test_a_summary_is_saved_replaced_and_removed(world):
    user = core.make_user("admin@test.no")
    goal_services.save_summary("2026", Dimension.ECONOMY, "Et stramt år.", user)
    db.session.commit()
    assert goal_queries.summaries("2026")["economy"].text == "Et stramt år."
    goal_services.save_summary("2026", Dimension.ECONOMY, "", user)
    db.session.commit()
    assert goal_queries.summaries("2026") == {}


def test_a_period_is_published_and_withdrawn(world):
    user = core.make_user("admin@test.no")
    goal_services.publish("2026", user)
    goal_services.publish("2026", user)  # twice is once
    db.session.commit()
    assert goal_queries.published_periods() == ["2026"]
    goal_services.unpublish("2026")
    db.session.commit()
    assert goal_queries.published_periods() == []
