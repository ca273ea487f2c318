"""Keeping people's addresses out of logs and rate-limit storage (every limiter uses client_key).

- The development server (werkzeug) writes each request's client address at the start of its
  log line; `StripClientAddress` replaces it with "-" for every request, so no answering page
  (and, simply, no page) leaves an IP address in the log, and the code of a personal link
  (/k/<code>) with "<code>". In production gunicorn's access log is
  off unless --access-logfile is given; if you turn it on, use an --access-logformat without %(h)s.
- Rate limits need to tell clients apart, but Redis (or memory) then holds a key per client:
  `client_key` uses a keyed hash of the address instead of the address itself, and that key is
  also what Flask-Limiter writes to its log when a limit is exceeded.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from flask import current_app
from flask_limiter.util import get_remote_address

_ADDRESS_AT_START = re.compile(r"^\S+ - - \[")
# a personal link's code (collector/routes.py personal_link) in a request line
_PERSONAL_LINK = re.compile(r"/k/[^\s?\"]*")


class StripClientAddress(logging.Filter):
    """Replace the client address at the start of werkzeug's request log lines with "-", and the
    code of a personal link (/k/<code>) in the request line with "<code>"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and _ADDRESS_AT_START.match(record.msg):
            record.msg = _ADDRESS_AT_START.sub("- - - [", record.msg, count=1)
            if record.args:
                record.msg, record.args = record.msg % record.args, ()
            record.msg = _PERSONAL_LINK.sub("/k/<code>", record.msg)
        return True


def install_log_filter(_state=None) -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, StripClientAddress) for f in logger.filters):
        logger.addFilter(StripClientAddress())


def client_key() -> str:
    """A rate-limit key per client that is not its IP address (HMAC with the secret key)."""
    address = get_remote_address() or "-"
    secret = str(current_app.config.get("SECRET_KEY", "")).encode()
    return "c:" + hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:24]
