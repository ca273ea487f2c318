"""Prometheus metrics at /metrics: requests, responses sent, imports, server errors.

    helhet_request_duration_seconds{endpoint,method}   histogram of the time to answer, per view
    helhet_requests_in_progress                        requests being answered now (live workers)
    helhet_server_errors_total{endpoint}               responses with a 5xx status
    helhet_responses_sent_total{round}                 sends committed, per round id
    helhet_imports_total{kind}                         imports committed, per audit action

Labels are a bounded set: the Flask endpoint (never the path, which holds ids and link tokens), a
standard method, a round's id, an audit action. Nothing about a respondent or a client: no
address, no unit, no code. A send is counted after its commit, by round only (a unit's count over
time would say when someone in a small unit answered).

Who may read them: a request with `Authorization: Bearer <METRICS_TOKEN>`, or one from an address
in METRICS_ALLOW (a CIDR list), as the app sees it: behind PROXY_FIX trusted proxies, the address
they forwarded, else the connecting one. Anyone else gets the ordinary 404 page, so the endpoint
is not advertised; with neither setting it is 404 for everyone.

Several processes: under gunicorn every worker counts on its own, so prometheus_client runs in its
multiprocess mode, chosen by PROMETHEUS_MULTIPROC_DIR, which must be set before the first import
of prometheus_client. `helhet serve` sets it (a fresh directory unless one is given), empties it
when the server starts and marks each dead worker (helhet/gunicorn_config.py); /metrics then sums
the files of every worker.

Why prometheus_client and not prometheus-flask-exporter: the exporter labels by path unless told
otherwise, opens its endpoint to everyone and wraps the same client; what Helhet needs on top of
the client (endpoint labels, the counters after commits, the token and address check, 404) is
these few lines, with one dependency fewer.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    request,
    request_finished,
    request_started,
    request_tearing_down,
)
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

from helhet import audit, requestinfo
from helhet.access import public
from helhet.extensions import limiter

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
MIN_TOKEN_LENGTH = 16
_NETWORKS = "helhet.metrics_networks"
_COUNTED = "helhet.in_progress"
ANSWERS_WITH_5XX = frozenset({"health.ready"})  # its 503 is the answer "not ready", not a failure

REQUEST_SECONDS = Histogram(
    "helhet_request_duration_seconds",
    "Time to answer a request, per view (Flask endpoint) and method.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
IN_PROGRESS = Gauge(
    "helhet_requests_in_progress",
    "Requests being answered now.",
    multiprocess_mode="livesum",
)
SERVER_ERRORS = Counter(
    "helhet_server_errors", "Responses with a 5xx status, per view (Flask endpoint).", ["endpoint"]
)
RESPONSES_SENT = Counter(
    "helhet_responses_sent", "Responses sent by respondents (committed), per round id.", ["round"]
)
IMPORTS = Counter("helhet_imports", "Imports committed, per kind (the audit action).", ["kind"])

bp = Blueprint("metrics", __name__)


class MetricsSettingsInvalid(ValueError):
    """METRICS_TOKEN or METRICS_ALLOW cannot be used as given."""


def response_sent(round_id: int) -> None:
    """Count a send; call it after the commit that stored the response."""
    RESPONSES_SENT.labels(round=str(round_id)).inc()


def _count_import(event: dict) -> None:
    if "imported" in event["action"]:
        IMPORTS.labels(kind=event["action"]).inc()


def parse_networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """METRICS_ALLOW: CIDR blocks (or single addresses) separated by commas or spaces."""
    networks = []
    for part in value.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise MetricsSettingsInvalid(
                f"METRICS_ALLOW: {part!r} is not an address or a CIDR block (e.g. 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def _address_allowed(networks) -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def _token_given(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def may_read() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token and _token_given(token):
        return True
    return _address_allowed(current_app.extensions[_NETWORKS])


def registry() -> CollectorRegistry:
    """The metrics of this process, or of every worker in multiprocess mode."""
    if os.environ.get(MULTIPROC_DIR):
        merged = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(merged)
        return merged
    return REGISTRY


@bp.get("/metrics")
@public  # the view checks the token or the address, and says 404 to anyone else
@limiter.exempt
def metrics():
    if not may_read():
        abort(404)
    return Response(generate_latest(registry()), mimetype=None, content_type=CONTENT_TYPE_LATEST)


def _started(_sender: Flask, **_extra) -> None:
    IN_PROGRESS.inc()
    request.environ[_COUNTED] = True


def _finished(_sender: Flask, response, **_extra) -> None:
    endpoint = requestinfo.endpoint()
    elapsed = requestinfo.elapsed_seconds()
    if elapsed is not None:
        REQUEST_SECONDS.labels(endpoint=endpoint, method=requestinfo.method()).observe(elapsed)
    if response.status_code >= 500 and endpoint not in ANSWERS_WITH_5XX:
        SERVER_ERRORS.labels(endpoint=endpoint).inc()


def _torn_down(_sender: Flask, **_extra) -> None:
    if request.environ.pop(_COUNTED, False):
        IN_PROGRESS.dec()


def init_app(app: Flask) -> None:
    token = app.config.get("METRICS_TOKEN") or ""
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise MetricsSettingsInvalid(
            f"METRICS_TOKEN is too short to guess safely: use at least {MIN_TOKEN_LENGTH}"
            " characters, e.g. the output of:"
            " python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    app.extensions[_NETWORKS] = parse_networks(app.config.get("METRICS_ALLOW") or "")
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    request_tearing_down.connect(_torn_down, app)
    audit.after_commit(_count_import)
    app.register_blueprint(bp)
