"""The questionnaire pages, used as an administrator would use them (English interface)."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from sqlalchemy import func, select

from collector.models import Answer, Draft, Response
from helhet.extensions import db
from surveys import jsonformat, library, queries
from surveys.models import QuestionnaireStatus
from tests.surveys.conftest import row_counts
from tests.surveys.factories import make_question, make_small_questionnaire
from tests.surveys.test_xlsform import norwegian_workbook, workbook

BASE = "/admin/sporreskjema"


@pytest.fixture
def admin_en(admin_client):
    admin_client.get("/sprak/en")
    return admin_client


def location_id(response) -> int:
    return int(re.search(r"/admin/sporreskjema/(\d+)", response.headers["Location"]).group(1))


def texts(name: str, nb: str, nn: str = "", en: str = "") -> dict:
    return {f"{name}_nb": nb, f"{name}_nn": nn, f"{name}_en": en}


def test_an_admin_builds_and_publishes_a_questionnaire_from_scratch(admin_en):
    client = admin_en
    created = client.post(
        f"{BASE}/nytt",
        data={
            "key": "bibliotek",
            "kind": "citizen",
            **texts("title", "Bibliotekundersøkelse", "Bibliotekundersøking", "Library survey"),
            **texts(
                "description",
                "Hva synes du om biblioteket?",
                "Kva synest du om biblioteket?",
                "What do you think of the library?",
            ),
        },
    )
    assert created.status_code == 303
    qid = location_id(created)
    q = queries.get(qid)
    first = q.sections[0].id

    assert (
        client.post(
            f"{BASE}/{qid}/deler/{first}",
            data={
                **texts("title", "Om biblioteket", "Om biblioteket", "About the library"),
                **texts(
                    "intro",
                    "Tenk på det siste året.",
                    "Tenk på det siste året.",
                    "Think of the last year.",
                ),
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"{BASE}/{qid}/deler/ny", data=texts("title", "Om deg", "Om deg", "About you")
        ).status_code
        == 303
    )
    second = queries.sections(q)[1].id

    scale = {
        "scale_min": "1",
        "scale_max": "6",
        "dont_know": "y",
        "required": "y",
        "action": "save",
        **texts("low_label", "Svært misfornøyd", "Svært misnøgd", "Very dissatisfied"),
        **texts("high_label", "Svært fornøyd", "Svært nøgd", "Very satisfied"),
    }
    for key, nb, nn, en in [
        (
            "apningstider",
            "Hvor fornøyd er du med åpningstidene?",
            "Kor nøgd er du med opningstidene?",
            "How satisfied are you with the opening hours?",
        ),
        (
            "utvalg",
            "Hvor fornøyd er du med utvalget av bøker?",
            "Kor nøgd er du med utvalet av bøker?",
            "How satisfied are you with the choice of books?",
        ),
    ]:
        added = client.post(
            f"{BASE}/{qid}/deler/{first}/sporsmal/ny/scale",
            data={"key": key, **texts("text", nb, nn, en), **scale},
        )
        assert added.status_code == 303, added.data

    added = client.post(
        f"{BASE}/{qid}/deler/{second}/sporsmal/ny/single",
        data={
            "key": "besok",
            **texts(
                "text",
                "Hvor ofte besøker du biblioteket?",
                "Kor ofte besøkjer du biblioteket?",
                "How often do you visit the library?",
            ),
            "choices-0-value": "ukentlig",
            **texts("choices-0-label", "Hver uke", "Kvar veke", "Every week"),
            "choices-1-value": "sjeldnere",
            **texts("choices-1-label", "Sjeldnere", "Sjeldnare", "Less often"),
            "choices-2-value": "",
            **texts("choices-2-label", ""),
            "action": "save",
        },
    )
    assert added.status_code == 303, added.data

    items = [x.id for x in queries.scale_questions(q)]
    added = client.post(
        f"{BASE}/{qid}/indikatorer/ny",
        data={
            "key": "tilbudet",
            **texts("name", "Tilbudet", "Tilbodet", "What the library offers"),
            "dimension": "service",
            "items": items,
            "min_share": "50",
            "favourable_from": "5",
        },
    )
    assert added.status_code == 303, added.data

    page = client.get(f"{BASE}/{qid}/forhandsvisning/1")
    assert page.status_code == 200 and b"How satisfied are you with the opening hours?" in page.data
    assert b"Page 1 of 2" in page.data
    assert client.get(f"{BASE}/{qid}/publiser").status_code == 200
    published = client.post(f"{BASE}/{qid}/publiser")
    assert published.status_code == 303
    assert queries.get(qid).status == QuestionnaireStatus.PUBLISHED

    exported = client.get(f"{BASE}/{qid}/eksport")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="bibliotek-v1.json"'
    scale_json = {
        "required": True,
        "min": 1,
        "max": 6,
        "low_label": {"nb": "Svært misfornøyd", "nn": "Svært misnøgd", "en": "Very dissatisfied"},
        "high_label": {"nb": "Svært fornøyd", "nn": "Svært nøgd", "en": "Very satisfied"},
        "dont_know": True,
    }
    assert json.loads(exported.data) == {
        "format": "helhet-questionnaire",
        "format_version": 1,
        "key": "bibliotek",
        "kind": "citizen",
        "title": {
            "nb": "Bibliotekundersøkelse",
            "nn": "Bibliotekundersøking",
            "en": "Library survey",
        },
        "description": {
            "nb": "Hva synes du om biblioteket?",
            "nn": "Kva synest du om biblioteket?",
            "en": "What do you think of the library?",
        },
        "sections": [
            {
                "title": {
                    "nb": "Om biblioteket",
                    "nn": "Om biblioteket",
                    "en": "About the library",
                },
                "intro": {
                    "nb": "Tenk på det siste året.",
                    "nn": "Tenk på det siste året.",
                    "en": "Think of the last year.",
                },
                "questions": [
                    {
                        "key": "apningstider",
                        "type": "scale",
                        "text": {
                            "nb": "Hvor fornøyd er du med åpningstidene?",
                            "nn": "Kor nøgd er du med opningstidene?",
                            "en": "How satisfied are you with the opening hours?",
                        },
                        **scale_json,
                    },
                    {
                        "key": "utvalg",
                        "type": "scale",
                        "text": {
                            "nb": "Hvor fornøyd er du med utvalget av bøker?",
                            "nn": "Kor nøgd er du med utvalet av bøker?",
                            "en": "How satisfied are you with the choice of books?",
                        },
                        **scale_json,
                    },
                ],
            },
            {
                "title": {"nb": "Om deg", "nn": "Om deg", "en": "About you"},
                "questions": [
                    {
                        "key": "besok",
                        "type": "single",
                        "text": {
                            "nb": "Hvor ofte besøker du biblioteket?",
                            "nn": "Kor ofte besøkjer du biblioteket?",
                            "en": "How often do you visit the library?",
                        },
                        "required": False,
                        "choices": [
                            {
                                "value": "ukentlig",
                                "label": {"nb": "Hver uke", "nn": "Kvar veke", "en": "Every week"},
                            },
                            {
                                "value": "sjeldnere",
                                "label": {"nb": "Sjeldnere", "nn": "Sjeldnare", "en": "Less often"},
                            },
                        ],
                    }
                ],
            },
        ],
        "indicators": [
            {
                "key": "tilbudet",
                "name": {"nb": "Tilbudet", "nn": "Tilbodet", "en": "What the library offers"},
                "dimension": "service",
                "items": ["apningstider", "utvalg"],
                "min_share": 0.5,
                "favourable_from": 5,
            }
        ],
    }


def test_a_leader_cannot_open_or_change_questionnaires(leader_client, app):
    q = make_small_questionnaire()
    db.session.commit()
    assert leader_client.get(BASE).status_code == 403
    assert leader_client.post(f"{BASE}/{q.id}/publiser").status_code == 403
    assert leader_client.get(f"{BASE}/{q.id}/forhandsvisning/1").status_code == 403
    assert not queries.get(q.id).is_published


def test_a_section_question_or_indicator_of_another_questionnaire_is_not_found_and_not_changed(
    admin_en,
):
    mine, other = make_small_questionnaire("mitt"), make_small_questionnaire("annet")
    db.session.commit()
    before = jsonformat.dumps(other)
    section, question, indicator = (
        other.sections[0],
        other.sections[0].questions[0],
        other.indicators[0],
    )
    for method, path in [
        ("GET", f"deler/{section.id}"),
        ("POST", f"deler/{section.id}/flytt"),
        ("POST", f"deler/{section.id}/slett"),
        ("GET", f"sporsmal/{question.id}"),
        ("POST", f"sporsmal/{question.id}/type"),
        ("POST", f"sporsmal/{question.id}/slett"),
        ("POST", f"indikatorer/{indicator.id}"),
        ("POST", f"indikatorer/{indicator.id}/slett"),
        ("GET", f"deler/{section.id}/sporsmal/ny/scale"),
    ]:
        response = admin_en.open(
            f"{BASE}/{mine.id}/{path}", method=method, data={"direction": "up", "type": "text"}
        )
        assert response.status_code == 404, f"{method} {path}"
    assert admin_en.get(f"{BASE}/999999/deler/{section.id}").status_code == 404
    db.session.expire_all()
    assert jsonformat.dumps(queries.get(other.id)) == before


def test_the_preview_checks_answers_like_the_real_page_but_stores_nothing(admin_en):
    q = make_small_questionnaire()
    db.session.commit()
    before = row_counts()
    empty = admin_en.post(f"{BASE}/{q.id}/forhandsvisning/1", data={})
    assert empty.status_code == 422
    assert b"Choose a number on the scale." in empty.data  # "fornoyd" is required
    answered = admin_en.post(
        f"{BASE}/{q.id}/forhandsvisning/1", data={"q_fornoyd": "5", "q_respekt": "dk"}
    )
    assert answered.status_code == 303 and answered.headers["Location"].endswith(
        "/forhandsvisning/2"
    )
    out_of_range = admin_en.post(f"{BASE}/{q.id}/forhandsvisning/2", data={"q_antall": "99"})
    assert out_of_range.status_code == 422 and b"Write a number from 0 to 50." in out_of_range.data
    done = admin_en.post(
        f"{BASE}/{q.id}/forhandsvisning/2", data={"q_antall": "3", "q_alder": "ja"}
    )
    assert done.headers["Location"].endswith("/forhandsvisning/3")
    assert b"End of the preview" in admin_en.get(f"{BASE}/{q.id}/forhandsvisning/3").data
    assert row_counts() == before
    for model in (Response, Answer, Draft):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_the_preview_follows_the_chosen_language(admin_client):
    q = make_small_questionnaire()
    question = queries.question_by_key(q, "fornoyd")
    question.text = {
        "nb": "Hvor fornøyd er du?",
        "nn": "Kor nøgd er du?",
        "en": "How satisfied are you?",
    }
    db.session.commit()
    admin_client.get("/sprak/nn")
    assert "Kor nøgd er du?".encode() in admin_client.get(f"{BASE}/{q.id}/forhandsvisning/1").data
    admin_client.get("/sprak/en")
    assert b"How satisfied are you?" in admin_client.get(f"{BASE}/{q.id}/forhandsvisning/1").data


def test_a_published_version_is_shown_read_only_and_its_edit_pages_send_you_back(admin_en):
    q = make_small_questionnaire(publish=True)
    db.session.commit()
    page = admin_en.get(f"{BASE}/{q.id}")
    assert b"Make a new version to edit" in page.data and b"Delete the draft" not in page.data
    assert b"/sporsmal/" not in page.data  # no edit links
    section = q.sections[0]
    refused = admin_en.post(f"{BASE}/{q.id}/deler/{section.id}", data=texts("title", "Endret"))
    assert refused.status_code == 303
    assert b"is published and cannot be changed" in admin_en.get(refused.headers["Location"]).data
    assert queries.get(q.id).sections[0].title["nb"] == "Tjenestene"


def test_new_version_makes_a_draft_and_opens_it(admin_en):
    q = make_small_questionnaire(publish=True)
    db.session.commit()
    response = admin_en.post(f"{BASE}/{q.id}/ny-versjon")
    draft = queries.draft(q.key)
    assert response.status_code == 303 and location_id(response) == draft.id and draft.version == 2


def test_a_question_form_with_a_problem_comes_back_with_what_was_typed(admin_en):
    q = make_small_questionnaire()
    db.session.commit()
    response = admin_en.post(
        f"{BASE}/{q.id}/deler/{q.sections[0].id}/sporsmal/ny/scale",
        data={
            "key": "Ugyldig Nøkkel",
            **texts("text", "Et godt spørsmål"),
            "scale_min": "1",
            "scale_max": "6",
        },
    )
    assert response.status_code == 422
    assert (
        b"Start with a lowercase letter" in response.data
        and "Et godt spørsmål".encode() in response.data
    )
    assert queries.question_by_key(q, "ugyldig_nokkel") is None


def test_a_duplicate_choice_value_is_shown_at_that_row(admin_en):
    q = make_small_questionnaire()
    question = queries.question_by_key(q, "alder")
    db.session.commit()
    response = admin_en.post(
        f"{BASE}/{q.id}/sporsmal/{question.id}",
        data={
            "key": "alder",
            "section": question.section_id,
            **texts("text", "Hvor gammel?"),
            "choices-0-value": "a",
            **texts("choices-0-label", "A"),
            "choices-1-value": "",
            **texts("choices-1-label", ""),
            "choices-2-value": "a",
            **texts("choices-2-label", "B"),
            "action": "save",
        },
    )
    assert response.status_code == 422
    assert b'href="#choices-2-value"' in response.data and b"values must be unique" in response.data


def test_choice_rows_move_and_disappear_with_their_buttons(admin_en):
    q = make_small_questionnaire()
    question = queries.question_by_key(q, "alder")
    db.session.commit()
    rows = {
        "key": "alder",
        "section": question.section_id,
        **texts("text", "Hvor gammel?"),
        "choices-0-value": "a",
        **texts("choices-0-label", "A"),
        "choices-1-value": "b",
        **texts("choices-1-label", "B"),
        "choices-2-value": "c",
        **texts("choices-2-label", "C"),
    }
    moved = admin_en.post(f"{BASE}/{q.id}/sporsmal/{question.id}", data={**rows, "action": "up-2"})
    assert moved.status_code == 303 and "/sporsmal/" in moved.headers["Location"]
    assert [c.value for c in queries.question_by_key(q, "alder").choices] == ["a", "c", "b"]
    admin_en.post(f"{BASE}/{q.id}/sporsmal/{question.id}", data={**rows, "action": "remove-0"})
    db.session.expire_all()
    assert [c.value for c in queries.question_by_key(q, "alder").choices] == ["b", "c"]


def test_the_key_of_a_question_from_a_published_version_is_read_only(admin_en):
    old = make_small_questionnaire(publish=True)
    db.session.commit()
    admin_en.post(f"{BASE}/{old.id}/ny-versjon")
    draft = queries.draft(old.key)
    question = queries.question_by_key(draft, "fornoyd")
    page = admin_en.get(f"{BASE}/{draft.id}/sporsmal/{question.id}")
    assert re.search(rb'<input[^>]*id="key"[^>]*readonly', page.data)
    response = admin_en.post(
        f"{BASE}/{draft.id}/sporsmal/{question.id}",
        data={
            "key": "annet",
            "section": question.section_id,
            **texts("text", "Hvor fornøyd?"),
            "scale_min": "1",
            "scale_max": "6",
            "required": "y",
            "action": "save",
        },
    )
    assert response.status_code == 422 and b"cannot change" in response.data


def test_numbered_choices_become_a_scale_when_the_type_changes(admin_en):
    q = make_small_questionnaire()
    question = make_question(
        q.sections[0],
        "likert",
        "single",
        choices=[
            ("1", {"nb": "Helt uenig"}),
            ("2", {"nb": "Uenig"}),
            ("3", {"nb": "Enig"}),
            ("4", {"nb": "Helt enig"}),
        ],
    )
    db.session.commit()
    response = admin_en.post(f"{BASE}/{q.id}/sporsmal/{question.id}/type", data={"type": "scale"})
    assert response.status_code == 303
    db.session.expire_all()
    question = queries.question_by_key(q, "likert")
    assert (question.type, question.scale_min, question.scale_max) == ("scale", 1, 4)
    assert (question.low_label, question.high_label) == ({"nb": "Helt uenig"}, {"nb": "Helt enig"})


def test_move_buttons_reorder_questions_and_sections(admin_en):
    q = make_small_questionnaire()
    db.session.commit()
    question = queries.question_by_key(q, "respekt")
    assert (
        admin_en.post(
            f"{BASE}/{q.id}/sporsmal/{question.id}/flytt", data={"direction": "up"}
        ).status_code
        == 303
    )
    admin_en.post(
        f"{BASE}/{q.id}/deler/{queries.sections(q)[1].id}/flytt", data={"direction": "up"}
    )
    db.session.expire_all()
    assert [x.key for x in queries.questions(q)] == [
        "alder",
        "antall",
        "kommentar",
        "takk",
        "respekt",
        "fornoyd",
    ]


def test_deleting_a_question_asks_first(admin_en):
    q = make_small_questionnaire()
    db.session.commit()
    question = queries.question_by_key(q, "kommentar")
    assert (
        b"Delete the question" in admin_en.get(f"{BASE}/{q.id}/sporsmal/{question.id}/slett").data
    )
    assert admin_en.post(f"{BASE}/{q.id}/sporsmal/{question.id}/slett").status_code == 303
    assert queries.question_by_key(q, "kommentar") is None


def test_publishing_is_refused_with_the_problems_listed(admin_en):
    q = make_small_questionnaire()
    make_question(q.sections[0], "tomt", "single", choices=[])
    db.session.commit()
    response = admin_en.post(f"{BASE}/{q.id}/publiser")
    assert response.status_code == 422 and b"at least two choices" in response.data
    assert not queries.get(q.id).is_published


def test_the_publish_page_lists_missing_translations_as_warnings(admin_en):
    q = make_small_questionnaire()
    db.session.commit()
    page = admin_en.get(f"{BASE}/{q.id}/publiser")
    assert (
        b"Worth checking first" in page.data
        and b"Not translated to Nynorsk (nn), English (en)" in page.data
    )
    assert b"Publish version 1" in page.data


def test_a_json_file_uploads_and_opens_as_a_draft(admin_en):
    data = {
        "file": (io.BytesIO(library.path("bruker_hjemmetjenester").read_bytes()), "hjemme.json")
    }
    response = admin_en.post(f"{BASE}/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert queries.latest("bruker_hjemmetjenester").version == 1


def test_a_bad_json_upload_lists_the_places_and_imports_nothing(admin_en):
    bad = library.load("bruker_hjemmetjenester")
    bad["sections"][1]["questions"][2]["type"] = "slider"
    before = row_counts()
    response = admin_en.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(json.dumps(bad).encode()), "feil.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert (
        b"Nothing was imported" in response.data
        and b"sections[1].questions[2].type" in response.data
    )
    assert row_counts() == before


def test_an_xlsform_with_unsupported_rows_can_be_imported_after_ticking_skip(admin_en):
    content = workbook(
        [
            ["type", "name", "label::nb", "relevant"],
            ["text", "a", "A?", None],
            ["geopoint", "sted", "Hvor er du?", None],
            ["integer", "b", "B?", "${a} != 'x'"],  # "not equal to": no condition
        ],
        settings=[["form_id"], ["kart"]],
    )
    first = admin_en.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(content), "kart.xlsx")},
        content_type="multipart/form-data",
    )
    assert first.status_code == 422
    assert b"survey" in first.data and b"geopoint" in first.data and b"relevant" in first.data
    assert queries.versions("kart") == []
    upload_data = (
        re.search(rb'name="upload_data" type="hidden" value="([^"]+)"', first.data)
        .group(1)
        .decode()
    )
    assert base64.b64decode(upload_data) == content
    second = admin_en.post(
        f"{BASE}/import",
        data={"upload_name": "kart.xlsx", "upload_data": upload_data, "skip_unsupported": "y"},
    )
    assert second.status_code in (200, 303)
    assert [x.key for x in queries.questions(queries.latest("kart"))] == ["a", "b"]


def test_an_xlsform_import_with_notes_shows_them(admin_en):
    response = admin_en.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(norwegian_workbook()), "skjema.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and b"look like a scale" in response.data


def test_the_standard_questionnaires_can_be_installed_from_the_list(admin_en):
    assert b"Install the standard questionnaires" in admin_en.get(BASE).data
    assert admin_en.post(f"{BASE}/standard").status_code == 303
    assert {q.key for q in queries.all_published()} == set(library.STANDARD_KEYS)
    assert b"Install the standard questionnaires" not in admin_en.get(BASE).data


def test_the_list_shows_every_version_with_its_status(admin_en):
    q = make_small_questionnaire(publish=True)
    db.session.commit()
    admin_en.post(f"{BASE}/{q.id}/ny-versjon")
    page = admin_en.get(BASE).data
    assert (
        b"Version 2" in page and b"Version 1" in page and b"draft" in page and b"published" in page
    )


def test_a_draft_can_be_deleted_after_confirming(admin_en):
    q = make_small_questionnaire()
    db.session.commit()
    assert admin_en.get(f"{BASE}/{q.id}/slett").status_code == 200
    assert admin_en.post(f"{BASE}/{q.id}/slett").status_code == 303
    assert queries.versions(q.key) == []


def test_no_page_or_button_changes_a_published_version_or_fails(app, admin_en):
    q = make_small_questionnaire("publisert", publish=True)
    db.session.commit()
    before = jsonformat.dumps(q)
    values = {
        "questionnaire_id": q.id,
        "section_id": q.sections[0].id,
        "question_id": q.sections[0].questions[0].id,
        "indicator_id": q.indicators[0].id,
        "question_type": "scale",
        "page": 1,
    }
    from werkzeug.routing import Map, Rule

    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("surveys.") or "questionnaire_id" not in rule.arguments:
            continue
        url = (
            Map([Rule(rule.rule, endpoint="x")])
            .bind("localhost")
            .build("x", {a: values[a] for a in rule.arguments})
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {
                "direction": "up",
                "type": "text",
                "key": "endret",
                "title_nb": "Endret",
                "text_nb": "Endret",
            }
            response = admin_en.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    db.session.expire_all()
    assert jsonformat.dumps(queries.get(q.id)) == before
    assert [v.version for v in queries.versions("publisert")] == [
        1,
        2,
    ]  # only "new version" made something
