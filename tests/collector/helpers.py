"""Answering a survey through a test client, as a browser would (without JavaScript)."""

from __future__ import annotations

from collector.survey import load
from surveys.models import Questionnaire


def pages_of(questionnaire: Questionnaire):
    return load(questionnaire.id, questionnaire.published_at).pages


def valid_page_data(page, value: str = "4") -> dict:
    """Form data answering every question of a page validly."""
    data = {}
    for q in page.questions:
        name = f"q_{q.key}"
        if q.type == "scale":
            data[name] = value
        elif q.type == "single":
            data[name] = "a"
        elif q.type == "multiple":
            data[name] = ["a", "c"]
        elif q.type == "number":
            data[name] = "42"
        elif q.type == "text":
            data[name] = "Fint å jobbe her."
    return data


def enter_code(client, code: str):
    return client.post("/svar", data={"code": code})


def answer_all_pages(client, questionnaire: Questionnaire, value: str = "4"):
    """POST every page with valid answers; returns the last response."""
    response = None
    for page in pages_of(questionnaire):
        response = client.post(
            f"/svar/side/{page.number}", data={**valid_page_data(page, value), "action": "next"}
        )
        assert response.status_code == 303, (
            page.number,
            response.status_code,
            response.get_data(as_text=True)[:2000],
        )
    return response


def send(client):
    return client.post("/svar/send", data={"action": "send"})


def answer_with_code(client, questionnaire: Questionnaire, code: str, value: str = "4"):
    """The whole survey with a code: enter it, answer every page, send.
    Returns the send response.
    """
    response = enter_code(client, code)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    answer_all_pages(client, questionnaire, value)
    return send(client)


def english(client) -> None:
    client.get("/sprak/en")
