"""No response can be linked to its invitation code by an administrator with the database in hand.

The tests act as that administrator: employees answer with their codes (each with a free text of
their own, so a response can be recognised), the administrator knows who got which code and in
which order the codes were completed, closes the round with `helhet campaign close`, and then
tries every link: transaction ids (PostgreSQL's xmin), ids and physical row order against the
order of completion, leftover bytes (dead rows, SQLite's WAL and free pages), a dump, and the logs.

"Better than chance" is measured as an attacker would use it: pair the k-th completed code with the
k-th response (by id, by row position, in the dump). A random order gets one pair right on
average; 8 or more right out of 40 happens by chance about once in 100,000 runs. Before mixing
(today's main) every pair was right.
"""

from __future__ import annotations

import logging
import random
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from collector import codes as code_module
from collector import services
from collector.clock import utcnow
from collector.models import Answer, Campaign, Invitation, Response, ResponseState
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.concurrency import run_concurrently
from tests.conftest import PG_URL

RESPONDENTS = 40
MOST_PAIRS_RIGHT_BY_CHANCE = 7


def make_round(min_group: int = 5, respondents: int = RESPONDENTS):
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(
        sections=1, questions_per_section=2, extra_types=("text",)
    )
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit], open_link=False, min_group=min_group)
    return questionnaire, campaign, factories.make_codes(campaign, unit, respondents)


def secret_text(number: int) -> str:
    return f"hemmelig-fritekst-{number:03d}-{'x' * 12}"


def answer(client, questionnaire, code: str, free_text: str):
    assert helpers.enter_code(client, code).status_code == 303
    for page in helpers.pages_of(questionnaire):
        data = {**helpers.valid_page_data(page), "q_x_text": free_text, "action": "next"}
        assert client.post(f"/svar/side/{page.number}", data=data).status_code == 303
    assert helpers.send(client).status_code == 303


def answer_in_random_order(
    app, questionnaire, issued: list[str], seed: int = 7
) -> list[tuple[str, str]]:
    """Every code answers, in a random order; returns (code, its free text) in completion order."""
    order = list(issued)
    random.Random(seed).shuffle(order)
    completed = []
    for number, code in enumerate(order):
        free_text = secret_text(number)
        answer(app.test_client(), questionnaire, code, free_text)
        completed.append((code, free_text))
    return completed


def close_with_the_cli(app, campaign: Campaign) -> None:
    result = app.test_cli_runner().invoke(args=["campaign", "close", str(campaign.id)])
    assert result.exit_code == 0, result.output
    assert "sealed" in result.output
    assert "Warning" not in result.output, result.output  # the database files were scrubbed too
    db.session.rollback()


def text_of_responses(ids_in_order: list[int]) -> list[str]:
    texts = dict(
        db.session.execute(
            select(Answer.response_id, Answer.text).where(Answer.question_key == "x_text")
        ).all()
    )
    return [texts[i] for i in ids_in_order]


def pairs_right(completed: list[tuple[str, str]], texts_in_order: list[str]) -> int:
    """How many responses the attacker links right by pairing the k-th code with the k-th row."""
    assert sorted(texts_in_order) == sorted(t for _c, t in completed)
    return sum(
        1
        for (_code, expected), found in zip(completed, texts_in_order, strict=True)
        if expected == found
    )


def response_ids(campaign: Campaign, order_by: str) -> list[int]:
    return list(
        db.session.scalars(
            text(f"SELECT id FROM response WHERE campaign_id = :c ORDER BY {order_by}"),
            {"c": campaign.id},
        )
    )


# --- after the round is closed ---------------------------------------------------------------


def test_response_ids_say_nothing_of_the_order_codes_were_completed_in(any_app):
    questionnaire, campaign, issued = make_round()
    completed = answer_in_random_order(any_app, questionnaire, issued)
    close_with_the_cli(any_app, campaign)

    assert (
        pairs_right(completed, text_of_responses(response_ids(campaign, "id")))
        <= MOST_PAIRS_RIGHT_BY_CHANCE
    )


def test_the_physical_order_of_rows_says_nothing_of_the_order_codes_were_completed_in(any_app):
    questionnaire, campaign, issued = make_round()
    completed = answer_in_random_order(any_app, questionnaire, issued)
    close_with_the_cli(any_app, campaign)

    position = "ctid" if any_app.config["DATABASE_URL"].startswith("postgresql") else "rowid"
    assert (
        pairs_right(completed, text_of_responses(response_ids(campaign, position)))
        <= MOST_PAIRS_RIGHT_BY_CHANCE
    )
    invitations = list(db.session.scalars(text(f"SELECT id FROM invitation ORDER BY {position}")))
    assert invitations == sorted(invitations), (
        "invitations lie in the order they were issued, not completed"
    )


def test_every_response_and_every_code_of_the_round_share_one_transaction_id(pg_app):
    questionnaire, campaign, issued = make_round()
    completed = answer_in_random_order(pg_app, questionnaire, issued)
    hash_of = {code_module.code_hash(code): free_text for code, free_text in completed}
    close_with_the_cli(pg_app, campaign)

    linked = db.session.execute(
        text(
            "SELECT i.code_hash, a.text FROM invitation i JOIN response r ON r.xmin = i.xmin "
            "JOIN answer a ON a.response_id = r.id AND a.question_key = 'x_text'"
        )
    ).all()
    right = sum(1 for code_hash, free_text in linked if hash_of[code_hash] == free_text)
    assert right / len(linked) == pytest.approx(1 / RESPONDENTS), (
        "the xmin join is a guess among all pairs"
    )
    for table in ("invitation", "response", "answer"):
        assert db.session.scalar(text(f"SELECT count(DISTINCT xmin::text) FROM {table}")) == 1, (
            table
        )


def test_no_dead_row_is_left_to_read_in_the_tables_that_know_codes(pg_app):
    questionnaire, campaign, issued = make_round()
    answer_in_random_order(pg_app, questionnaire, issued)
    close_with_the_cli(pg_app, campaign)

    db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    for table in ("invitation", "draft"):
        blocks = db.session.scalar(
            text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
        )
        for block in range(blocks):
            dead = db.session.scalar(
                text(
                    f"SELECT count(*) FROM heap_page_items(get_raw_page('{table}', {block})) "
                    "WHERE t_xmax <> 0 OR lp_flags <> 1"
                )
            )
            assert dead == 0, (table, block)
    draft_bytes = b"".join(
        db.session.scalar(text(f"SELECT get_raw_page('draft', {b})"))
        for b in range(db.session.scalar(text("SELECT pg_relation_size('draft') / 8192")))
    )
    assert b"hemmelig-fritekst" not in draft_bytes
    db.session.rollback()


def test_a_dump_taken_after_closing_links_no_code_to_a_response(pg_app, tmp_path):
    questionnaire, campaign, issued = make_round()
    completed = answer_in_random_order(pg_app, questionnaire, issued)
    close_with_the_cli(pg_app, campaign)

    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "--table=response",
            "--table=answer",
            "--table=invitation",
            "--table=draft",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    copied = _copy_blocks(dump)
    assert copied["draft"] == []
    response_order = [int(row[0]) for row in copied["response"]]
    assert pairs_right(completed, text_of_responses(response_order)) <= MOST_PAIRS_RIGHT_BY_CHANCE
    invitation_order = [int(row[0]) for row in copied["invitation"]]
    assert invitation_order == sorted(invitation_order)


def _copy_blocks(dump: str) -> dict[str, list[list[str]]]:
    blocks: dict[str, list[list[str]]] = {}
    for match in re.finditer(
        r"^COPY public\.(\w+) .*? FROM stdin;\n(.*?)^\\\.$", dump, re.M | re.S
    ):
        blocks[match.group(1)] = [line.split("\t") for line in match.group(2).splitlines() if line]
    return blocks


def test_the_sqlite_files_keep_each_answer_once_and_no_wal(app):
    questionnaire, campaign, issued = make_round()
    completed = answer_in_random_order(app, questionnaire, issued)
    close_with_the_cli(app, campaign)

    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    content = path.read_bytes()
    for _code, free_text in completed:  # once, in the answer table: no draft, no old response left
        assert content.count(free_text.encode()) == 1, free_text
    backup = path.with_name("backup.sqlite")
    subprocess.run(["sqlite3", str(path), f".backup {backup}"], check=True, timeout=60)
    rows = subprocess.run(
        ["sqlite3", str(backup), "SELECT id FROM response ORDER BY rowid"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert (
        pairs_right(completed, text_of_responses([int(r) for r in rows]))
        <= MOST_PAIRS_RIGHT_BY_CHANCE
    )


def test_nothing_is_logged_that_names_a_code_or_an_answer(any_app, caplog):
    caplog.set_level(logging.DEBUG)
    questionnaire, campaign, issued = make_round(respondents=8)
    completed = answer_in_random_order(any_app, questionnaire, issued)
    close_with_the_cli(any_app, campaign)

    for code, free_text in completed:
        assert code not in caplog.text and free_text not in caplog.text


# --- while the round runs --------------------------------------------------------------------


def test_responses_wait_as_received_until_the_unit_has_a_batch_of_min_group(any_app):
    questionnaire, campaign, issued = make_round(min_group=5, respondents=7)
    completed = answer_in_random_order(any_app, questionnaire, issued[:4])
    db.session.rollback()
    states = list(db.session.scalars(select(Response.state)))
    assert states == [ResponseState.RECEIVED] * 4

    answer(any_app.test_client(), questionnaire, issued[4], "den femte")
    db.session.rollback()
    assert list(db.session.scalars(select(Response.state))) == [ResponseState.RELEASED] * 5
    assert len(completed) == 4


def test_a_released_batch_links_a_code_at_best_to_its_whole_batch(pg_app):
    questionnaire, campaign, issued = make_round(min_group=5, respondents=10)
    answer_in_random_order(pg_app, questionnaire, issued)
    db.session.rollback()

    batches = db.session.execute(
        text("SELECT xmin::text, count(*) FROM response GROUP BY xmin::text")
    ).all()
    assert sorted(size for _xmin, size in batches) == [5, 5]
    completed_invitations = db.session.scalar(
        text(
            "SELECT count(*) FROM invitation i WHERE EXISTS (SELECT 1 FROM response r WHERE r.xmin"
            " = i.xmin)"
        )
    )
    assert completed_invitations == 2, "only the code that completed a batch shares its transaction"


def test_after_a_send_the_sqlite_file_holds_no_trace_of_the_deleted_draft(app):
    questionnaire, campaign, issued = make_round(respondents=1)
    client = app.test_client()
    assert helpers.enter_code(client, issued[0]).status_code == 303
    page = helpers.pages_of(questionnaire)[0]
    for version in range(3):  # the draft is saved three times, each with other words
        data = {
            **helpers.valid_page_data(page),
            "q_x_text": f"utkast-{version}-{'y' * 10}",
            "action": "next",
        }
        assert client.post(f"/svar/side/{page.number}", data=data).status_code == 303
    assert helpers.send(client).status_code == 303
    db.session.remove()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    content = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///")).read_bytes()
    assert b"utkast-0" not in content and b"utkast-1" not in content
    assert content.count(b"utkast-2-") == 1  # the response itself


def test_sends_completing_batches_at_the_same_time_lose_nothing_and_make_no_small_batch(pg_app):
    questionnaire, campaign, issued = make_round(min_group=3, respondents=12)
    clients = []
    for code in issued:
        client = pg_app.test_client()
        assert helpers.enter_code(client, code).status_code == 303
        helpers.answer_all_pages(client, questionnaire)
        clients.append(client)
    statuses = run_concurrently([lambda c=c: helpers.send(c).status_code for c in clients])

    assert statuses == [303] * 12
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 12
    assert (
        db.session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.status == "completed")
        )
        == 12
    )
    released = db.session.execute(
        text(
            "SELECT xmin::text, count(*) FROM response WHERE state = 'released' GROUP BY xmin::text"
        )
    ).all()
    assert all(size >= 3 for _xmin, size in released), released


def test_extending_a_sealed_round_lets_it_be_sealed_again(app):
    questionnaire, campaign, issued = make_round(respondents=2)
    close_with_the_cli(app, campaign)
    assert db.session.get(Campaign, campaign.id).sealed_at is not None
    services.extend(db.session.get(Campaign, campaign.id), utcnow() + timedelta(days=2))
    db.session.commit()
    assert db.session.get(Campaign, campaign.id).sealed_at is None
    answer(app.test_client(), questionnaire, issued[0], "etter forlengelsen")
    close_with_the_cli(app, campaign)
    db.session.rollback()
    assert list(db.session.scalars(select(Response.state))) == [ResponseState.RELEASED]


def test_a_round_whose_time_ran_out_is_sealed_by_the_daily_job(app):
    questionnaire, campaign, issued = make_round(respondents=3)
    for number, code in enumerate(issued):
        answer(app.test_client(), questionnaire, code, secret_text(number))
    campaign = db.session.get(Campaign, campaign.id)
    campaign.closes_at = utcnow()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["campaign", "purge-drafts"])
    assert result.exit_code == 0, result.output
    assert f"Round {campaign.id} has closed and is now sealed." in result.output
    db.session.rollback()
    assert set(db.session.scalars(select(Response.state))) == {ResponseState.RELEASED}
    assert db.session.get(Campaign, campaign.id).sealed_at is not None
