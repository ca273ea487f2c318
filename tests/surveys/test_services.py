"""Changing questionnaires: drafts change, published versions never do, new versions keep keys."""

from __future__ import annotations

import pytest

from helhet.extensions import db
from surveys import jsonformat, queries, services
from surveys.errors import QuestionnaireError
from surveys.models import QuestionnaireStatus, QuestionType
from tests.surveys.factories import (
    make_indicator,
    make_question,
    make_questionnaire,
    make_small_questionnaire,
)


def keys_in_order(questionnaire) -> list[str]:
    return [q.key for q in queries.questions(questionnaire)]


def test_a_new_questionnaire_is_a_draft_version_1_with_one_section(app):
    q = make_questionnaire("ny")
    assert (q.version, q.status, len(q.sections)) == (1, QuestionnaireStatus.DRAFT, 1)


def test_a_questionnaire_needs_a_title_in_bokmal(app, english):
    with pytest.raises(QuestionnaireError) as refused:
        services.create_questionnaire("uten_tittel", "citizen", {"en": "Only English"})
    assert refused.value.field == "title_nb"


@pytest.mark.parametrize("key", ["Stor", "1tall", "med mellomrom", "æøå", "a" * 65, ""])
def test_a_key_outside_the_pattern_is_refused_at_the_key_field(app, key):
    with pytest.raises(QuestionnaireError) as refused:
        make_questionnaire(key)
    assert refused.value.field == "key"


def test_a_second_questionnaire_with_the_same_key_is_refused(app, english):
    make_questionnaire("samme")
    with pytest.raises(QuestionnaireError, match="exists already"):
        make_questionnaire("samme")


def test_every_change_to_a_published_version_is_refused(app, english):
    q = make_small_questionnaire(publish=True)
    db.session.commit()
    section, question, indicator = q.sections[0], q.sections[0].questions[0], q.indicators[0]
    before = jsonformat.dumps(q)
    attempts = [
        lambda: services.update_questionnaire(q, q.key, "citizen", {"nb": "Ny tittel"}, {}),
        lambda: services.add_section(q, {"nb": "Ny del"}),
        lambda: services.update_section(section, {"nb": "Endret"}, {}),
        lambda: services.move_section(section, 1),
        lambda: services.delete_section(section),
        lambda: make_question(section, "ny"),
        lambda: services.update_question(question, services.QuestionData.of(question)),
        lambda: services.move_question(question, 1),
        lambda: services.delete_question(question),
        lambda: make_indicator(q, "ny", [question]),
        lambda: services.update_indicator(
            indicator,
            services.IndicatorData(indicator.key, {"nb": "Ny"}, indicator.dimension, [question]),
        ),
        lambda: services.move_indicator(indicator, 1),
        lambda: services.delete_indicator(indicator),
        lambda: services.delete_draft(q),
        lambda: services.publish(q),
    ]
    for attempt in attempts:
        with pytest.raises(QuestionnaireError, match="published"):
            attempt()
    db.session.rollback()
    assert jsonformat.dumps(queries.get(q.id)) == before


def test_a_new_version_copies_everything_into_a_draft_with_the_same_keys(app):
    old = make_small_questionnaire(publish=True)
    new = services.new_version(old)
    assert (new.key, new.version, new.status) == (old.key, 2, QuestionnaireStatus.DRAFT)
    assert jsonformat.to_dict(new) == jsonformat.to_dict(old)
    assert {q.id for q in new.questions}.isdisjoint({q.id for q in old.questions})
    assert [q.key for q in new.indicators[0].questions] == ["fornoyd", "respekt"]


def test_a_draft_cannot_get_a_new_version_and_a_key_has_one_draft_at_a_time(app, english):
    old = make_small_questionnaire(publish=True)
    draft = services.new_version(old)
    with pytest.raises(QuestionnaireError, match="draft"):
        services.new_version(draft)
    with pytest.raises(QuestionnaireError, match="already has a draft"):
        services.new_version(old)


def test_the_new_version_can_change_while_the_old_stays_as_it_was(app):
    old = make_small_questionnaire(publish=True)
    before = jsonformat.dumps(old)
    new = services.new_version(old)
    question = queries.question_by_key(new, "fornoyd")
    data = services.QuestionData.of(question)
    data.text = {"nb": "Hvor fornøyd er du, alt i alt?"}
    services.update_question(question, data)
    db.session.commit()
    assert jsonformat.dumps(queries.get(old.id)) == before
    assert queries.question_by_key(new, "fornoyd").text == {"nb": "Hvor fornøyd er du, alt i alt?"}


def test_a_key_from_an_earlier_published_version_cannot_be_renamed(app, english):
    new = services.new_version(make_small_questionnaire(publish=True))
    question = queries.question_by_key(new, "fornoyd")
    data = services.QuestionData.of(question)
    data.key = "tilfreds"
    with pytest.raises(QuestionnaireError, match="compared by key") as refused:
        services.update_question(question, data)
    assert refused.value.field == "key"


def test_a_key_that_is_new_in_this_draft_can_be_renamed(app):
    new = services.new_version(make_small_questionnaire(publish=True))
    question = make_question(new.sections[0], "ny_sporsmal")
    data = services.QuestionData.of(question)
    data.key = "nytt_navn"
    services.update_question(question, data)
    assert question.key == "nytt_navn"


def test_a_published_key_cannot_come_back_as_another_type_or_on_another_scale(app, english):
    new = services.new_version(make_small_questionnaire(publish=True))
    question = queries.question_by_key(new, "kommentar")
    services.delete_question(question)
    with pytest.raises(QuestionnaireError, match="needs a new key"):
        make_question(new.sections[0], "kommentar", "scale")
    scale = queries.question_by_key(new, "fornoyd")
    data = services.QuestionData.of(scale)
    data.scale_min, data.scale_max = 1, 5
    with pytest.raises(QuestionnaireError, match="scale from 1 to 6"):
        services.update_question(scale, data)


def test_question_keys_are_unique_within_a_questionnaire(app, english):
    q = make_small_questionnaire()
    with pytest.raises(QuestionnaireError, match="Another question") as refused:
        make_question(q.sections[1], "fornoyd")
    assert refused.value.field == "key"


def test_a_scale_whose_lowest_point_is_not_below_the_highest_is_refused(app):
    q = make_questionnaire()
    with pytest.raises(QuestionnaireError) as refused:
        make_question(q.sections[0], "feil", scale_min=6, scale_max=6)
    assert refused.value.field == "scale_max"


def test_duplicate_choice_values_are_refused_at_the_second_row(app):
    q = make_questionnaire()
    with pytest.raises(QuestionnaireError) as refused:
        make_question(
            q.sections[0],
            "valg",
            "single",
            choices=[("a", {"nb": "A"}), ("b", {"nb": "B"}), ("a", {"nb": "C"})],
        )
    assert refused.value.field == "choices-2-value"


def test_choices_can_swap_values_in_one_save(any_app):
    q = make_questionnaire()
    question = make_question(
        q.sections[0], "valg", "single", choices=[("a", {"nb": "A"}), ("b", {"nb": "B"})]
    )
    db.session.commit()
    data = services.QuestionData.of(question)
    data.choices = [("b", {"nb": "A"}), ("a", {"nb": "B"})]
    services.update_question(question, data)
    db.session.commit()
    assert [(c.value, c.label["nb"]) for c in question.choices] == [("b", "A"), ("a", "B")]


def test_changing_the_type_drops_the_old_types_properties(app):
    q = make_questionnaire()
    question = make_question(q.sections[0], "valg", "single")
    data = services.QuestionData.of(question)
    data.type, data.choices, data.min_value = QuestionType.NUMBER, [], 0.0
    services.update_question(question, data)
    assert (question.type, question.choices, question.min_value) == (QuestionType.NUMBER, [], 0.0)


def test_a_question_in_an_indicator_must_stay_a_scale(app, english):
    q = make_small_questionnaire()
    question = queries.question_by_key(q, "fornoyd")
    data = services.QuestionData.of(question)
    data.type = QuestionType.TEXT
    with pytest.raises(QuestionnaireError, match="indicator kvalitet"):
        services.update_question(question, data)


def test_an_indicator_takes_only_scale_questions_on_one_scale(app, english):
    q = make_small_questionnaire()
    single = queries.question_by_key(q, "alder")
    five = make_question(q.sections[0], "fem", scale_min=1, scale_max=5)
    with pytest.raises(QuestionnaireError, match="scale questions") as refused:
        make_indicator(q, "feil", [single])
    assert refused.value.field == "items"
    with pytest.raises(QuestionnaireError, match="different scales"):
        make_indicator(q, "blandet", [queries.question_by_key(q, "fornoyd"), five])


def test_favourable_from_must_be_on_the_items_scale(app):
    q = make_small_questionnaire()
    with pytest.raises(QuestionnaireError) as refused:
        make_indicator(q, "feil", [queries.question_by_key(q, "fornoyd")], favourable_from=7.0)
    assert refused.value.field == "favourable_from"


def test_moving_a_question_down_and_up_changes_only_the_order(app):
    q = make_small_questionnaire()
    second = q.sections[1]
    question = queries.question_by_key(q, "alder")
    assert services.move_question(question, 1)
    assert [x.key for x in queries.pages(q)[1][1]] == ["antall", "alder", "kommentar", "takk"]
    assert services.move_question(question, -1)
    assert [x.key for x in queries.pages(q)[1][1]] == ["alder", "antall", "kommentar", "takk"]
    assert second.questions[0].position == 0


def test_a_question_moved_past_the_top_of_its_section_goes_to_the_end_of_the_previous(app):
    q = make_small_questionnaire()
    services.move_question(queries.question_by_key(q, "alder"), -1)
    pages = queries.pages(q)
    assert [x.key for x in pages[0][1]] == ["fornoyd", "respekt", "alder"]
    assert [x.key for x in pages[1][1]] == ["antall", "kommentar", "takk"]
    assert [x.position for x in pages[0][1]] == [0, 1, 2]


def test_a_question_moved_past_the_bottom_of_its_section_goes_to_the_start_of_the_next(app):
    q = make_small_questionnaire()
    services.move_question(queries.question_by_key(q, "respekt"), 1)
    assert keys_in_order(q) == ["fornoyd", "respekt", "alder", "antall", "kommentar", "takk"]
    assert [x.key for x in queries.pages(q)[1][1]][0] == "respekt"


def test_the_first_question_cannot_move_up_and_the_last_cannot_move_down(app):
    q = make_small_questionnaire()
    assert not services.move_question(queries.question_by_key(q, "fornoyd"), -1)
    assert not services.move_question(queries.question_by_key(q, "takk"), 1)
    assert keys_in_order(q) == ["fornoyd", "respekt", "alder", "antall", "kommentar", "takk"]


def test_moving_a_section_moves_its_questions_with_it(app):
    q = make_small_questionnaire()
    services.move_section(queries.sections(q)[1], -1)
    assert keys_in_order(q) == ["alder", "antall", "kommentar", "takk", "fornoyd", "respekt"]


def test_a_question_edited_into_another_section_lands_at_its_end(app):
    q = make_small_questionnaire()
    question = queries.question_by_key(q, "fornoyd")
    services.update_question(
        question, services.QuestionData.of(question), section=queries.sections(q)[1]
    )
    assert keys_in_order(q) == ["respekt", "alder", "antall", "kommentar", "takk", "fornoyd"]


def test_deleting_a_question_takes_it_out_of_its_indicators(any_app):
    q = make_small_questionnaire()
    db.session.commit()
    services.delete_question(queries.question_by_key(q, "fornoyd"))
    db.session.commit()
    assert [x.key for x in q.indicators[0].questions] == ["respekt"]
    assert [x.position for x in q.sections[0].questions] == [0]


def test_deleting_a_section_deletes_its_questions(any_app):
    q = make_small_questionnaire()
    db.session.commit()
    services.delete_section(queries.sections(q)[0])
    db.session.commit()
    assert keys_in_order(q) == ["alder", "antall", "kommentar", "takk"]
    assert q.indicators[0].questions == [] and queries.sections(q)[0].position == 0


def test_deleting_a_draft_leaves_the_published_versions(any_app):
    old = make_small_questionnaire(publish=True)
    draft = services.new_version(old)
    services.delete_draft(draft)
    db.session.commit()
    assert [v.version for v in queries.versions(old.key)] == [1]


def test_publishing_needs_an_answerable_question(app, english):
    q = make_questionnaire()
    make_question(q.sections[0], "bare_info", "info")
    check = services.publish_check(q)
    assert any("no question to answer" in e.message for e in check.errors)
    with pytest.raises(services.PublishRefused):
        services.publish(q)
    assert q.status == QuestionnaireStatus.DRAFT


def test_publishing_needs_bokmal_text_everywhere_and_items_in_every_indicator(app, english):
    q = make_questionnaire()
    question = make_question(q.sections[0], "engelsk", text="x")
    data = services.QuestionData.of(question)
    data.text = {"en": "Only in English"}
    services.update_question(question, data)
    make_question(q.sections[0], "valg", "single", choices=[("a", {"en": "A"}), ("b", {"nb": "B"})])
    make_indicator(q, "tom", [])
    messages = [(e.place, e.message) for e in services.publish_check(q).errors]
    assert ("Question engelsk", "No bokmål text for: question text.") in messages
    assert ("Question valg", "No bokmål text for: choice a.") in messages
    assert any(
        place == "Indicator tom" and "no questions" in message for place, message in messages
    )


def test_missing_nynorsk_and_english_are_warnings_not_errors(app, english):
    q = make_small_questionnaire()
    check = services.publish_check(q)
    assert check.ok
    assert any(
        w.place == "Question fornoyd" and "Nynorsk (nn), English (en)" in w.message
        for w in check.warnings
    )
    services.publish(q)
    assert q.is_published and q.published_at is not None


def test_a_choice_question_without_choices_cannot_be_published(app, english):
    q = make_small_questionnaire()
    make_question(q.sections[0], "tomt", "single", choices=[])
    assert any("at least two choices" in e.message for e in services.publish_check(q).errors)


def test_publishing_an_unchanged_copy_is_allowed_with_a_warning(app, english):
    new = services.new_version(make_small_questionnaire(publish=True))
    check = services.publish_check(new)
    assert check.ok and any("same as version 1" in w.message for w in check.warnings)
