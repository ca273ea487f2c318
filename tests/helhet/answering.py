"""Whole answering sessions through the test client, as a respondent's browser would make them,
each with strings of its own that the server's logs and metrics must never repeat: the client's
address, the code, the open link's token, the draft's token, a query string, free-text answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tests import factories as core
from tests.collector import factories, helpers

SESSION_KEY = "answer"  # collector.routes.SESSION_KEY: the draft's token in the browser session


@dataclass
class Secrets:
    """What a respondent sent or was given; none of it may appear in a log or a metric."""

    strings: list[str] = field(default_factory=list)
    round_id: int = 0
    requests: int = 0

    def add(self, *values: str) -> None:
        self.strings.extend(v for v in values if v)


def _marker(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _answer_pages(client, questionnaire, secrets: Secrets) -> None:
    for page in helpers.pages_of(questionnaire):
        free_text = _marker(f"fritekst-side-{page.number}")
        secrets.add(free_text)
        data = {**helpers.valid_page_data(page), "q_x_text": free_text, "action": "next"}
        query = _marker("spor")
        secrets.add(query)
        assert client.get(f"/svar/side/{page.number}?ref={query}").status_code == 200
        assert client.post(f"/svar/side/{page.number}", data=data).status_code == 303
        secrets.requests += 2


def _draft_token(client) -> str:
    with client.session_transaction() as session:
        return str(session.get(SESSION_KEY) or "")


def answer_with_code_and_with_open_link(app) -> Secrets:
    """A respondent with a code and one from the open link each answer every page (with free
    text on page 1 and a query string on every page) and send."""
    tree = core.make_tree()
    questionnaire = factories.make_questionnaire(
        sections=2, questions_per_section=2, extra_types=("text",)
    )
    unit = tree["4601-helse-hjemme"]
    campaign = factories.make_campaign(questionnaire, [unit])
    code = factories.make_codes(campaign, unit, 1)[0]
    link_token = campaign.units[0].link_token
    secrets = Secrets(round_id=campaign.id)

    address = "198.51.100.23"
    secrets.add(address, code, code.replace("-", ""), code.lower(), link_token)
    with_code = _client(app, address)
    assert with_code.get("/svar").status_code == 200
    assert helpers.enter_code(with_code, code).status_code == 303
    secrets.add(_draft_token(with_code))
    _answer_pages(with_code, questionnaire, secrets)
    assert helpers.send(with_code).status_code == 303
    assert with_code.get("/svar/takk").status_code == 200
    secrets.requests += 4

    other_address = "203.0.113.77"
    secrets.add(other_address)
    by_link = _client(app, other_address)
    assert by_link.get(f"/s/{link_token}").status_code == 200
    assert by_link.post(f"/s/{link_token}", data={"action": "start"}).status_code == 303
    secrets.add(_draft_token(by_link))
    _answer_pages(by_link, questionnaire, secrets)
    assert helpers.send(by_link).status_code == 303
    secrets.requests += 3
    return secrets
