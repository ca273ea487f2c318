"""Respondents over real HTTP (requests), for the tests that run gunicorn: one browser each, with
its cookie jar and, when the server has CSRF protection on, the form token of its session.

    respondent = HttpRespondent()
    respondent.enter_code(server.url, code)                 # -> 303
    respondent.answer(server.url, page, answers_for(page, 7))
    assert respondent.send(server.url)                      # True: acknowledged (303 to /svar/takk)

Cookies belong to a host, not a port, as in a browser: one respondent's session goes with it to
every server on 127.0.0.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests

TIMEOUT = 15
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str | None:
    match = CSRF.search(html)
    return (match.group(1) or match.group(2)) if match else None


def answers_for(page, signature: int) -> dict[str, str]:
    """Valid answers to every question of a page, different for each `signature` (a respondent's
    number): the first six scale answers of a page are its digits in base (scale points), so that
    a stored response can be told from another's (up to 5^6 = 15625 respondents)."""
    data: dict[str, str] = {}
    for position, question in enumerate(page.questions):
        name = f"q_{question.key}"
        if question.type == "scale":
            low, points = question.scale_min, question.scale_max - question.scale_min + 1
            digit = signature // points ** (position % 6)
            data[name] = str(low + (digit + position) % points)
        elif question.type == "single":
            data[name] = question.choices[0].value
        elif question.type == "number":
            data[name] = str(signature % 100)
        elif question.type == "text" and question.required:
            data[name] = f"Svar {signature}"
    return data


def answer_vector(pages, signature: int) -> tuple:
    """The (question key, value) pairs a respondent with this signature sends, sorted: what the
    answer rows of its response hold (scale and number answers)."""
    vector = []
    for page in pages:
        for key, value in answers_for(page, signature).items():
            if value.lstrip("-").isdigit():
                vector.append((key.removeprefix("q_"), float(value)))
    return tuple(sorted(vector))


@dataclass
class HttpRespondent:
    browser: requests.Session = field(default_factory=requests.Session)
    csrf: str | None = None

    def get(self, url: str) -> requests.Response:
        response = self.browser.get(url, allow_redirects=False, timeout=TIMEOUT)
        self.csrf = csrf_token(response.text) or self.csrf
        return response

    def post(self, url: str, data: dict) -> requests.Response:
        form = {**data, "csrf_token": self.csrf} if self.csrf else data
        response = self.browser.post(url, data=form, allow_redirects=False, timeout=TIMEOUT)
        self.csrf = csrf_token(response.text) or self.csrf
        return response

    def enter_code(self, base: str, code: str) -> requests.Response:
        self.get(f"{base}/svar")
        return self.post(f"{base}/svar", {"code": code})

    def answer(
        self, base: str, page, answers: dict, action: str = "next", lang: str | None = None
    ) -> requests.Response:
        data = {**answers, "lang": lang} if lang else {**answers, "action": action}
        return self.post(f"{base}/svar/side/{page.number}", data)

    def send(self, base: str) -> bool:
        """Press Send; True if the server acknowledged it (303 to the thank-you page)."""
        response = self.post(f"{base}/svar/send", {"action": "send"})
        return response.status_code == 303 and response.headers.get("Location", "").endswith(
            "/svar/takk"
        )

    def whole_survey(self, base: str, code: str, pages, signature: int) -> bool:
        """Enter the code, answer every page, send; True if the send was acknowledged."""
        if self.enter_code(base, code).status_code != 303:
            return False
        for page in pages:
            if self.answer(base, page, answers_for(page, signature)).status_code != 303:
                return False
        return self.send(base)
