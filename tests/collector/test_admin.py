"""Round administration pages: administrators create and follow rounds; leaders get 403."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from collector import codes
from collector.clock import to_local, utcnow
from collector.models import Campaign, Invitation, Response
from helhet.extensions import db
from tests.collector import factories, helpers, pdftext


def html(response) -> str:
    return response.get_data(as_text=True)


def local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def create_form(questionnaire, units, **changes) -> dict:
    now = utcnow()
    data = {
        "name": "Medarbeiderundersøkelse 2026",
        "questionnaire": str(questionnaire.id),
        "units": [str(u.id) for u in units],
        "opens": local(now),
        "closes": local(now + timedelta(days=14)),
        "use_codes": "y",
        "open_link": "y",
        "min_group": "5",
        "period": "2026",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def english_admin(admin_client):
    helpers.english(admin_client)
    return admin_client


ADMIN_PAGES = [
    "/admin/runder",
    "/admin/runder/ny",
    "/admin/runder/{id}",
    "/admin/runder/{id}/papirsvar",
    "/admin/runder/{id}/papirsvar/mal.csv",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_leader_gets_403_on_the_round_pages(leader_client, path, tree):
    open_round = factories.make_open_round(tree)
    assert leader_client.get(path.format(id=open_round.campaign.id)).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/runder/{id}/forleng",
        "/admin/runder/{id}/steng",
        "/admin/runder/{id}/koder",
        "/admin/runder/{id}/papirsvar",
    ],
)
def test_a_leader_cannot_change_a_round(leader_client, path, tree):
    open_round = factories.make_open_round(tree)
    assert leader_client.post(path.format(id=open_round.campaign.id), data={}).status_code == 403


def test_the_round_list_shows_status_and_response_counts(english_admin, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(
        english_admin.application.test_client(), open_round.questionnaire, open_round.codes[0]
    )
    scheduled = factories.make_campaign(
        open_round.questionnaire,
        [tree["4601-helse-sykehjem"]],
        state="scheduled",
        name="Neste runde",
    )
    page = html(english_admin.get("/admin/runder"))
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    testrunde = next(r for r in rows if "Testrunde" in r)
    assert "Open" in testrunde and re.search(r'class="num">1</td>\s*</tr>', testrunde)
    assert "Not yet open" in next(r for r in rows if scheduled.name in r)


def test_an_administrator_creates_a_round_from_the_form(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    response = english_admin.post(
        "/admin/runder/ny", data=create_form(questionnaire, [tree["4601-helse-hjemme"]])
    )
    assert response.status_code == 303
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.name == "Medarbeiderundersøkelse 2026"
    assert [cu.unit.code for cu in campaign.units] == ["4601-helse-hjemme"]
    assert campaign.open_link and campaign.use_codes and campaign.min_group == 5
    assert response.headers["Location"].endswith(f"/admin/runder/{campaign.id}")


def test_the_form_times_are_norwegian_time(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    english_admin.post(
        "/admin/runder/ny",
        data=create_form(
            questionnaire,
            [tree["4601-helse-hjemme"]],
            opens="2030-01-15T08:00",
            closes="2030-06-15T08:00",
        ),
    )
    campaign = db.session.scalars(select(Campaign)).one()
    assert (campaign.opens_at.hour, campaign.closes_at.hour) == (7, 6)


def test_every_unit_under_a_sector_can_be_chosen_at_once(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    english_admin.post(
        "/admin/runder/ny",
        data=create_form(questionnaire, [], all_under=[str(tree["4601-helse"].id)]),
    )
    campaign = db.session.scalars(select(Campaign)).one()
    assert sorted(cu.unit.code for cu in campaign.units) == [
        "4601-helse-hjemme",
        "4601-helse-sykehjem",
    ]


def test_a_minimum_group_below_3_is_refused(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    response = english_admin.post(
        "/admin/runder/ny",
        data=create_form(questionnaire, [tree["4601-helse-hjemme"]], min_group="2"),
    )
    assert response.status_code == 422
    assert "Write a number from 3 to 1000." in html(response)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_the_minimum_group_is_5_unless_changed(english_admin):
    assert re.search(
        r'id="min_group"[^>]*value="5"|value="5"[^>]*id="min_group"',
        html(english_admin.get("/admin/runder/ny")),
    )


def test_only_published_questionnaires_can_be_chosen(english_admin, tree):
    published = factories.make_questionnaire(key="ferdig")
    draft = factories.make_questionnaire(key="utkast", published=False)
    page = html(english_admin.get("/admin/runder/ny"))
    select_box = re.search(r'<select[^>]*id="questionnaire".*?</select>', page, re.S).group(0)
    assert f'value="{published.id}"' in select_box and f'value="{draft.id}"' not in select_box
    response = english_admin.post(
        "/admin/runder/ny", data=create_form(draft, [tree["4601-helse-hjemme"]])
    )
    assert response.status_code == 422


def test_a_round_needs_units_and_a_way_in(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    response = english_admin.post("/admin/runder/ny", data=create_form(questionnaire, []))
    assert "Choose at least one unit." in html(response)
    response = english_admin.post(
        "/admin/runder/ny",
        data=create_form(
            questionnaire, [tree["4601-helse-hjemme"]], use_codes=None, open_link=None
        ),
    )
    assert "Choose open link, invitation codes or both." in html(response)


def test_a_round_must_close_after_it_opens(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    response = english_admin.post(
        "/admin/runder/ny",
        data=create_form(
            questionnaire,
            [tree["4601-helse-hjemme"]],
            opens="2030-03-01T08:00",
            closes="2030-02-01T08:00",
        ),
    )
    assert response.status_code == 422
    assert "The round must close after it opens." in html(response)


def test_a_garbled_time_gets_a_message_at_the_field(english_admin, tree):
    questionnaire = factories.make_questionnaire()
    response = english_admin.post(
        "/admin/runder/ny",
        data=create_form(questionnaire, [tree["4601-helse-hjemme"]], opens="soon"),
    )
    assert response.status_code == 422
    assert "Write the date and time as YYYY-MM-DD HH:MM" in html(response)


def test_the_round_page_shows_population_responses_and_rate_per_unit(english_admin, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(
        english_admin.application.test_client(), open_round.questionnaire, open_round.codes[0]
    )
    page = html(english_admin.get(f"/admin/runder/{open_round.campaign.id}"))
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "Hjemmetjenesten" in r)
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
    assert cells[:3] == ["45", "1", "2 %"]  # 1 of 45
    assert cells[3:5] == ["3", "1"]  # codes issued, used
    assert f"/s/{open_round.campaign.units[0].link_token}" in row


def test_the_round_page_shows_no_answers(english_admin, tree):
    open_round = factories.make_open_round(tree)
    helpers.answer_with_code(
        english_admin.application.test_client(), open_round.questionnaire, open_round.codes[0]
    )
    page = html(english_admin.get(f"/admin/runder/{open_round.campaign.id}"))
    assert "Fint å jobbe her." not in page


def test_a_running_round_can_be_extended(english_admin, tree):
    open_round = factories.make_open_round(tree)
    later = open_round.campaign.closes_at + timedelta(days=7)
    response = english_admin.post(
        f"/admin/runder/{open_round.campaign.id}/forleng", data={"closes": local(later)}
    )
    assert response.status_code == 303
    db.session.refresh(open_round.campaign)
    assert abs(open_round.campaign.closes_at - later) < timedelta(minutes=1)


def test_extending_to_an_earlier_time_is_refused(english_admin, tree):
    open_round = factories.make_open_round(tree)
    earlier = open_round.campaign.closes_at - timedelta(days=1)
    response = english_admin.post(
        f"/admin/runder/{open_round.campaign.id}/forleng", data={"closes": local(earlier)}
    )
    assert response.status_code == 422
    assert "Choose a closing time after the current one" in html(response)


def test_a_running_round_can_be_closed_early(english_admin, tree):
    open_round = factories.make_open_round(tree)
    response = english_admin.post(f"/admin/runder/{open_round.campaign.id}/steng")
    assert response.status_code == 303
    db.session.refresh(open_round.campaign)
    assert open_round.campaign.state().value == "closed"
    respondent = english_admin.application.test_client()
    assert helpers.enter_code(respondent, open_round.codes[0]).status_code == 410


def test_there_is_no_way_to_change_the_questionnaire_of_a_round(app):
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("collector.") and "POST" in r.methods
    ]
    assert {r.endpoint for r in rules} == {
        "collector.enter_code",
        "collector.open_link",
        "collector.answer_page",
        "collector.review",
        "collector.new_campaign",
        "collector.extend",
        "collector.close",
        "collector.issue_codes",
        "collector.import_paper",
        "collector.held",
        "collector.upload_contacts",  # contacts to invite; the round itself stays as it is
        "collector.send_messages",
    }


def issue(client, campaign, unit, count, output="csv", language="nb"):
    return client.post(
        f"/admin/runder/{campaign.id}/koder",
        data={f"count_{unit.id}": str(count), "output": output, "language": language},
    )


def test_issuing_codes_downloads_a_csv_for_mail_merge(english_admin, tree):
    open_round = factories.make_open_round(tree)
    response = issue(english_admin, open_round.campaign, open_round.unit, 4)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4
    assert rows[0]["unit"] == "4601-helse-hjemme" and rows[0]["address"] == "http://localhost/svar"
    stored = set(db.session.scalars(select(Invitation.code_hash)))
    assert {codes.code_hash(codes.normalise(r["code"])) for r in rows} <= stored
    assert len(stored) == 3 + 4


def test_issuing_codes_can_give_printable_letters_one_per_code(english_admin, tree):
    open_round = factories.make_open_round(tree)
    response = issue(english_admin, open_round.campaign, open_round.unit, 3, output="pdf")
    assert response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdftext.page_count(pdf) == 3
    text = pdftext.text(pdf)
    assert "http://localhost/svar" in text
    assert "Testkommune" in text


def test_the_zip_holds_the_csv_and_the_letters_with_the_same_codes(english_admin, tree):
    open_round = factories.make_open_round(tree)
    response = issue(
        english_admin, open_round.campaign, open_round.unit, 2, output="zip", language="nn"
    )
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = sorted(archive.namelist())
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "pdf"]
    rows = list(
        csv.DictReader(io.StringIO(archive.read(names[0]).decode("utf-8-sig")), delimiter=";")
    )
    text = pdftext.text(archive.read(names[1]))
    assert all(r["code"] in text for r in rows)


def test_issuing_codes_without_a_count_says_what_is_missing(english_admin, tree):
    open_round = factories.make_open_round(tree)
    response = english_admin.post(
        f"/admin/runder/{open_round.campaign.id}/koder", data={"output": "csv"}
    )
    assert response.status_code == 422
    assert "Write how many codes you need for at least one unit." in html(response)


def test_a_unit_with_a_spike_of_open_link_answers_is_flagged_for_administrators(
    english_admin, tree
):
    open_round = factories.make_open_round(tree)
    from collector.clock import today
    from collector.models import ResponseSource

    campaign = open_round.campaign
    campaign.opens_at = utcnow() - timedelta(days=3)
    for day_offset, count in ((3, 1), (2, 1), (1, 1), (0, 12)):
        for _ in range(count):
            db.session.add(
                Response(
                    campaign_id=campaign.id,
                    unit_id=open_round.unit.id,
                    submitted_on=today() - timedelta(days=day_offset),
                    source=ResponseSource.OPEN_LINK,
                )
            )
    db.session.commit()
    page = html(english_admin.get(f"/admin/runder/{campaign.id}"))
    assert "Unusual number of open-link answers" in page
    assert "Hjemmetjenesten has 12 open-link answers today" in page


def test_a_quiet_round_has_no_spike_note(english_admin, tree):
    open_round = factories.make_open_round(tree)
    assert "Unusual number" not in html(
        english_admin.get(f"/admin/runder/{open_round.campaign.id}")
    )


def test_the_paper_import_page_lists_the_question_keys(english_admin, tree):
    open_round = factories.make_open_round(tree)
    page = html(english_admin.get(f"/admin/runder/{open_round.campaign.id}/papirsvar"))
    assert "<code>s1q1</code>" in page and "<code>x_multiple</code>" in page


def test_the_paper_template_has_the_right_columns(english_admin, tree):
    open_round = factories.make_open_round(tree)
    response = english_admin.get(f"/admin/runder/{open_round.campaign.id}/papirsvar/mal.csv")
    header = response.get_data().decode("utf-8-sig").splitlines()[0].split(";")
    assert header[0] == "unit" and "s3q10" in header and "x_text" in header


def test_paper_answers_uploaded_on_the_page_are_stored(english_admin, tree):
    open_round = factories.make_open_round(tree)
    data = b"unit;s1q1;s1q2;x_single\n4601-helse-hjemme;4;dk;b\n4601-helse-hjemme;2;;a\n"
    response = english_admin.post(
        f"/admin/runder/{open_round.campaign.id}/papirsvar",
        data={"file": (io.BytesIO(data), "papir.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_a_wrong_paper_file_lists_every_error_by_line_and_column_and_stores_nothing(
    english_admin, tree
):
    open_round = factories.make_open_round(tree)
    data = b"unit;s1q1;x_single\n4601-helse-hjemme;9;b\nukjent;3;q\n"
    response = english_admin.post(
        f"/admin/runder/{open_round.campaign.id}/papirsvar",
        data={"file": (io.BytesIO(data), "papir.csv")},
        content_type="multipart/form-data",
    )
    page = html(response)
    assert response.status_code == 422
    assert "Nothing was imported" in page
    assert (
        "Line 2, column s1q1: Write a whole number from 1 to 6, or dk for don&#39;t know." in page
    )
    assert "Line 3, column unit: ukjent is not a unit of this round" in page
    assert "Line 3, column x_single: q is not one of the options (a, b, c)." in page
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
