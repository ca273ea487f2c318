"""`helhet questionnaire ...`: list, export, import, publish.
Errors go to stderr and name the place.
"""

from __future__ import annotations

import json

from helhet.extensions import db
from surveys import jsonformat, library, queries
from tests.surveys.factories import make_small_questionnaire
from tests.surveys.test_xlsform import norwegian_workbook


def test_list_as_json_shows_every_key_with_its_versions(app, runner):
    make_small_questionnaire(publish=True)
    db.session.commit()
    result = runner.invoke(args=["questionnaire", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["key"], row["kind"], row["title"]["nb"]) == ("liten", "citizen", "Testskjema")
    assert [(v["version"], v["status"], v["questions"]) for v in row["versions"]] == [
        (1, "published", 6)
    ]


def test_list_as_text_has_a_line_per_key(app, runner):
    library.install_standard()
    db.session.commit()
    lines = runner.invoke(args=["questionnaire", "list"]).stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(library.STANDARD_KEYS)


def test_export_import_export_through_the_command_line_gives_the_same_file(any_app, tmp_path):
    runner = any_app.test_cli_runner()
    source = library.path("medarbeiderundersokelse")
    assert runner.invoke(args=["questionnaire", "import", str(source)]).exit_code == 0
    exported = tmp_path / "eksport.json"
    result = runner.invoke(
        args=["questionnaire", "export", "medarbeiderundersokelse", "--output", str(exported)]
    )
    assert result.exit_code == 0, result.output
    assert exported.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    stdout = runner.invoke(
        args=["questionnaire", "export", "medarbeiderundersokelse", "--version", "1"]
    ).stdout
    assert stdout == source.read_text(encoding="utf-8")


def test_importing_a_json_file_twice_refuses_the_second_while_the_first_is_a_draft(app, runner):
    source = str(library.path("innbyggerundersokelse"))
    first = runner.invoke(args=["questionnaire", "import", source])
    assert first.exit_code == 0 and "version 1 as a draft" in first.stdout
    second = runner.invoke(args=["questionnaire", "import", source])
    assert second.exit_code == 1
    assert "key:" in second.stderr and "nothing was imported" in second.stderr


def test_publish_publishes_the_draft_and_the_next_import_becomes_version_2(app, runner):
    source = str(library.path("bruker_hjemmetjenester"))
    runner.invoke(args=["questionnaire", "import", source])
    published = runner.invoke(args=["questionnaire", "publish", "bruker_hjemmetjenester"])
    assert published.exit_code == 0, published.output
    again = runner.invoke(args=["questionnaire", "import", source])
    assert again.exit_code == 0 and "version 2 as a draft" in again.stdout
    db.session.expire_all()
    assert [(v.version, v.status.value) for v in queries.versions("bruker_hjemmetjenester")] == [
        (1, "published"),
        (2, "draft"),
    ]


def test_publish_refuses_a_questionnaire_that_fails_the_checks_and_names_the_place(
    app, runner, tmp_path
):
    data = library.load("bruker_hjemmetjenester")
    data["indicators"][0]["items"] = []
    path = tmp_path / "uten_sporsmal.json"
    path.write_text(jsonformat.dump_data(data), encoding="utf-8")
    runner.invoke(args=["questionnaire", "import", str(path)])
    result = runner.invoke(args=["questionnaire", "publish", "bruker_hjemmetjenester"])
    assert result.exit_code == 1
    assert "resultat" in result.stderr and "was not published" in result.stderr


def test_an_unknown_key_is_an_error(app, runner):
    for args in (["export", "finnes_ikke"], ["publish", "finnes_ikke"]):
        result = runner.invoke(args=["questionnaire", *args])
        assert result.exit_code == 1 and "finnes_ikke" in result.stderr


def test_a_bad_json_file_names_the_path_on_stderr_and_imports_nothing(app, runner, tmp_path):
    data = library.load("innbyggerundersokelse")
    data["sections"][2]["questions"][0]["type"] = "slider"
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert result.exit_code == 1
    assert "sections[2].questions[0].type" in result.stderr
    assert queries.versions("innbyggerundersokelse") == []


def test_an_xlsform_with_unsupported_rows_needs_skip_unsupported(
    app, runner, tmp_path, xlsform_fixture
):
    path = xlsform_fixture("tutorial.xls")
    stopped = runner.invoke(args=["questionnaire", "import", str(path)])
    assert stopped.exit_code == 1
    assert "row 2" in stopped.stderr and "--skip-unsupported" in stopped.stderr
    assert queries.versions("tutorial") == []
    done = runner.invoke(args=["questionnaire", "import", str(path), "--skip-unsupported"])
    assert done.exit_code == 0, done.output
    assert "Imported tutorial version 1" in done.stdout


def test_an_xlsform_whose_settings_give_the_key_imports_under_that_key(app, runner, tmp_path):
    path = tmp_path / "skjema.xlsx"
    path.write_bytes(norwegian_workbook())
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "note:" in result.stderr  # the scale-like choices are noted
    exported = runner.invoke(args=["questionnaire", "export", "bruker_test"]).stdout
    assert json.loads(exported)["key"] == "bruker_test"
