"""/metrics: Prometheus metrics per view, sends per round, imports and server errors, with no
respondent data, readable only with the token or from an allowed address (404 for anyone else)."""

from __future__ import annotations

import io
import os

import pytest
from prometheus_client.parser import text_string_to_metric_families

from helhet import audit, create_app, metrics, orgunits
from helhet.access import public
from helhet.extensions import db
from tests import factories
from tests.collector import factories as collector_factories
from tests.collector import helpers
from tests.conftest import app_config, make_app, sqlite_url
from tests.helhet.answering import answer_with_code_and_with_open_link

TOKEN = "metrics-token-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_app(tmp_path):
    assert not os.environ.get(metrics.MULTIPROC_DIR), "these tests read one process's metrics"
    app = make_app(sqlite_url(tmp_path), METRICS_TOKEN=TOKEN)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def scrape(app) -> str:
    response = app.test_client().get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return response.get_data(as_text=True)


def value(text: str, name: str, **labels) -> float:
    """A sample's value in the scraped text (0 if absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


# --- who may read them ------------------------------------------------------------------------


def not_found_page(app) -> bytes:
    return app.test_client().get("/no-such-page").data


def test_without_token_or_allowed_address_metrics_is_an_ordinary_404(metrics_app):
    response = metrics_app.test_client().get("/metrics")
    assert response.status_code == 404
    # the same page as any missing page (whose language links name its own path)
    assert response.data.replace(b"/metrics", b"/no-such-page") == not_found_page(metrics_app)


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer "],
)
def test_a_wrong_token_gets_404(metrics_app, authorization):
    response = metrics_app.test_client().get("/metrics", headers={"Authorization": authorization})
    assert response.status_code == 404


def test_the_configured_token_reads_the_metrics(metrics_app):
    assert "helhet_request_duration_seconds" in scrape(metrics_app)


def test_with_nothing_configured_nobody_reads_the_metrics(client):
    assert client.get("/metrics", headers=BEARER).status_code == 404
    local = client.get("/metrics", environ_overrides={"REMOTE_ADDR": "127.0.0.1"})
    assert local.status_code == 404


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded_for", "status"),
    [
        (0, "10.1.2.3", None, 200),  # allowed network, no proxy
        (0, "::ffff:10.1.2.3", None, 200),  # the same address, as an IPv6 socket shows it
        (0, "198.51.100.9", None, 404),
        (0, "198.51.100.9", "10.1.2.3", 404),  # no trusted proxy: X-Forwarded-For is not believed
        (1, "127.0.0.1", "10.1.2.3", 200),  # the proxy forwards an allowed address
        (1, "127.0.0.1", "198.51.100.9", 404),  # ... or one that is not (the proxy's own is not)
        (1, "127.0.0.1", "10.1.2.3, 198.51.100.9", 404),  # only the last hop is trusted
    ],
)
def test_an_allowed_address_is_the_one_the_app_trusts(
    tmp_path, proxies, peer, forwarded_for, status
):
    app = make_app(sqlite_url(tmp_path), METRICS_ALLOW="10.0.0.0/8, 192.0.2.1", PROXY_FIX=proxies)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with app.app_context():
        response = app.test_client().get(
            "/metrics", headers=headers, environ_overrides={"REMOTE_ADDR": peer}
        )
        db.engine.dispose()
    assert response.status_code == status


def test_a_token_shorter_than_16_characters_refuses_to_start():
    with pytest.raises(metrics.MetricsSettingsInvalid, match="METRICS_TOKEN is too short"):
        create_app(app_config("sqlite://", METRICS_TOKEN="short"))


def test_an_allow_list_that_is_not_addresses_refuses_to_start_naming_the_entry():
    with pytest.raises(metrics.MetricsSettingsInvalid, match="'10.0.0.0/33' is not an address"):
        create_app(app_config("sqlite://", METRICS_ALLOW="127.0.0.1, 10.0.0.0/33"))


def test_metrics_and_its_refusal_set_no_cookie(metrics_app):
    client = metrics_app.test_client()
    assert "Set-Cookie" not in client.get("/metrics", headers=BEARER).headers
    assert "Set-Cookie" not in client.get("/metrics").headers


# --- what they count --------------------------------------------------------------------------


def test_latency_is_per_view_and_never_names_the_path(metrics_app):
    tree = factories.make_tree()
    round_ = collector_factories.make_open_round(tree, codes=1)
    token = round_.campaign.units[0].link_token
    before = scrape(metrics_app)
    client = metrics_app.test_client()
    for _ in range(3):
        assert client.get(f"/s/{token}").status_code == 200
    after = scrape(metrics_app)
    name = "helhet_request_duration_seconds_count"
    labels = {"endpoint": "collector.open_link", "method": "GET"}
    assert value(after, name, **labels) - value(before, name, **labels) == 3
    assert token not in after and "/s/" not in after


def test_a_send_is_counted_once_for_its_round_after_the_commit(metrics_app):
    tree = factories.make_tree()
    round_ = collector_factories.make_open_round(tree, codes=1)
    name, labels = "helhet_responses_sent_total", {"round": str(round_.campaign.id)}
    before = value(scrape(metrics_app), name, **labels)
    client = metrics_app.test_client()
    assert helpers.enter_code(client, round_.codes[0]).status_code == 303
    assert helpers.send(client).status_code == 422  # nothing answered yet: not sent, not counted
    assert value(scrape(metrics_app), name, **labels) == before
    helpers.answer_all_pages(client, round_.questionnaire)
    assert helpers.send(client).status_code == 303
    assert helpers.send(client).status_code == 409  # the second click sends nothing
    after = scrape(metrics_app)
    assert value(after, name, **labels) == before + 1
    family = next(
        f for f in text_string_to_metric_families(after) if f.name == "helhet_responses_sent"
    )
    assert {tuple(sorted(s.labels)) for s in family.samples} <= {("round",)}


def test_an_import_is_counted_when_it_commits_and_not_when_it_rolls_back(metrics_app):
    factories.make_tree()
    name, labels = "helhet_imports_total", {"kind": "units.imported"}
    before = value(scrape(metrics_app), name, **labels)
    orgunits.import_csv("code;name;parent\n4601-a;A;4601-helse\n")
    db.session.rollback()
    assert value(scrape(metrics_app), name, **labels) == before
    orgunits.import_csv("code;name;parent\n4601-b;B;4601-helse\n")
    db.session.commit()
    assert value(scrape(metrics_app), name, **labels) == before + 1


def test_an_import_through_the_pages_is_counted(metrics_app, tree, admin):
    client = metrics_app.test_client()
    factories.login(client, admin)
    name, labels = "helhet_imports_total", {"kind": "units.imported"}
    before = value(scrape(metrics_app), name, **labels)
    response = client.post(
        "/admin/enheter/import",
        data={"file": (io.BytesIO(b"code;name;parent\n4601-ny;Ny;4601-helse\n"), "u.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert value(scrape(metrics_app), name, **labels) == before + 1


def test_other_administrator_actions_are_not_imports(metrics_app):
    before = scrape(metrics_app)
    audit.record("unit.saved", "x")
    db.session.commit()
    after = scrape(metrics_app)
    assert value(after, "helhet_imports_total", kind="unit.saved") == 0
    assert before.count("helhet_imports_total") == after.count("helhet_imports_total")


def test_a_server_error_is_counted_for_its_view(metrics_app):
    @public
    def broken(**_kwargs):
        raise RuntimeError("boom")

    metrics_app.view_functions["web.index"] = broken
    metrics_app.config["PROPAGATE_EXCEPTIONS"] = False
    name, labels = "helhet_server_errors_total", {"endpoint": "web.index"}
    before = value(scrape(metrics_app), name, **labels)
    assert metrics_app.test_client().get("/").status_code == 500
    assert value(scrape(metrics_app), name, **labels) == before + 1


def test_ready_saying_not_ready_is_not_a_server_error(metrics_app):
    name, labels = "helhet_server_errors_total", {"endpoint": "health.ready"}
    assert metrics_app.test_client().get("/ready").status_code == 503  # create_all: no revision
    assert value(scrape(metrics_app), name, **labels) == 0


def test_no_request_is_left_in_progress_after_it_is_answered(metrics_app):
    metrics_app.test_client().get("/health")
    # the scrape itself is the one request in progress
    assert value(scrape(metrics_app), "helhet_requests_in_progress") == 1


def test_the_metrics_hold_nothing_of_a_whole_answering_session(metrics_app):
    before = scrape(metrics_app)
    secrets = answer_with_code_and_with_open_link(metrics_app)
    text = scrape(metrics_app)
    sent = "helhet_responses_sent_total"
    round_id = str(secrets.round_id)
    assert value(text, sent, round=round_id) - value(before, sent, round=round_id) == 2
    assert [s for s in secrets.strings if s in text] == []
