"""The audit log records who did what, when: for pages and commands, never respondents' data."""

from __future__ import annotations

import json

from sqlalchemy import select

from helhet import audit
from helhet.extensions import db
from helhet.models import AuditEvent
from tests.collector import factories, helpers


def events() -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_closing_a_round_on_its_page_records_the_administrator(app, tree, admin, admin_client):
    open_round = factories.make_open_round(tree)

    admin_client.post(f"/admin/runder/{open_round.campaign.id}/steng")

    closed = [e for e in events() if e.action == "round.closed"]
    assert len(closed) == 1
    assert closed[0].actor == admin.email and closed[0].user_id == admin.id
    assert closed[0].target == f"Testrunde (#{open_round.campaign.id})"


def test_publishing_a_questionnaire_from_the_command_line_records_the_command_line(app, runner):
    questionnaire = factories.make_questionnaire(key="bibliotek", published=False)

    result = runner.invoke(args=["questionnaire", "publish", "bibliotek"])

    assert result.exit_code == 0, result.output
    published = [e for e in events() if e.action == "questionnaire.published"]
    assert [e.target for e in published] == [f"bibliotek v{questionnaire.version}"]
    assert published[0].actor.startswith("command line (") and published[0].user_id is None


def test_a_failed_action_leaves_no_event(app, tree, admin_client):
    open_round = factories.make_open_round(tree)
    admin_client.post(f"/admin/runder/{open_round.campaign.id}/steng")
    before = len(events())

    admin_client.post(
        f"/admin/runder/{open_round.campaign.id}/forleng", data={"closes": "2020-01-01T10:00"}
    )

    assert len(events()) == before


def test_codes_and_answers_never_reach_the_log(app, tree, runner):
    open_round = factories.make_open_round(tree, codes=3)
    for code in open_round.codes:
        assert (
            helpers.answer_with_code(app.test_client(), open_round.questionnaire, code).status_code
            == 303
        )
    runner.invoke(args=["campaign", "close", str(open_round.campaign.id)])

    logged = json.dumps([audit.as_dict(e) for e in events()], ensure_ascii=False)
    assert "round.codes_issued" in logged and "round.closed" in logged
    assert not any(code in logged for code in open_round.codes)
    assert "Fint å jobbe her" not in logged


def test_the_log_page_shows_the_newest_event_first_in_norwegian(app, tree, admin_client):
    open_round = factories.make_open_round(tree)
    admin_client.post(f"/admin/runder/{open_round.campaign.id}/steng")

    page = admin_client.get("/admin/logg").get_data(as_text=True)

    assert page.index("stengte undersøkelsesrunden") < page.index("delte ut invitasjonskoder")


def test_the_log_is_listed_as_json_on_the_command_line(app, tree, runner):
    open_round = factories.make_open_round(tree)
    runner.invoke(args=["campaign", "close", str(open_round.campaign.id)])

    rows = json.loads(
        runner.invoke(args=["audit", "list", "--format", "json", "--action", "round.closed"]).output
    )

    assert [r["action"] for r in rows] == ["round.closed"]
    assert rows[0]["detail"] == {"drafts_removed": 0}


def test_an_unknown_action_is_a_programming_error(app):
    try:
        audit.record("round.renamed", "x")
    except ValueError as error:
        assert "round.renamed" in str(error)
    else:
        raise AssertionError("an unknown action was recorded")


def test_demoting_a_leader_on_the_user_page_records_what_changed(
    app, tree, leader, admin, admin_client
):
    admin_client.post(
        f"/admin/brukere/{leader.id}",
        data={"name": "Leder", "role": "admin", "unit": "", "active": "y"},
    )

    changed = [e for e in events() if e.action == "user.changed"]
    assert (
        len(changed) == 1 and changed[0].target == leader.email and changed[0].actor == admin.email
    )
    assert changed[0].detail["role"] == ["leader", "admin"]


def test_a_new_password_is_recorded_without_the_password(app, admin, runner):
    new_password = "en helt ny og lang passordfrase"

    result = runner.invoke(
        args=["user", "set-password", admin.email], input=f"{new_password}\n{new_password}\n"
    )

    assert result.exit_code == 0, result.output
    recorded = [e for e in events() if e.action == "user.password_set"]
    assert [e.target for e in recorded] == [admin.email]
    assert new_password not in json.dumps([audit.as_dict(e) for e in events()])


def test_an_org_unit_import_is_one_event_with_its_counts(app, runner, tmp_path):
    path = tmp_path / "enheter.csv"
    path.write_text(
        "code,name,parent,level,population_2026\n4601,Testkommune,,municipality,300\n"
        "4601-helse,Helse,4601,sector,120\n",
        encoding="utf-8",
    )

    result = runner.invoke(args=["orgunits", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert [(e.action, e.detail) for e in events()] == [
        ("units.imported", {"created": 2, "updated": 0})
    ]
