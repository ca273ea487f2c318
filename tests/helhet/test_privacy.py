"""No IP addresses in logs: the werkzeug request log line loses its client address."""

import logging

from helhet.privacy import StripClientAddress, install_log_filter


def test_the_request_log_line_loses_the_client_address():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '192.0.2.44 - - [26/Nov/2026 10:00:00] "%s" %s %s\n',
        ("POST /svar/send HTTP/1.1", "303", "-"),
        None,
    )
    StripClientAddress().filter(record)
    line = record.getMessage()
    assert "192.0.2.44" not in line
    assert line.startswith("- - - [26/Nov/2026 10:00:00]")
    assert "POST /svar/send" in line


def test_an_ipv6_address_is_removed_too():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '2001:db8::1 - - [26/Nov/2026 10:00:00] "%s" %s %s\n',
        ("GET /svar HTTP/1.1", "200", "-"),
        None,
    )
    StripClientAddress().filter(record)
    assert "2001:db8" not in record.getMessage()


def test_other_log_lines_are_left_alone():
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, "Press CTRL+C to quit", (), None
    )
    StripClientAddress().filter(record)
    assert record.getMessage() == "Press CTRL+C to quit"


def test_the_app_installs_the_filter_on_the_werkzeug_logger(app):
    install_log_filter()
    filters = [
        f for f in logging.getLogger("werkzeug").filters if isinstance(f, StripClientAddress)
    ]
    assert len(filters) == 1


def test_serving_a_request_logs_no_address(app, caplog):
    from werkzeug.serving import WSGIRequestHandler

    class FakeHandler(WSGIRequestHandler):
        def __init__(self):  # no socket: only the logging part is exercised
            self.client_address = ("192.0.2.99", 50000)
            self.requestline = "POST /svar HTTP/1.1"

    with caplog.at_level(logging.INFO, logger="werkzeug"):
        FakeHandler().log_request(303)
    assert caplog.records and "192.0.2.99" not in caplog.text
