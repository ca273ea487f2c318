"""Benchmark: answering a survey under load, against the plain health endpoint as the floor.

    python bench/submit.py [--respondents 1200] [--clients 8] [--workers 2] [--health-requests 8000]

Starts the app under gunicorn (sync workers) on 127.0.0.1 against a fresh SQLite database (and,
when HELHET_BENCH_DATABASE_URL is set, a second run against that PostgreSQL database, whose tables
are dropped and recreated), with CSRF protection and rate limiting on as in production (counted in
Redis, HELHET_BENCH_REDIS_URL or redis://127.0.0.1:6379; limits set high enough not to bite). A
second process drives it with a bounded load: first a fixed number of GET /health requests, then a
fixed number of respondents, each answering a published 30-question, 3-page survey with an
invitation code:

    GET /svar              the code page (session and CSRF token)
    POST /svar             the code                                  -> 303
    GET /svar/side/1       the first page of questions
    POST /svar/side/1..3   ten scale answers per page                -> 303 each
    POST /svar/send        the final submit                          -> 303 to /svar/takk

It prints completed submissions per second, the flow's requests per second and latency (p50, p99),
the health endpoint's requests per second in the same run, and checks that the database holds
exactly one response (with 30 answers) per acknowledged submission. The last line is key=value.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS, QUESTIONS_PER_SECTION = 3, 10
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


# --- set-up (in this process) ---------------------------------------------------------------------


def instance_settings(database_url: str) -> str:
    return "\n".join(
        [
            f"DATABASE_URL = {database_url!r}",
            "SECRET_KEY = 'bench-secret-key'",
            # as in production: counted in Redis, shared by the workers (memory:// is refused
            # with -w 2); limits high enough not to bite, so that what is measured is the
            # answering itself
            (
                "RATELIMIT_STORAGE_URI ="
                f" {os.environ.get('HELHET_BENCH_REDIS_URL', 'redis://127.0.0.1:6379')!r}"
            ),
            f"RATELIMIT_KEY_PREFIX = 'bench-{os.getpid()}'",
            "RATELIMIT_CODE_ENTRY = RATELIMIT_SUBMIT = RATELIMIT_LOGIN = '1000000 per minute'",
            "",
        ]
    )


def prepare_database(instance: Path, database_url: str, respondents: int) -> list[str]:
    """Create the schema, a unit, a published 3 x 10 questionnaire, an open round and codes."""
    os.environ["HELHET_INSTANCE_PATH"] = str(instance)
    sys.path.insert(0, str(ROOT))
    from datetime import timedelta

    from collector import services
    from collector.clock import utcnow
    from helhet import create_app
    from helhet.extensions import db
    from helhet.models import OrgUnit, UnitLevel, UnitPopulation
    from surveys.models import (
        Question,
        Questionnaire,
        QuestionnaireKind,
        QuestionnaireStatus,
        QuestionType,
        Section,
    )

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-key"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        unit = OrgUnit(code="bench", name="Benkmerke", level=UnitLevel.MUNICIPALITY)
        unit.populations.append(UnitPopulation(period=utcnow().year, count=respondents))
        questionnaire = Questionnaire(
            key="bench",
            version=1,
            kind=QuestionnaireKind.EMPLOYEE,
            status=QuestionnaireStatus.PUBLISHED,
            published_at=utcnow(),
            title={"nb": "Benkmerke", "nn": "Benkmerke", "en": "Benchmark"},
        )
        for s in range(1, SECTIONS + 1):
            section = Section(position=s, title={"nb": f"Del {s}"})
            for n in range(1, QUESTIONS_PER_SECTION + 1):
                section.questions.append(
                    Question(
                        key=f"s{s}q{n}",
                        type=QuestionType.SCALE,
                        position=n,
                        required=True,
                        text={"nb": f"Spørsmål {s}.{n}"},
                        scale_min=1,
                        scale_max=6,
                        dont_know=True,
                        low_label={"nb": "Svært misfornøyd"},
                        high_label={"nb": "Svært fornøyd"},
                    )
                )
            questionnaire.sections.append(section)
        db.session.add_all([unit, questionnaire])
        db.session.flush()
        campaign = services.create_campaign(
            name="Benkmerke",
            questionnaire=questionnaire,
            units=[unit],
            opens_at=utcnow() - timedelta(hours=1),
            closes_at=utcnow() + timedelta(days=1),
            open_link=False,
            use_codes=True,
        )
        codes = services.add_codes(campaign, unit, respondents)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return codes


def count_database(database_url: str) -> tuple[int, int, int]:
    """(responses, answers, completed codes) as stored."""
    from sqlalchemy import create_engine, text

    from helhet.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        responses = connection.execute(text("SELECT count(*) FROM response")).scalar_one()
        answers = connection.execute(text("SELECT count(*) FROM answer")).scalar_one()
        completed = connection.execute(
            text("SELECT count(*) FROM invitation WHERE status = 'completed'")
        ).scalar_one()
    engine.dispose()
    return responses, answers, completed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(instance: Path, options: list[str]) -> tuple[subprocess.Popen, int, Path]:
    """gunicorn with `options` serving the app of `instance` on a free port of 127.0.0.1, once it
    answers /health; its log in instance/gunicorn.log. bench/soak.py serves with it too."""
    port = free_port()
    log = instance / "gunicorn.log"
    env = {**os.environ, "HELHET_INSTANCE_PATH": str(instance), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *options, "-b", f"127.0.0.1:{port}",
             "--backlog", "2048", "helhet:create_app()"],
            cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=out, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                connection.close()
                return process, port, log
        except OSError:
            pass
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("gunicorn did not start")


def start_server(instance: Path, workers: int) -> tuple[subprocess.Popen, int, Path]:
    return start_gunicorn(instance, ["-w", str(workers), "-k", "sync"])


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


# --- the load (in a second process) ---------------------------------------------------------------


class Client:
    """One browser: a cookie, plain HTTP/1.1 requests
    (gunicorn's sync workers close each connection).
    """

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Accept-Language": "nb"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        self.latencies.append(time.perf_counter() - start)
        connection.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response.status, response.getheader("Location") or "", text


def respond(client: Client, code: str) -> bool:
    """One respondent's whole flow; True if the final submit was acknowledged."""
    client.cookies.clear()
    status, _, page = client.request("GET", "/svar")
    match = CSRF.search(page)
    token = match.group(1) or match.group(2)
    status, location, _ = client.request("POST", "/svar", {"csrf_token": token, "code": code})
    if status != 303:
        return False
    status, _, page = client.request("GET", "/svar/side/1")
    if status != 200:
        return False
    for s in range(1, SECTIONS + 1):
        form = {"csrf_token": token, "action": "next"}
        form.update(
            {f"q_s{s}q{n}": str(1 + (n + s) % 6) for n in range(1, QUESTIONS_PER_SECTION + 1)}
        )
        status, _, _ = client.request("POST", f"/svar/side/{s}", form)
        if status != 303:
            return False
    status, location, _ = client.request(
        "POST", "/svar/send", {"csrf_token": token, "action": "send"}
    )
    return status == 303 and location.endswith("/svar/takk")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def drive(port: int, codes: list[str], clients: int, health_requests: int) -> dict:
    # floor: the health endpoint, same concurrency, a fixed number of requests
    per_client = health_requests // clients
    health_clients = [Client(port) for _ in range(clients)]

    def hit_health(client: Client) -> None:
        for _ in range(per_client):
            client.request("GET", "/health")

    for client in health_clients:  # warm up every worker
        client.request("GET", "/health")
        client.latencies.clear()
    threads = [threading.Thread(target=hit_health, args=(c,)) for c in health_clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    health_elapsed = time.perf_counter() - start
    health_done = per_client * clients

    # the answering flow: a fixed number of respondents shared by the clients
    queue = list(reversed(codes))
    lock = threading.Lock()
    flow_clients = [Client(port) for _ in range(clients)]
    acknowledged = []

    def answer(client: Client) -> None:
        while True:
            with lock:
                if not queue:
                    return
                code = queue.pop()
            if respond(client, code):
                with lock:
                    acknowledged.append(code)

    threads = [threading.Thread(target=answer, args=(c,)) for c in flow_clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flow_elapsed = time.perf_counter() - start
    latencies = [x for c in flow_clients for x in c.latencies]
    health_latencies = [x for c in health_clients for x in c.latencies]
    return {
        "health_requests": health_done,
        "health_seconds": health_elapsed,
        "health_p50": percentile(health_latencies, 0.5),
        "health_p99": percentile(health_latencies, 0.99),
        "flow_requests": len(latencies),
        "flow_seconds": flow_elapsed,
        "acknowledged": len(acknowledged),
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=0.0),
    }


def run_driver() -> None:
    """Entry point of the second process: read the plan on stdin, print the result as JSON."""
    plan = json.loads(sys.stdin.read())
    print(json.dumps(drive(plan["port"], plan["codes"], plan["clients"], plan["health_requests"])))


# --- one run --------------------------------------------------------------------------------------


def run(database_url: str | None, label: str, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="helhet-bench-"))
    instance = workdir / "instance"
    instance.mkdir()
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    (instance / "config.py").write_text(instance_settings(url))
    codes = prepare_database(instance, url, args.respondents)
    process, port, log = start_server(instance, args.workers)
    try:
        plan = {
            "port": port,
            "codes": codes,
            "clients": args.clients,
            "health_requests": args.health_requests,
        }
        driver = subprocess.run(
            [sys.executable, __file__, "--drive"],
            input=json.dumps(plan),
            capture_output=True,
            text=True,
            check=False,
        )
        if driver.returncode != 0:
            raise SystemExit(f"driver failed:\n{driver.stderr[-3000:]}")
        result = json.loads(driver.stdout)
    finally:
        stop_server(process)
    responses, answers, completed = count_database(url)
    result.update(
        label=label,
        db_responses=responses,
        db_answers=answers,
        db_completed=completed,
        db_count_ok=int(
            responses == result["acknowledged"] == completed == args.respondents
            and answers == 30 * responses
        ),
        health_rps=result["health_requests"] / result["health_seconds"],
        flow_rps=result["flow_requests"] / result["flow_seconds"],
        submit_per_s=result["acknowledged"] / result["flow_seconds"],
    )
    result["ratio"] = result["flow_rps"] / result["health_rps"]
    if database_url is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def report(r: dict, args) -> None:
    print(
        f"== {r['label']}: gunicorn -w {args.workers} (sync), {args.clients} concurrent clients, "
        f"{args.respondents} respondents x 7 requests, {r['health_requests']} health requests"
    )
    print(
        f"  health endpoint        {r['health_rps']:8.0f} requests/s   p50"
        f" {r['health_p50'] * 1000:6.1f} ms  p99 {r['health_p99'] * 1000:6.1f} ms"
    )
    print(
        f"  answering flow         {r['flow_rps']:8.0f} requests/s   p50 {r['p50'] * 1000:6.1f} ms "
        f" p99 {r['p99'] * 1000:6.1f} ms  max {r['max'] * 1000:6.1f} ms"
    )
    print(
        f"  completed submissions  {r['submit_per_s']:8.1f} per second ({r['acknowledged']}"
        f" acknowledged in {r['flow_seconds']:.2f} s)"
    )
    print(f"  flow / health          {r['ratio'] * 100:8.1f} %  (goal >= 15 %)")
    print(
        f"  database               {r['db_responses']} responses, {r['db_answers']} answers, "
        f"{r['db_completed']} codes completed -> {'OK' if r['db_count_ok'] else 'MISMATCH'}"
    )


def final_line(r: dict, prefix: str = "") -> str:
    return " ".join(
        [
            f"{prefix}submit_per_s={r['submit_per_s']:.0f}",
            f"{prefix}health_rps={r['health_rps']:.0f}",
            f"{prefix}flow_rps={r['flow_rps']:.0f}",
            f"{prefix}ratio={r['ratio']:.3f}",
            f"{prefix}p50_ms={r['p50'] * 1000:.1f}",
            f"{prefix}p99_ms={r['p99'] * 1000:.1f}",
            f"{prefix}db_count_ok={r['db_count_ok']}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=1200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--health-requests", type=int, default=8000)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        run_driver()
        return
    results = [run(None, "SQLite", args)]
    pg = os.environ.get("HELHET_BENCH_DATABASE_URL")
    if pg:
        results.append(run(pg, "PostgreSQL", args))
    for r in results:
        report(r, args)
    line = final_line(results[0])
    if len(results) > 1:
        line += " " + final_line(results[1], "pg_")
    print(line)
    if not all(r["db_count_ok"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
