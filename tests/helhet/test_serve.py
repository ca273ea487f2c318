"""`helhet serve`: gunicorn with production defaults; a refusal for each setting that is unsafe in
production; and a real server (two workers, Redis, JSON logs, multiprocess metrics) on a free port.

The refusals are checked through the command itself with exec replaced by a recorder (so a test
can never turn into gunicorn); the real server runs as a subprocess in its own process group,
polled with deadlines, and killed at the end whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from prometheus_client.parser import text_string_to_metric_families

from helhet import gunicorn_config, ratelimits
from helhet import serve as serve_module
from helhet.extensions import db
from tests import factories as core
from tests.collector import factories, helpers
from tests.collector.serving import free_port
from tests.conftest import make_app, sqlite_url

REDIS_DB3 = "redis://127.0.0.1:6379/3"
TOKEN = "serve-test-metrics-token-0123456789"


def invoke_serve(app, monkeypatch, *args: str, env: dict | None = None):
    """Run `helhet serve ARGS` on `app`; returns the result and the commands it would exec."""
    folder = Path(app.instance_path) / "metrics"  # not a new folder in /tmp per test
    started: list[tuple[list[str], dict]] = []
    monkeypatch.setattr(
        serve_module.os, "execvpe", lambda _file, argv, environ: started.append((argv, environ))
    )
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), **(env or {})}
    result = app.test_cli_runner().invoke(args=["serve", *args], env=env)
    return result, started


def serve_app(tmp_path, **settings):
    """An app with production-like settings (rate limits on, a key from the environment)."""
    settings.setdefault("RATELIMIT_ENABLED", True)
    settings.setdefault("RATELIMIT_STORAGE_URI", REDIS_DB3)
    return make_app(sqlite_url(tmp_path), **settings)


# --- refusals ---------------------------------------------------------------------------------


def test_a_generated_secret_key_with_several_workers_is_refused(tmp_path, monkeypatch):
    app = serve_app(tmp_path, SECRET_KEY="")  # so the config generates instance/secret_key
    assert app.config["SECRET_KEY_GENERATED"]
    result, started = invoke_serve(app, monkeypatch, "--workers", "2")
    assert result.exit_code == 1 and started == []
    assert "SECRET_KEY is the one generated into instance/secret_key" in result.output
    assert "helhet serve did not start" in result.output


def test_a_generated_secret_key_with_one_worker_starts(tmp_path, monkeypatch):
    app = serve_app(tmp_path, SECRET_KEY="")
    result, started = invoke_serve(app, monkeypatch, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert len(started) == 1


def test_rate_limits_in_memory_with_several_workers_are_refused_with_ratelimits_own_words(
    tmp_path, monkeypatch
):
    app = serve_app(tmp_path, RATELIMIT_STORAGE_URI="memory://")
    result, started = invoke_serve(app, monkeypatch, "--workers", "3")
    assert result.exit_code == 1 and started == []
    expected = ratelimits.refusal("helhet serve would start 3 gunicorn workers")
    assert expected in result.output.replace("\n  ", " ")


@pytest.mark.parametrize(
    ("settings", "workers"),
    [
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "1"),  # one process counts for itself alone
        ({"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False}, "3"),  # no limits
        ({"RATELIMIT_STORAGE_URI": REDIS_DB3}, "3"),  # shared by every worker
    ],
    ids=["memory-one-worker", "limits-off", "redis"],
)
def test_rate_limit_storage_every_process_shares_starts(tmp_path, monkeypatch, settings, workers):
    app = serve_app(tmp_path, **settings)
    result, started = invoke_serve(app, monkeypatch, "--workers", workers)
    assert result.exit_code == 0, result.output
    assert len(started) == 1


@pytest.mark.parametrize(
    "settings",
    [{"PUBLIC_BASE_URL": "https://svar.kommune.no"}, {"PREFERRED_URL_SCHEME": "https"}],
    ids=["public-base-url", "preferred-url-scheme"],
)
def test_an_https_site_without_secure_session_cookies_is_refused(tmp_path, monkeypatch, settings):
    app = serve_app(tmp_path, SESSION_COOKIE_SECURE=False, **settings)
    result, started = invoke_serve(app, monkeypatch, "--workers", "1")
    assert result.exit_code == 1 and started == []
    assert "SESSION_COOKIE_SECURE is off" in result.output


@pytest.mark.parametrize(
    "settings",
    [
        {"PUBLIC_BASE_URL": "https://svar.kommune.no", "SESSION_COOKIE_SECURE": True},
        {"PUBLIC_BASE_URL": "http://helhet.intern", "SESSION_COOKIE_SECURE": False},
    ],
    ids=["https-secure", "plain-http"],
)
def test_secure_cookies_over_https_or_a_plain_http_site_starts(tmp_path, monkeypatch, settings):
    app = serve_app(tmp_path, **settings)
    result, started = invoke_serve(app, monkeypatch, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert len(started) == 1


def test_every_refusal_is_listed_at_once(tmp_path, monkeypatch):
    app = serve_app(
        tmp_path,
        SECRET_KEY="",
        RATELIMIT_STORAGE_URI="memory://",
        PUBLIC_BASE_URL="https://svar.kommune.no",
    )
    result, started = invoke_serve(app, monkeypatch, "--workers", "2")
    assert result.exit_code == 1 and started == []
    assert [line for line in result.output.splitlines() if line.startswith("  ")] == [
        f"  {problem}" for problem in serve_module.refusals(app, 2)
    ]
    assert len(serve_module.refusals(app, 2)) == 3


# --- the command it runs ----------------------------------------------------------------------


def test_the_defaults_are_production_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(serve_module, "cores", lambda: 2)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    app = serve_app(tmp_path)
    result, started = invoke_serve(
        app,
        monkeypatch,
        env={"GUNICORN_CMD_ARGS": "--access-logfile -", "PROMETHEUS_MULTIPROC_DIR": None},
    )
    assert result.exit_code == 0, result.output
    ((argv, environ),) = started
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[argv.index("--workers") + 1] == "5"  # 2 x 2 cores + 1
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--timeout") + 1] == "60"
    assert argv[argv.index("--graceful-timeout") + 1] == "30"
    assert argv[argv.index("--config") + 1] == "python:helhet.gunicorn_config"
    assert argv[-1] == "helhet:create_app()"
    assert not any("access" in arg for arg in argv)
    assert "GUNICORN_CMD_ARGS" not in environ  # no way around the options above
    assert "GUNICORN_CMD_ARGS is ignored" in result.output
    metrics_dir = Path(environ["PROMETHEUS_MULTIPROC_DIR"])  # made for this server
    assert metrics_dir.is_dir() and metrics_dir.name.startswith("helhet-metrics-")
    assert environ["HELHET_OWN_METRICS_DIR"] == str(metrics_dir)  # removed when it stops
    metrics_dir.rmdir()


def test_workers_come_from_the_option_or_web_concurrency(tmp_path, monkeypatch):
    app = serve_app(tmp_path)
    _result, started = invoke_serve(app, monkeypatch, env={"WEB_CONCURRENCY": "7"})
    assert started[0][0][started[0][0].index("--workers") + 1] == "7"
    _result, started = invoke_serve(app, monkeypatch, "-w", "3", env={"WEB_CONCURRENCY": "7"})
    assert started[0][0][started[0][0].index("--workers") + 1] == "3"


def test_dry_run_prints_the_command_and_starts_nothing(tmp_path, monkeypatch):
    app = serve_app(tmp_path)
    result, started = invoke_serve(app, monkeypatch, "--dry-run", "-w", "2", "-b", "127.0.0.1:9")
    assert result.exit_code == 0 and started == []
    assert "gunicorn --config python:helhet.gunicorn_config --bind 127.0.0.1:9" in result.output


def test_the_gunicorn_settings_keep_addresses_out_and_leave_proxies_to_the_app():
    assert gunicorn_config.accesslog is None
    assert gunicorn_config.secure_scheme_headers == {}
    assert gunicorn_config.control_socket_disable is True
    root = gunicorn_config.logconfig_dict["root"]
    assert root["handlers"] == ["stderr"]
    assert gunicorn_config.logconfig_dict["loggers"]["gunicorn.access"]["propagate"] is False


def test_the_master_empties_the_metrics_folder_at_start_and_marks_a_dead_worker(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "counter_111.db").write_bytes(b"old run")
    gunicorn_config.on_starting(None)
    assert list(tmp_path.iterdir()) == []
    for name in ("counter_222.db", "histogram_222.db", "gauge_livesum_222.db"):
        (tmp_path / name).write_bytes(b"")

    class Worker:
        pid = 222

    gunicorn_config.child_exit(None, Worker())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_222.db", "histogram_222.db"]

    gunicorn_config.on_exit(None)  # a folder the operator set is left as it is
    assert tmp_path.is_dir()
    monkeypatch.setenv("HELHET_OWN_METRICS_DIR", str(tmp_path))  # one helhet serve made
    gunicorn_config.on_exit(None)
    assert not tmp_path.exists()


# --- a real server ----------------------------------------------------------------------------


def helhet_command() -> list[str]:
    script = Path(sys.executable).parent / "helhet"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from helhet.cli import main; main()"]


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_DB3).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")


def children(pid: int) -> set[int]:
    found: set[int] = set()
    with contextlib.suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def wait_for(condition, seconds: float, what: str):
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        result = condition()
        if result:
            return result
        time.sleep(0.1)  # polling a server, with a deadline
    raise AssertionError(f"gave up waiting for {what} after {seconds} s")


class Served:
    def __init__(self, url, process, log: Path, metrics_dir: Path, respondent: dict):
        self.url, self.process, self.log = url, process, log
        self.metrics_dir, self.respondent = metrics_dir, respondent

    def get(self, path: str, **kwargs):
        return requests.get(f"{self.url}{path}", timeout=30, allow_redirects=False, **kwargs)

    def metrics(self) -> str:
        response = self.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        return response.text

    def log_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


def count(text: str, name: str, **labels) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def prepare_database(folder: Path, env: dict) -> dict:
    """The database made by `helhet init-db`, with an open round: a code and an open link."""
    result = subprocess.run(
        [*helhet_command(), "init-db"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    app = make_app(env["DATABASE_URL"])
    with app.app_context():
        tree = core.make_tree()
        questionnaire = factories.make_questionnaire(
            sections=2, questions_per_section=2, extra_types=("text",)
        )
        unit = tree["4601-helse-hjemme"]
        campaign = factories.make_campaign(questionnaire, [unit])
        respondent = {
            "code": factories.make_codes(campaign, unit, 1)[0],
            "link": campaign.units[0].link_token,
            "pages": [
                (p.number, helpers.valid_page_data(p)) for p in helpers.pages_of(questionnaire)
            ],
        }
        db.session.remove()
        db.engine.dispose()
    return respondent


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`helhet serve` with 2 workers, Redis (db 3), PROXY_FIX=1; killed at the end."""
    require_redis()
    folder = tmp_path_factory.mktemp("served")
    instance = folder / "instance"
    instance.mkdir()
    metrics_dir = folder / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left by an earlier run")
    (instance / "config.py").write_text(
        "WTF_CSRF_ENABLED = False\n"
        "RATELIMIT_ENABLED = True\n"
        f"RATELIMIT_STORAGE_URI = {REDIS_DB3!r}\n"
        f"RATELIMIT_KEY_PREFIX = 'serve-test-{uuid.uuid4().hex}'\n"
        "RATELIMIT_DEFAULT = '4 per minute'\n"
        "PROXY_FIX = 1\n"
    )
    env = {
        **{
            k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS")
        },
        "HELHET_INSTANCE_PATH": str(instance),
        "DATABASE_URL": sqlite_url(folder),
        "SECRET_KEY": "serve-test-secret-key",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    respondent = prepare_database(folder, env)
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*helhet_command(), "serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    server = Served(f"http://127.0.0.1:{port}", process, log, metrics_dir, respondent)

    def answers():
        if process.poll() is not None:
            raise AssertionError(f"helhet serve exited: {log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            return server.get("/health").status_code == 200
        return False

    try:
        wait_for(answers, 120, "helhet serve to answer /health")
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.mark.slow
def test_helhet_serve_becomes_gunicorn_and_is_ready(served):
    cmdline = Path(f"/proc/{served.process.pid}/cmdline").read_bytes().split(b"\0")
    assert b"gunicorn" in cmdline and b"python:helhet.gunicorn_config" in cmdline  # exec'd
    assert len(children(served.process.pid)) == 2  # two workers
    assert served.get("/health").json() == {"status": "ok"}
    ready = served.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
    assert not (served.metrics_dir / "counter_999999.db").exists()  # emptied at the start


@pytest.mark.slow
def test_health_ready_and_metrics_are_not_rate_limited_while_other_pages_are(served):
    assert 429 in [served.get("/").status_code for _ in range(6)]  # RATELIMIT_DEFAULT bites
    assert {served.get("/health").status_code for _ in range(10)} == {200}
    assert {served.get("/ready").status_code for _ in range(6)} == {200}
    for _ in range(6):
        served.metrics()
    assert served.get("/metrics").status_code == 404  # and still nobody else's


@pytest.mark.slow
def test_the_metrics_add_up_the_requests_of_every_worker(served):
    name, labels = "helhet_request_duration_seconds_count", {"endpoint": "health.health"}
    before = count(served.metrics(), name, method="GET", **labels)
    for _ in range(20):
        assert served.get("/health").status_code == 200
    assert count(served.metrics(), name, method="GET", **labels) - before == 20


@pytest.mark.slow
def test_a_whole_answering_session_through_the_server_leaves_nothing_in_its_log(served):
    respondent = served.respondent
    address, other_address = "198.51.100.23", "203.0.113.77"
    secrets = [address, other_address, respondent["code"], respondent["link"]]
    for forwarded, start in [
        (address, ("POST", "/svar", {"code": respondent["code"]})),
        (other_address, ("POST", f"/s/{respondent['link']}", {"action": "start"})),
    ]:
        browser = requests.Session()
        browser.headers["X-Forwarded-For"] = forwarded  # what nginx would pass on (PROXY_FIX=1)
        method, path, data = start
        response = browser.request(method, served.url + path, data=data, allow_redirects=False)
        assert response.status_code == 303, response.text[:2000]
        secrets.extend(browser.cookies.values())
        for number, page_data in respondent["pages"]:
            free_text = f"fritekst-{uuid.uuid4().hex[:12]}"
            query = f"spor-{uuid.uuid4().hex[:12]}"
            secrets += [free_text, query]
            url = f"{served.url}/svar/side/{number}?ref={query}"
            data = {**page_data, "q_x_text": free_text, "action": "next"}
            assert browser.post(url, data=data, allow_redirects=False).status_code == 303
        sent = browser.post(
            f"{served.url}/svar/send", data={"action": "send"}, allow_redirects=False
        )
        assert sent.status_code == 303
    time.sleep(0.5)  # let the workers' last lines reach the file
    text = served.log.read_text()
    lines = served.log_lines()  # every line is JSON: no access log, no plain text
    assert any(line.get("endpoint") == "collector.review" for line in lines)
    assert {line["logger"] for line in lines} >= {"gunicorn.error", "helhet.request"}
    assert [s for s in secrets if s and s in text] == []


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_marked_dead_and_its_counts_still_add_up(served):
    name, labels = "helhet_request_duration_seconds_count", {"endpoint": "health.health"}
    before = count(served.metrics(), name, method="GET", **labels)
    workers = children(served.process.pid)
    victim = min(workers)
    assert (served.metrics_dir / f"gauge_livesum_{victim}.db").exists()
    os.kill(victim, signal.SIGKILL)
    replaced = wait_for(
        lambda: len(children(served.process.pid) - {victim}) == 2, 120, "a new worker"
    )
    assert replaced
    wait_for(lambda: served.get("/health").status_code == 200, 60, "the server to answer")
    assert not (served.metrics_dir / f"gauge_livesum_{victim}.db").exists()
    assert count(served.metrics(), name, method="GET", **labels) >= before + 1
