"""The respondents of bench/soak.py, for locust (run by soak.py; not on its own).

Each simulated respondent takes the next unused code and answers the standard employee survey as
a browser without JavaScript would, thinking 1-3 s before every page it sends:

    GET /svar                 the code page (session cookie, CSRF token)
    POST /svar                the code                              -> 303
    GET /svar/side/1          the first page
    POST /svar/side/N         the page's answers                    -> 303, then GET the next page
    GET /svar/send            the summary
    POST /svar/send           Send                                  -> 303 to /svar/takk
    GET /svar/takk            thank you

Redirects are followed by hand, so each request type has its own latency. A request that does not
answer as a browser expects (status, redirect) is a failure. The codes whose send was acknowledged
are written to SOAK_RESULT_FILE when the run stops.
"""

from __future__ import annotations

import json
import os
import random
import re

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
PAGES: list[list[list]] = json.loads(os.environ.get("SOAK_PAGES", "[]"))  # [[key, min, max], ..]
CODES: list[str] = []
ACKNOWLEDGED: list[str] = []
THINK = (1.0, 3.0)


@events.test_start.add_listener
def load_codes(environment, **_kwargs) -> None:
    with open(os.environ["SOAK_CODES_FILE"]) as f:
        CODES.extend(reversed(f.read().split()))


@events.test_stop.add_listener
def write_acknowledged(environment, **_kwargs) -> None:
    with open(os.environ["SOAK_RESULT_FILE"], "w") as f:
        json.dump({"acknowledged": ACKNOWLEDGED}, f)


def think() -> None:
    gevent.sleep(random.uniform(*THINK))


class Respondent(FastHttpUser):
    wait_time = between(*THINK)  # before the next respondent takes this one's place

    def expect(self, method: str, path: str, name: str, status: int, form=None, to: str = ""):
        """One request; a failure unless the status (and for a redirect, the target) is as a
        browser expects. Returns the body."""
        with self.client.request(
            method,
            path,
            data=form,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != status or (to and not location.endswith(to)):
                response.failure(f"{response.status_code} {location}")
                raise _Stop()
            response.success()
            return response.text or ""

    @task
    def answer_the_survey(self) -> None:
        if not CODES:
            raise StopUser()
        code = CODES.pop()
        self.client.cookiejar.clear()
        try:
            page = self.expect("GET", "/svar", "GET /svar", 200)
            match = CSRF.search(page)
            token = match.group(1) or match.group(2)
            think()
            self.expect("POST", "/svar", "POST /svar", 303, {"csrf_token": token, "code": code})
            self.expect("GET", "/svar/side/1", "GET /svar/side/[n]", 200)
            for number, questions in enumerate(PAGES, start=1):
                think()
                form = {"csrf_token": token, "action": "next"}
                form.update({f"q_{key}": str(random.randint(lo, hi)) for key, lo, hi in questions})
                last = number == len(PAGES)
                following = "/svar/send" if last else f"/svar/side/{number + 1}"
                self.expect("POST", f"/svar/side/{number}", "POST /svar/side/[n]", 303, form)
                self.expect(
                    "GET", following, "GET /svar/send" if last else "GET /svar/side/[n]", 200
                )
            think()
            sending = {"csrf_token": token, "action": "send"}
            self.expect("POST", "/svar/send", "POST /svar/send", 303, sending, to="/svar/takk")
            ACKNOWLEDGED.append(code)
            self.expect("GET", "/svar/takk", "GET /svar/takk", 200)
        except _Stop:
            return


class _Stop(Exception):
    """This respondent gives up after a failed request (the failure is counted)."""
