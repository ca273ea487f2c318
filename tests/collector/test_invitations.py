"""E-mail and SMS invitations and reminders, personal links, deletion at close: through a real
SMTP server (aiosmtpd) and a real HTTP gateway in the test process, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text, update

from collector import invitations, queries, services
from collector.clock import utcnow
from collector.models import Contact, ContactChannel, DeliveryState
from helhet.extensions import db
from helhet.tabular import ImportFailed
from tests import factories as core
from tests.collector import factories
from tests.collector.helpers import answer_all_pages, send
from tests.collector.messageservers import SmsGateway, SmtpServer

ADDRESS = "https://svar.kommune.no/svar"
LINK = re.compile(r"https://svar\.kommune\.no/k/([23456789A-HJKMNP-Z]{10})")
LINK_WITH_LANGUAGE = re.compile(r"/k/[23456789A-HJKMNP-Z]{10}\?lang=[a-z]{2}")


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def gateway():
    server = SmsGateway().start()
    yield server
    server.stop()


@pytest.fixture
def setup(any_app, smtp, gateway):
    any_app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_DEFAULT_SENDER="Kommunen <undersokelse@kommune.no>",
        MAIL_TIMEOUT=5,
        SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_TOKEN="secret-token",
        SMS_SENDER="Kommunen",
        SMS_GATEWAY_TIMEOUT=5,
    )
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(sections=1, questions_per_section=2)
    units = [tree["4601-helse-hjemme"], tree["4601-oppvekst-skole"]]
    campaign = factories.make_campaign(questionnaire, units)
    return any_app, campaign, units, questionnaire


def add(campaign, unit, content: str, channel=ContactChannel.EMAIL, name="list.csv") -> int:
    count = invitations.import_contacts(campaign, unit, channel, name, content.encode())
    db.session.commit()
    return count


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def code_in(message) -> str:
    return LINK.search(body(message)).group(1)


def open_link(client, code: str):
    return client.get(f"/k/{code}")


def test_each_address_gets_its_own_code_in_its_language(setup, smtp):
    app, campaign, units, _q = setup
    add(
        campaign,
        units[0],
        "email;language\nkari@example.no;nb\nola@example.no;nn\nann@example.no;en\n",
    )
    add(campaign, units[1], "email\nper@example.no\n")
    report = invitations.send_invitations(campaign, ADDRESS)
    assert report.sent == 4 and not report.refused and not report.uncertain
    mails = {m["To"]: m for m in smtp.recorder.messages}
    assert set(mails) == {"kari@example.no", "ola@example.no", "ann@example.no", "per@example.no"}
    assert mails["kari@example.no"]["Subject"].startswith("Invitasjon")
    assert mails["ola@example.no"]["Subject"].startswith("Invitasjon")
    assert "Spørsmål" not in mails["ann@example.no"]["Subject"]
    assert mails["ann@example.no"]["Subject"].startswith("Invitation: Employee survey")
    assert "Medarbeidarundersøking" in mails["ola@example.no"]["Subject"]
    assert "Undersøkelsen er åpen til " in body(mails["kari@example.no"])  # the closing time
    assert "The survey is open until " in body(mails["ann@example.no"])
    codes_seen = {address: code_in(m) for address, m in mails.items()}
    assert len(set(codes_seen.values())) == 4
    for address, message in mails.items():
        code = codes_seen[address]
        assert f"{code[:5]}-{code[5:]}" in body(message)  # the typed code too
        html = message.get_body(preferencelist=("html",)).get_content()
        assert f"/k/{code}" in html
    # the link opens the survey in the language of the mail
    english = app.test_client()
    english.get(LINK_WITH_LANGUAGE.search(body(mails["ann@example.no"])).group(0))
    assert 'lang="en"' in english.get("/svar/side/1").get_data(as_text=True)
    # the code in each mail opens the survey for that address's unit
    for address, unit in (("kari@example.no", units[0]), ("per@example.no", units[1])):
        client = app.test_client()
        response = open_link(client, codes_seen[address])
        assert response.status_code == 303
        with client.session_transaction() as browser:
            ref = queries.draft_ref(browser["answer"])
        assert ref.unit_id == unit.id and ref.campaign_id == campaign.id
    states = set(db.session.scalars(select(Contact.state)))
    assert states == {DeliveryState.SENT}
    # nothing more to send: a second run sends nothing
    assert invitations.send_invitations(campaign, ADDRESS).sent == 0
    assert len(smtp.recorder.messages) == 4


def test_bad_list_is_refused_row_by_row_and_nothing_is_kept(setup):
    _app, campaign, units, _q = setup
    content = (
        "email,language\nkari@example.no,nb\nnot-an-address,nb\nKARI@example.no,nn\n"
        "ola@example.no,xx\n"
    )
    with pytest.raises(ImportFailed) as failure:
        add(campaign, units[0], content)
    db.session.rollback()
    messages = [str(p) for p in failure.value.problems]
    assert len(messages) == 3, messages
    assert any("3" in m and "e-mail" in m for m in messages)
    assert any("also on line 2" in m for m in messages)
    assert any("xx" in m for m in messages)
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 0
    assert db.session.scalar(text("select count(*) from invitation")) == 0
    # one already in the round
    add(campaign, units[0], "email\nkari@example.no\n")
    with pytest.raises(ImportFailed, match="already has an invitation"):
        add(campaign, units[0], "email\nkari@example.no\n")


def test_reminders_only_to_codes_not_completed_and_once_a_day(setup, smtp):
    app, campaign, units, questionnaire = setup
    add(campaign, units[0], "email\na@example.no\nb@example.no\nc@example.no\n")
    invitations.send_invitations(campaign, ADDRESS)
    code = code_in(smtp.recorder.to("a@example.no")[0])
    client = app.test_client()
    assert open_link(client, code).status_code == 303
    answer_all_pages(client, questionnaire)
    assert send(client).status_code == 303
    half = code_in(smtp.recorder.to("b@example.no")[0])
    assert open_link(app.test_client(), half).status_code == 303  # started, not sent
    report = invitations.send_reminders(campaign, ADDRESS)
    assert report.sent == 2
    reminders = [m for m in smtp.recorder.messages if m["Subject"].startswith("Påminnelse")]
    assert sorted(m["To"] for m in reminders) == ["b@example.no", "c@example.no"]
    assert code_in(smtp.recorder.to("c@example.no")[1]) == code_in(
        smtp.recorder.to("c@example.no")[0]
    )  # the same code and link as the invitation
    assert invitations.send_reminders(campaign, ADDRESS).sent == 0  # once a day
    assert len(smtp.recorder.messages) == 5


def test_the_contact_rows_do_not_say_who_answered_or_when(setup, smtp):
    """A reminder run moves every invited contact's reminder day, completed or not, clears the
    time of the claim once the outcome is known, and keeps no count of reminders per address:
    a snapshot of the contact table while the round runs does not date anyone's answers."""
    app, campaign, units, questionnaire = setup
    add(campaign, units[0], "email\na@example.no\nb@example.no\n")
    invitations.send_invitations(campaign, ADDRESS)
    client = app.test_client()
    assert open_link(client, code_in(smtp.recorder.to("a@example.no")[0])).status_code == 303
    answer_all_pages(client, questionnaire)
    assert send(client).status_code == 303  # a@ has answered, b@ has not
    assert invitations.send_reminders(campaign, ADDRESS).sent == 1
    rows = db.session.execute(
        text("select address, reminded_on, claimed_at, state from contact order by address")
    ).all()
    assert [(r.address, r.state) for r in rows] == [
        ("a@example.no", "sent"),
        ("b@example.no", "sent"),
    ]
    assert rows[0].reminded_on == rows[1].reminded_on is not None
    assert rows[0].claimed_at is None and rows[1].claimed_at is None
    columns = {c["name"] for c in inspect(db.engine).get_columns("contact")}
    assert "reminders" not in columns


def test_a_send_cut_off_by_the_server_and_repeated_sends_nothing_twice(setup, smtp):
    _app, campaign, units, _q = setup
    add(campaign, units[0], "".join(["email\n", *(f"p{i}@example.no\n" for i in range(6))]))
    smtp.recorder.temporary_after = 2  # the server stops accepting after two mails
    first = invitations.send_invitations(campaign, ADDRESS)
    assert first.sent == 2 and first.retry == 4
    smtp.recorder.temporary_after = None
    smtp.recorder.drop_after = 3  # stores the fourth, then breaks the connection unanswered
    second = invitations.send_invitations(campaign, ADDRESS)
    assert second.sent == 3 and len(second.uncertain) == 1
    third = invitations.send_invitations(campaign, ADDRESS)
    assert third.sent == 0
    received = [m["To"] for m in smtp.recorder.messages]
    assert sorted(received) == sorted(f"p{i}@example.no" for i in range(6))  # each exactly once
    assert len(invitations.summary(campaign).problems) == 1


def test_a_mark_left_by_a_killed_process_is_reported_not_repeated(setup, smtp):
    _app, campaign, units, _q = setup
    add(campaign, units[0], "email\nx@example.no\ny@example.no\n")
    # as a process killed between marking and recording leaves it
    db.session.execute(
        update(Contact)
        .where(Contact.address == "x@example.no")
        .values(state=DeliveryState.SENDING, claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    report = invitations.send_invitations(campaign, ADDRESS)
    assert report.sent == 1
    assert [m["To"] for m in smtp.recorder.messages] == ["y@example.no"]
    assert [c.address for c in invitations.summary(campaign).problems] == ["x@example.no"]


def test_refused_recipients_are_reported_on_the_command_line_and_the_page(setup, smtp, tmp_path):
    app, campaign, units, _q = setup
    smtp.recorder.refuse = {"gone@example.no"}
    path = tmp_path / "adresser.csv"
    path.write_text("email\nok@example.no\ngone@example.no\n")
    result = app.test_cli_runner().invoke(
        args=[
            "round",
            "invite",
            str(campaign.id),
            "--unit",
            units[0].code,
            "--addresses",
            str(path),
            "--base-url",
            "https://svar.kommune.no",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "1 invitations sent." in result.output
    assert "Refused: gone@example.no (550" in result.output
    admin = core.make_user("admin@test.no", role="admin")
    client = app.test_client()
    core.login(client, admin)
    page = client.get(f"/admin/runder/{campaign.id}").get_data(as_text=True)
    assert "gone@example.no" in page and "550" in page


def test_an_address_the_mail_server_would_mangle_is_refused_at_import(setup):
    """Without SMTPUTF8 an address with æ, ø or å before the @ would be sent to an encoded
    address that the server accepts, so it would count as sent; the list says so instead."""
    _app, campaign, units, _q = setup
    with pytest.raises(ImportFailed) as failure:
        add(campaign, units[0], "email\nøyvind@example.no\nkari@bæ.no\n")
    db.session.rollback()
    messages = [str(p) for p in failure.value.problems]
    assert len(messages) == 1 and "2" in messages[0] and "æ, ø" in messages[0], messages
    assert add(campaign, units[0], "email\nkari@bæ.no\n") == 1  # a domain with æ is fine


def test_a_gateway_that_cannot_be_reached_stops_the_run_and_marks_nobody_uncertain(setup, gateway):
    app, campaign, units, _q = setup
    add(campaign, units[0], "phone\n91234567\n41234567\n", ContactChannel.SMS)
    # TLS to a plain-HTTP port: the handshake fails before a request is written
    app.config["SMS_GATEWAY_URL"] = gateway.url.replace("http://", "https://")
    report = invitations.send_invitations(campaign, ADDRESS)
    assert report.sent == 0 and not report.uncertain and "sms" in report.unavailable
    states = db.session.scalars(select(Contact.state).order_by(Contact.id)).all()
    assert [s.value for s in states] == ["pending", "pending"]
    assert gateway.posts == []
    app.config["SMS_GATEWAY_URL"] = gateway.url
    assert invitations.send_invitations(campaign, ADDRESS).sent == 2  # tried again, once each


def test_text_messages_through_the_gateway(setup, gateway):
    app, campaign, units, questionnaire = setup
    with pytest.raises(ImportFailed) as failure:
        add(campaign, units[0], "phone\n22334455\n123\n", ContactChannel.SMS)
    db.session.rollback()
    assert len(failure.value.problems) == 2
    add(
        campaign,
        units[0],
        "phone;language\n912 34 567;nb\n+4741234567;en\n0046701234567;nb\n",
        ContactChannel.SMS,
    )
    gateway.status_for["+46701234567"] = 400
    report = invitations.send_invitations(campaign, ADDRESS)
    assert report.sent == 2 and [a for a, _r in report.refused] == ["+46701234567"]
    assert {p["recipient"] for p in gateway.posts} == {"+4791234567", "+4741234567"}
    assert all(p["authorization"] == "Bearer secret-token" for p in gateway.posts)
    assert all(p["sender"] == "Kommunen" for p in gateway.posts)
    english = gateway.to("+4741234567")[0]["text"]
    assert "You are invited" in english
    code = LINK.search(gateway.to("+4791234567")[0]["text"]).group(1)
    client = app.test_client()
    assert open_link(client, code).status_code == 303
    answer_all_pages(client, questionnaire)
    assert send(client).status_code == 303
    assert invitations.send_reminders(campaign, ADDRESS).sent == 1
    assert len(gateway.to("+4791234567")) == 1  # answered: no reminder
    assert len(gateway.to("+4741234567")) == 2
    assert invitations.send_invitations(campaign, ADDRESS).sent == 0  # nothing twice


def test_personal_link_redirects_without_the_code_and_leaks_it_nowhere(setup, caplog):
    app, campaign, units, questionnaire = setup
    [code] = factories.make_codes(campaign, units[0], 1)
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        response = open_link(client, code)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/svar/side/1")
    assert code not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert code not in caplog.text
    lines = [getattr(r, "fields", None) or {} for r in caplog.records]
    assert {"route": "/k/<code>", "status": 303}.items() <= lines[-1].items()
    assert code not in repr(lines)  # the request line names the rule only
    page = client.get("/svar/side/1")
    assert page.status_code == 200
    # the development server's request line has the code replaced
    from helhet.privacy import StripClientAddress

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '127.0.0.1 - - [x] "%s" %s %s',
        (f"GET /k/{code} HTTP/1.1", "303", "-"),
        None,
    )
    StripClientAddress().filter(record)
    assert code not in record.getMessage() and "127.0.0.1" not in record.getMessage()
    # an unknown code and a used one say so
    unknown = app.test_client().get("/k/ABCDEFGHJK")
    assert unknown.status_code == 404 and unknown.headers["Referrer-Policy"] == "no-referrer"
    assert "We did not find the code" in unknown.get_data(as_text=True) or "Vi fant ikke" in (
        unknown.get_data(as_text=True)
    )
    answer_all_pages(client, questionnaire)
    assert send(client).status_code == 303
    used = app.test_client().get(f"/k/{code}")
    assert used.status_code == 409 and used.headers["Referrer-Policy"] == "no-referrer"
    assert code not in used.get_data(as_text=True)  # not even in the language links
    assert "ABCDEFGHJK" not in unknown.get_data(as_text=True)


def test_addresses_and_numbers_are_deleted_when_the_round_closes(setup, smtp, tmp_path):
    app, campaign, units, questionnaire = setup
    add(campaign, units[0], "email\na@example.no\n")
    add(campaign, units[0], "phone\n91234567\n", ContactChannel.SMS)
    services.close_now(campaign)
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 0
    # a round whose time ran out and that nobody closed: the round page forgets its contacts
    other = factories.make_campaign(questionnaire, [units[0]], name="Andre")
    add(other, units[0], "email\nb@example.no\n")
    other.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    admin = core.make_user("admin@test.no", role="admin")
    client = app.test_client()
    core.login(client, admin)
    assert client.get(f"/admin/runder/{other.id}").status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 0
    # and so does the daily reminder command for a third one
    third = factories.make_campaign(questionnaire, [units[0]], name="Tredje")
    add(third, units[0], "email\nc@example.no\n")
    third.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["round", "remind", str(third.id)])
    assert result.exit_code == 0 and "closed" in result.output
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 0


def test_no_row_links_an_address_or_number_to_a_response(setup, smtp, gateway):
    app, campaign, units, questionnaire = setup
    add(campaign, units[0], "email\nanne@example.no\nbjorn@example.no\n")
    add(campaign, units[0], "phone\n91234567\n", ContactChannel.SMS)
    invitations.send_invitations(campaign, ADDRESS)
    for message in smtp.recorder.messages:
        client = app.test_client()
        assert open_link(client, code_in(message)).status_code == 303
        answer_all_pages(client, questionnaire)
        assert send(client).status_code == 303
    inspector = inspect(db.engine)
    contact_keys = {fk["referred_table"] for fk in inspector.get_foreign_keys("contact")}
    assert contact_keys == {"campaign", "org_unit", "invitation"}
    for table in ("response", "answer", "invitation", "draft"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not columns & {"contact_id", "address", "phone", "email"}, table
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "contact" not in referred
    for table in ("response", "answer", "draft", "invitation"):
        for row in db.session.execute(text(f"select * from {table}")):
            flat = " ".join(str(v) for v in row)
            assert "example.no" not in flat and "91234567" not in flat
    services.close_now(campaign)
    db.session.commit()
    for table in inspector.get_table_names():
        for row in db.session.execute(text(f'select * from "{table}"')):
            flat = " ".join(str(v) for v in row)
            assert "example.no" not in flat and "91234567" not in flat, table


def test_the_round_page_takes_a_list_and_sends_its_invitations(setup, smtp):
    app, campaign, units, _q = setup
    admin = core.make_user("admin@test.no", role="admin")
    client = app.test_client()
    core.login(client, admin)
    bad = client.post(
        f"/admin/runder/{campaign.id}/kontakter",
        data={
            "unit": str(units[0].id),
            "channel": "email",
            "file": (
                io.BytesIO(b"email;language\nkari@example.no;xx\nkari@example.no;nb\n"),
                "l.csv",
            ),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Ingenting ble importert" in page and "Ukjent språk xx" in page
    assert "står også på linje 2" in page
    assert db.session.scalar(select(db.func.count()).select_from(Contact)) == 0
    good = client.post(
        f"/admin/runder/{campaign.id}/kontakter",
        data={
            "unit": str(units[0].id),
            "channel": "email",
            "file": (io.BytesIO(b"email\nkari@example.no\nola@example.no\n"), "l.csv"),
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    assert sorted(m["To"] for m in smtp.recorder.messages) == ["kari@example.no", "ola@example.no"]
    page = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "2 invitasjoner ble sendt." in page
    reminded = client.post(f"/admin/runder/{campaign.id}/send/paminnelser")
    assert reminded.status_code == 303
    assert len(smtp.recorder.messages) == 4
    assert "2 påminnelser ble sendt." in client.get(reminded.headers["Location"]).get_data(
        as_text=True
    )


def test_a_send_from_the_page_stops_in_time_and_says_what_is_still_waiting(
    setup, smtp, monkeypatch
):
    """A page's request must end before the server's timeout: a send from the round page stops
    starting messages after PAGE_SEND_SECONDS, and the rest wait for the next press."""
    from collector import admin_routes

    app, campaign, units, _q = setup
    admin = core.make_user("admin@test.no", role="admin")
    client = app.test_client()
    core.login(client, admin)
    add(campaign, units[0], "email\nkari@example.no\nola@example.no\n")
    monkeypatch.setattr(admin_routes, "PAGE_SEND_SECONDS", 0)
    pressed = client.post(f"/admin/runder/{campaign.id}/send/invitasjoner")
    assert pressed.status_code == 303
    assert smtp.recorder.messages == []
    page = client.get(pressed.headers["Location"]).get_data(as_text=True)
    assert "2 meldinger venter fortsatt" in page
    states = db.session.scalars(select(Contact.state)).all()
    assert {s.value for s in states} == {"pending"}  # none claimed, none uncertain
    monkeypatch.setattr(admin_routes, "PAGE_SEND_SECONDS", 20)
    client.post(f"/admin/runder/{campaign.id}/send/invitasjoner")
    assert sorted(m["To"] for m in smtp.recorder.messages) == ["kari@example.no", "ola@example.no"]


def test_phones_from_the_command_line_through_a_json_gateway_with_basic_auth(
    setup, gateway, tmp_path
):
    app, campaign, units, _q = setup
    app.config.update(
        SMS_GATEWAY_FORMAT="json",
        SMS_GATEWAY_TOKEN="",
        SMS_GATEWAY_USER="kommune",
        SMS_GATEWAY_PASSWORD="hemmelig",
    )
    gateway.status_for["+4799999999"] = 503  # the gateway failed after taking the request
    path = tmp_path / "telefoner.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["phone", "language"])
    book.active.append(["+47 412 34 567", "pl"])
    book.active.append(["99999999", "nb"])
    book.save(path)
    runner = app.test_cli_runner()
    args = ["round", "invite", str(campaign.id), "--unit", units[0].code, "--phones", str(path)]
    result = runner.invoke(args=[*args, "--base-url", "https://svar.kommune.no"])
    assert result.exit_code == 0, result.output
    assert "2 contacts added" in result.output and "1 invitations sent." in result.output
    assert "Uncertain (the connection broke; not sent again): +4799999999" in result.output
    [post] = gateway.posts
    assert post["recipient"] == "+4741234567"
    assert post["authorization"] == "Basic a29tbXVuZTpoZW1tZWxpZw=="  # kommune:hemmelig
    assert "Zapraszamy" in post["text"] and LINK.search(post["text"])
    # the same file again: every number is already in the round, nothing is added
    again = runner.invoke(args=[*args, "--no-send"])
    assert again.exit_code == 1 and "already has an invitation" in again.output
    # a repeated send hands nothing over again, not even the uncertain one
    gateway.status_for.clear()
    repeat = runner.invoke(
        args=["round", "invite", str(campaign.id), "--base-url", "https://svar.kommune.no"]
    )
    assert "0 invitations sent." in repeat.output and len(gateway.posts) == 1


def test_nothing_is_sent_without_a_mail_server_and_the_command_says_so(setup, tmp_path):
    app, campaign, units, _q = setup
    app.config.update(MAIL_SERVER="")
    add(campaign, units[0], "email\nkari@example.no\n")
    result = app.test_cli_runner().invoke(
        args=["round", "invite", str(campaign.id), "--base-url", "https://svar.kommune.no"]
    )
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output
    assert db.session.scalar(select(Contact.state)) == DeliveryState.PENDING


def test_mail_and_sms_settings_are_read_from_the_environment(monkeypatch):
    from helhet import config

    monkeypatch.setenv("MAIL_SERVER", "smtp.kommune.no")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "Kommunen <u@kommune.no>")
    monkeypatch.setenv("SMS_GATEWAY_URL", "https://gateway.example/sms")
    monkeypatch.setenv("SMS_GATEWAY_TIMEOUT", "10")
    loaded = config.load({"SECRET_KEY": "x"})
    assert loaded["MAIL_SERVER"] == "smtp.kommune.no" and loaded["MAIL_PORT"] == 587
    assert loaded["MAIL_USE_TLS"] is True and loaded["MAIL_USE_SSL"] is False
    assert loaded["MAIL_DEFAULT_SENDER"] == "Kommunen <u@kommune.no>"
    assert loaded["SMS_GATEWAY_URL"] == "https://gateway.example/sms"
    assert loaded["SMS_GATEWAY_TIMEOUT"] == 10
