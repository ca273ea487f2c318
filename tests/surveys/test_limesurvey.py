"""LimeSurvey import (.lss): LimeSurvey's own sample surveys in ../shared/fixtures/limesurvey/ and
small files in tests/surveys/data/ written after LimeSurvey's manual, one per type family.

What Helhet cannot keep is listed with its question code and stops the import unless skipped;
errors name their place; nothing is ever half-imported; hostile XML is refused before it is read."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from helhet.extensions import db
from surveys import jsonformat, limesurvey, queries, services
from surveys.errors import InvalidQuestionnaire, UnsupportedContent
from tests.shared import SHARED
from tests.surveys.conftest import row_counts

DATA = Path(__file__).parent / "data"
FIXTURES = SHARED / "fixtures" / "limesurvey"
BASE = "/admin/sporreskjema"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{path} is not there (the shared fixtures are missing)")
    return path.read_bytes()


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def questions_of(converted) -> dict[str, dict]:
    return {q["key"]: q for s in converted.data["sections"] for q in s["questions"]}


# --- the kinds of questions ------------------------------------------------------------------


def test_a_limesurvey_6_file_in_three_languages_imports_groups_and_questions(app, english):
    converted = limesurvey.convert(data("choice_types_nb_nn_en.lss"))
    d = converted.data
    assert d["key"] == "limesurvey_514263"
    assert d["title"] == {
        "nb": "Innbyggerundersøkelse",
        "nn": "Innbyggjarundersøking",
        "en": "Citizen survey",
    }
    assert [s["title"]["en"] for s in d["sections"]] == ["About you", "The service"]
    assert d["sections"][0]["intro"] == {
        "nb": "Litt om deg.",
        "nn": "Litt om deg.",
        "en": "A little about you.",
    }
    qs = questions_of(converted)
    assert [q["type"] for q in qs.values()] == [
        "info",
        "single",
        "single",
        "number",
        "multiple",
        "text",
        "text",
        "text",
    ]
    assert qs["intro"]["text"]["en"] == "The answers are anonymous."
    gender = qs["kjonn"]
    assert gender["required"] is True and gender["help"]["nn"] == "Vel eitt svar."
    assert gender["choices"] == [
        {"value": "A1", "label": {"nb": "Kvinne", "nn": "Kvinne", "en": "Woman"}},
        {"value": "A2", "label": {"nb": "Mann", "nn": "Mann", "en": "Man"}},
    ]
    assert [c["value"] for c in qs["bydel"]["choices"]] == ["K1", "K2"]  # by sortorder
    assert qs["bydel"]["required"] is False
    assert [c["label"]["en"] for c in qs["brukt"]["choices"]] == ["Emergency clinic", "Home care"]
    assert {"integer": True, "min": 0, "max": 120}.items() <= qs["alder"].items()
    assert qs["kort"]["max_length"] == 40
    jsonformat.validate(d)  # the format's own check accepts it as it is


def test_scales_and_arrays_become_scale_questions_with_keys_from_both_codes(app, english):
    converted = limesurvey.convert(data("scales_and_arrays.lss"), skip_unsupported=True)
    qs = questions_of(converted)
    assert {"type": "scale", "min": 1, "max": 5, "required": True}.items() <= qs["total"].items()
    assert qs["apning"]["type"] == "info"  # the array's own text leads its rows
    assert qs["apning"]["text"] == {"nb": "Hvor fornøyd er du med åpningstidene?"}
    assert {k: (q["min"], q["max"]) for k, q in qs.items() if k.startswith("apning_")} == {
        "apning_sq001": (1, 5),
        "apning_sq002": (1, 5),
    }
    assert qs["apning_sq002"]["text"] == {"nb": "Helg"}
    assert (qs["anbefale_sq001"]["min"], qs["anbefale_sq001"]["max"]) == (1, 10)
    food = qs["fornoyd_mat"]
    assert (food["min"], food["max"], food["required"]) == (1, 5, True)
    assert food["low_label"] == {"nb": "Svært misfornøyd"}
    assert food["high_label"] == {"nb": "Svært fornøyd"}
    assert qs["kanal"]["type"] == "multiple"
    assert [c["value"] for c in qs["kanal"]["choices"]] == ["tlf", "epost"]
    jsonformat.validate(converted.data)


def test_the_labels_between_the_ends_of_a_flexible_array_and_comments_are_listed(app, english):
    with pytest.raises(UnsupportedContent) as stopped:
        limesurvey.convert(data("scales_and_arrays.lss"))
    places = {p.place: p.message for p in stopped.value.problems}
    assert set(places) == {"question Fornoyd", "question Kanal"}
    assert "Misfornøyd, Verken eller, Fornøyd" in places["question Fornoyd"]
    assert "comment" in places["question Kanal"]


def test_answer_codes_that_are_not_numbers_become_scale_points_and_are_noted(app, english):
    content = data("scales_and_arrays.lss")
    for n in range(1, 6):
        content = content.replace(
            f"<code><![CDATA[{n}]]>".encode(), f"<code><![CDATA[A{n}]]>".encode()
        )
    converted = limesurvey.convert(content, skip_unsupported=True)
    assert questions_of(converted)["fornoyd_mat"]["max"] == 5
    assert any("A1, A2, A3, A4, A5" in p.message for p in converted.notes)


# --- what cannot be kept ---------------------------------------------------------------------


def test_conditions_references_and_unknown_types_are_listed_with_their_codes(app, english):
    with pytest.raises(UnsupportedContent) as stopped:
        limesurvey.convert(data("conditions_and_unknown_types.lss"))
    listed = messages(stopped.value.problems)
    expected = [
        ("question Alder:", "{Navn}"),
        ("question Dato:", "type D"),
        ("question Fornoyd:", "type Y"),
        ("question Rangering:", "type R"),
        ("question Rart:", "type Z (unknown)"),
        ("group Barn:", "Alder > 17"),  # Alder takes decimals: "> 17" is not "at least" anything
    ]
    for place, words in expected:
        assert any(m.startswith(place) and words in m for m in listed), (place, listed)
    assert any("end text" in m for m in listed)
    # "1" and empty relevance are no condition at all, and the simple equations are conditions
    assert not any(m.startswith(("question Barnehage", "question Skole")) for m in listed)
    assert not any("is_empty" in m for m in listed)


def test_simple_relevance_equations_become_conditions_of_questions_and_groups(app, english):
    content = data("conditions_and_unknown_types.lss").replace(b"Alder > 17", b"Alder.NAOK >= 18")
    converted = limesurvey.convert(content, skip_unsupported=True)
    sections = converted.data["sections"]
    # Alder reads Navn in its own group: it starts a page of its own (noted)
    assert [[q["key"] for q in s["questions"]] for s in sections] == [
        ["navn"],
        ["alder"],
        ["barnehage", "skole"],
    ]
    assert sections[1]["questions"][0]["condition"] == {"question": "navn", "op": "answered"}
    assert sections[2]["condition"] == {"question": "alder", "op": "at_least", "value": 18}
    assert any(p.place == "question Alder" and "new page" in p.message for p in converted.notes)
    q = services.import_file("c.lss", content, skip_unsupported=True).questionnaire
    assert queries.pages(q)[2][0].condition == {"question": "alder", "op": "at_least", "value": 18}


def test_skipping_leaves_out_the_unknown_types_and_keeps_the_rest_always_shown(app, english):
    converted = limesurvey.convert(data("conditions_and_unknown_types.lss"), skip_unsupported=True)
    assert list(questions_of(converted)) == ["navn", "alder", "barnehage", "skole"]


def test_a_group_left_with_no_question_is_left_out_and_noted(app, english):
    content = data("conditions_and_unknown_types.lss").replace(b"[T]]", b"[D]]")
    content = content.replace(
        b"<type><![CDATA[S]]></type><title><![CDATA[Skole",
        b"<type><![CDATA[D]]></type><title><![CDATA[Skole",
    )
    converted = limesurvey.convert(content, skip_unsupported=True)
    # (Alder reads Navn in its own group: a page of its own)
    assert [s["title"]["nb"] for s in converted.data["sections"]] == ["Start", "Start"]
    assert any(p.place == "group Barn" for p in converted.notes)


def test_languages_the_format_holds_are_kept_and_the_others_listed(app, english):
    content = data("languages_nb_se_de.lss")
    with pytest.raises(UnsupportedContent) as stopped:
        limesurvey.convert(content)
    (problem,) = stopped.value.problems
    assert "de" in problem.message
    assert ("se" in problem.message.split(":")[0]) is ("se" not in limesurvey.kept_languages())
    converted = limesurvey.convert(content, skip_unsupported=True)
    question = questions_of(converted)["tilfreds"]
    expected = {"nb": "Er du fornøyd?"}
    if "se" in limesurvey.kept_languages():
        expected["se"] = "Leat go duhtavaš?"
    assert question["text"] == expected
    assert "de" not in question["choices"][0]["label"]


@pytest.mark.parametrize(
    ("code", "ours"),
    [("nb", "nb"), ("nn", "nn"), ("en", "en"), ("en-GB", "en"), ("no", "nb"), ("de", None)],
)
def test_limesurvey_language_codes_are_mapped_to_ours(code, ours):
    assert limesurvey.helhet_language(code) == ours


def test_a_survey_in_no_language_helhet_keeps_is_refused(app, english):
    content = data("languages_nb_se_de.lss").replace(b">nb<", b">fr<").replace(b"[nb]", b"[fr]")
    if "se" in limesurvey.kept_languages():
        content = content.replace(b">se<", b">it<").replace(b"[se]", b"[it]")
        content = content.replace(b"[se de]", b"[it de]")
    with pytest.raises(InvalidQuestionnaire) as refused:
        limesurvey.convert(content, skip_unsupported=True)
    assert "None of the survey's languages" in refused.value.problems[0].message


def test_html_becomes_plain_text_with_its_paragraphs():
    assert (
        limesurvey.plain_text("<p>Hei&nbsp;<b>du</b></p><p>Linje 2<br/>og 3</p><ul><li>a</li></ul>")
        == "Hei du\n\nLinje 2\nog 3\n\n• a"
    )
    assert limesurvey.plain_text("<style>p {color: red}</style>Tekst") == "Tekst"
    assert limesurvey.plain_text("Før<script>alert(1)</SCRIPT> etter<script>x") == "Før etter"


def test_a_text_full_of_unclosed_tags_is_read_in_one_pass():
    started = time.perf_counter()
    # 1.6 MB each: a pattern that scans to the end from every "<" would take hours
    assert limesurvey.plain_text("<script>" * 200_000) == ""
    assert limesurvey.plain_text("<p" * 800_000).startswith("<p<p")
    assert limesurvey.plain_text("<" * 1_600_000 + "x") == "<" * 1_600_000 + "x"
    assert time.perf_counter() - started < 5


# --- the real sample surveys -----------------------------------------------------------------


def test_limesurveys_english_sample_lists_what_it_cannot_keep_by_question_code(app, english):
    with pytest.raises(UnsupportedContent) as stopped:
        limesurvey.convert(fixture("ls205_sample_survey_english.lss"))
    listed = messages(stopped.value.problems)
    assert any(m.startswith("question ranking:") and "Ranking" in m for m in listed)
    assert any(m.startswith("question yearsMarried:") and 'married=="Y"' in m for m in listed)
    assert any(m.startswith("question qDate:") and "type D" in m for m in listed)


def test_limesurveys_english_sample_keeps_its_simple_relevance_as_conditions(app, english):
    converted = limesurvey.convert(
        fixture("ls205_sample_survey_english.lss"), skip_unsupported=True
    )
    found = {
        q["key"]: q["condition"]
        for s in converted.data["sections"]
        for q in s["questions"]
        if "condition" in q
    }
    assert found["kid3"] == {"question": "numkids", "op": "at_least", "value": 3}
    assert found["age"] == {"question": "name", "op": "answered"}
    assert found["noageymarried"] == {
        "any": [
            {"question": "age", "op": "not_answered"},
            {"question": "yearsmarried", "op": "not_answered"},
        ]
    }
    assert len(found) >= 30
    # every condition reads an earlier page only: the format accepts them all (the one problem
    # left is a text too long, as before conditions)
    with pytest.raises(InvalidQuestionnaire) as refused:
        jsonformat.validate(converted.data)
    assert [p.path for p in refused.value.problems] == ["sections[9].questions[0].text.en"]


def test_limesurvey_relevance_it_cannot_read_is_listed_with_the_reason(app, english):
    with pytest.raises(UnsupportedContent) as stopped:
        limesurvey.convert(fixture("ls205_sample_survey_english.lss"))
    listed = messages(stopped.value.problems)
    assert any(
        m.startswith("question ageltym:") and "Only an answer compared with a value" in m
        for m in listed
    )  # yearsMarried >= age: two answers compared
    assert any(m.startswith("question married:") and "whole numbers" in m for m in listed)


def test_limesurveys_multilingual_sample_imports_its_english_when_skipping(app, english):
    converted = limesurvey.convert(
        fixture("ls3_sample_survey_multilingual_fr_de_en_it.lss"), skip_unsupported=True
    )
    assert converted.data["title"]["en"] == "Sample LimeSurvey EN/FR/DE/IT"
    qs = questions_of(converted)
    assert qs and all(set(q["text"]) == {"en"} for q in qs.values())
    questionnaire = services.import_data(converted.data)
    db.session.commit()
    assert len(queries.questions(questionnaire)) == len(qs)


def test_a_text_too_long_for_the_format_is_placed_at_its_question(app, english):
    before = row_counts()
    with pytest.raises(InvalidQuestionnaire) as refused:
        services.import_file(
            "sample.lss", fixture("ls205_sample_survey_english.lss"), skip_unsupported=True
        )
    assert any(p.place == "question tSummary1" for p in refused.value.problems)
    db.session.rollback()
    assert row_counts() == before


# --- hostile and broken files ----------------------------------------------------------------


def test_malformed_xml_is_refused_with_its_line(app, english):
    with pytest.raises(InvalidQuestionnaire) as refused:
        limesurvey.convert(data("malformed.lss"))
    assert "could not be read as XML" in refused.value.problems[0].message
    assert "line 11" in refused.value.problems[0].message


def test_an_xml_bomb_is_refused_before_any_entity_is_expanded(app, english):
    with pytest.raises(InvalidQuestionnaire) as refused:
        limesurvey.convert(data("billion_laughs.lss"), skip_unsupported=True)
    assert "XML bomb" in refused.value.problems[0].message


def test_an_external_entity_is_refused(app, english, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("hemmelig")
    content = (
        f'<?xml version="1.0"?><!DOCTYPE document [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<document><questions/>&x;</document>"
    ).encode()
    with pytest.raises(InvalidQuestionnaire) as refused:
        limesurvey.convert(content)
    assert "hemmelig" not in str(refused.value.problems[0])


def test_a_huge_file_is_refused_with_its_size_and_the_limit(app, english):
    content = b"<document>" + b" " * limesurvey.MAX_BYTES + b"</document>"
    with pytest.raises(InvalidQuestionnaire) as refused:
        limesurvey.convert(content)
    message = refused.value.problems[0].message
    assert f"at most {limesurvey.MAX_BYTES // 1024 // 1024} MB" in message and "8.0 MB" in message


def test_an_xml_file_that_is_not_a_survey_is_refused(app, english):
    with pytest.raises(InvalidQuestionnaire) as refused:
        limesurvey.convert(b"<?xml version='1.0'?><html><body/></html>")
    assert "not a LimeSurvey survey structure" in refused.value.problems[0].message


# --- the service, the command and the page ---------------------------------------------------


def test_an_lss_file_imports_as_a_draft_that_round_trips(any_app):
    with any_app.test_request_context():
        result = services.import_file("skjema.lss", data("choice_types_nb_nn_en.lss"))
        db.session.commit()
        questionnaire = result.questionnaire
        assert (questionnaire.key, questionnaire.version) == ("limesurvey_514263", 1)
        exported = jsonformat.to_dict(questionnaire)
        assert [q["key"] for s in exported["sections"] for q in s["questions"]][:3] == [
            "intro",
            "kjonn",
            "bydel",
        ]
        assert json.loads(jsonformat.dump_data(exported)) == exported


def test_a_stopped_import_changes_nothing(app, english):
    before = row_counts()
    with pytest.raises(UnsupportedContent):
        services.import_file("b.lss", data("conditions_and_unknown_types.lss"))
    db.session.rollback()
    assert row_counts() == before


def test_the_command_lists_the_codes_and_imports_with_skip(app, runner, tmp_path):
    path = tmp_path / "betingelser.lss"
    path.write_bytes(data("conditions_and_unknown_types.lss"))
    stopped = runner.invoke(args=["questionnaire", "import", str(path)])
    assert stopped.exit_code == 1
    assert "question Rart" in stopped.stderr and "--skip-unsupported" in stopped.stderr
    assert queries.versions("limesurvey_900001") == []
    done = runner.invoke(args=["questionnaire", "import", str(path), "--skip-unsupported"])
    assert done.exit_code == 0, done.output
    assert "Imported limesurvey_900001 version 1" in done.stdout


def test_the_command_refuses_an_xml_bomb(app, runner, tmp_path):
    path = tmp_path / "bomb.lss"
    path.write_bytes(data("billion_laughs.lss"))
    result = runner.invoke(args=["questionnaire", "import", str(path), "--skip-unsupported"])
    assert result.exit_code == 1 and "XML bomb" in result.stderr


@pytest.fixture
def admin_en(admin_client):
    admin_client.get("/sprak/en")
    return admin_client


def test_the_import_page_lists_the_codes_then_imports_after_skip(admin_en):
    content = data("scales_and_arrays.lss")
    first = admin_en.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(content), "sykehjem.lss")},
        content_type="multipart/form-data",
    )
    assert first.status_code == 422
    assert b"question Fornoyd" in first.data and b"question Kanal" in first.data
    assert queries.versions("limesurvey_731145") == []
    second = admin_en.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(content), "sykehjem.lss"), "skip_unsupported": "y"},
        content_type="multipart/form-data",
    )
    assert second.status_code in (200, 303)
    assert len(queries.questions(queries.latest("limesurvey_731145"))) == 10


def test_the_import_page_refuses_a_bomb_with_a_message_not_an_error(admin_en):
    response = admin_en.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(data("billion_laughs.lss")), "bomb.lss")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and b"XML bomb" in response.data


def test_the_import_page_speaks_norwegian(admin_client):
    response = admin_client.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(data("malformed.lss")), "brutt.lss")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert b"kunne ikke leses som XML" in response.data
