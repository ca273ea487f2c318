"""Handing one message to the mail server (SMTP, Flask-Mailman) or the SMS gateway (HTTP POST),
and saying what became of it.

Each send answers with an Outcome that decides what Helhet may do next (at most once):

- SENT: the server accepted the message (SMTP 250 after the data; an HTTP 2xx).
- REFUSED: the server refused it for good (SMTP 5xx for the recipient or the message; HTTP 4xx
  other than 408/429): the message was not accepted and is not tried again; the reason is shown.
- TEMPORARY: refused for now (SMTP 4xx; HTTP 408/429): not accepted, so the next run tries again.
- UNCERTAIN: the connection broke or timed out after the message was handed over (or the gateway
  answered 5xx): it may have arrived, so it is never sent again, only reported.
- UNAVAILABLE: the server could not be reached before anything was handed over: the run stops and
  the message is tried again next time.

Bounces that arrive later as mails to the sender's mailbox (asynchronous bounces) are not read:
only refusals during the SMTP conversation are seen.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import current_app
from flask_mailman import EmailMultiAlternatives, Mail

mail = Mail()


class Outcome(enum.StrEnum):
    SENT = "sent"
    REFUSED = "refused"
    TEMPORARY = "temporary"
    UNCERTAIN = "uncertain"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""  # the server's reply, for the administrator (never the message)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None


class NotConfigured(Exception):
    """The mail server or the SMS gateway is not set up (a setting is missing)."""


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}"[:300]


class MailTransport:
    """One SMTP connection for a run, reopened after the server closed it."""

    def __init__(self) -> None:
        if not current_app.config.get("MAIL_SERVER") or not current_app.config.get(
            "MAIL_DEFAULT_SENDER"
        ):
            raise NotConfigured("MAIL_SERVER and MAIL_DEFAULT_SENDER")
        self.connection = None

    def _ensure_open(self) -> Result | None:
        smtp = getattr(self.connection, "connection", None)
        if smtp is not None and getattr(smtp, "sock", None) is not None:
            return None
        self.close()
        try:
            config = current_app.config  # read now: the settings may change after start-up
            self.connection = mail.get_connection(
                fail_silently=False,
                host=config["MAIL_SERVER"],
                port=int(config.get("MAIL_PORT") or 25),
                username=config.get("MAIL_USERNAME") or "",
                password=config.get("MAIL_PASSWORD") or "",
                use_tls=bool(config.get("MAIL_USE_TLS")),
                use_ssl=bool(config.get("MAIL_USE_SSL")),
                timeout=config.get("MAIL_TIMEOUT") or None,
            )
            self.connection.open()
        except (OSError, smtplib.SMTPException) as error:
            self.connection = None
            return Result(Outcome.UNAVAILABLE, str(error)[:300])
        return None

    def send(self, message: Message) -> Result:
        problem = self._ensure_open()
        if problem is not None:
            return problem
        mail_message = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"],
            to=[message.to],
            connection=self.connection,
        )
        if message.html:
            mail_message.attach_alternative(message.html, "text/html")
        try:
            mail_message.send()
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            kind = Outcome.TEMPORARY if 400 <= code < 500 else Outcome.REFUSED
            return Result(kind, _reply(code, reply))
        except smtplib.SMTPResponseException as error:  # sender or data refused: not accepted
            self._drop_if_closed()
            kind = Outcome.TEMPORARY if 400 <= error.smtp_code < 500 else Outcome.REFUSED
            return Result(kind, _reply(error.smtp_code, error.smtp_error))
        except (smtplib.SMTPException, OSError) as error:  # broke while handing it over
            self.close()
            return Result(Outcome.UNCERTAIN, str(error)[:300] or error.__class__.__name__)
        return Result(Outcome.SENT)

    def _drop_if_closed(self) -> None:
        smtp = getattr(self.connection, "connection", None)
        if smtp is None or getattr(smtp, "sock", None) is None:
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


class SmsTransport:
    """An SMS gateway that takes one HTTP POST per message.

    SMS_GATEWAY_FORMAT "form" (default) posts application/x-www-form-urlencoded fields, "json" a
    JSON object; the fields are `recipient` (E.164, +4791234567), `sender` (SMS_SENDER) and
    `text`. SMS_GATEWAY_TOKEN is sent as "Authorization: Bearer ...", else SMS_GATEWAY_USER and
    SMS_GATEWAY_PASSWORD as HTTP Basic authentication.
    """

    def __init__(self) -> None:
        config = current_app.config
        self.url = config.get("SMS_GATEWAY_URL") or ""
        if not self.url:
            raise NotConfigured("SMS_GATEWAY_URL")
        self.format = (config.get("SMS_GATEWAY_FORMAT") or "form").lower()
        self.sender = config.get("SMS_SENDER") or ""
        self.timeout = float(config.get("SMS_GATEWAY_TIMEOUT") or 30)
        self.headers = {"User-Agent": "Helhet"}
        if config.get("SMS_GATEWAY_TOKEN"):
            self.headers["Authorization"] = f"Bearer {config['SMS_GATEWAY_TOKEN']}"
        elif config.get("SMS_GATEWAY_USER"):
            pair = f"{config['SMS_GATEWAY_USER']}:{config.get('SMS_GATEWAY_PASSWORD') or ''}"
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()

    def send(self, message: Message) -> Result:
        fields = {"recipient": message.to, "sender": self.sender, "text": message.text}
        if self.format == "json":
            body = json.dumps(fields, ensure_ascii=False).encode()
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded; charset=utf-8"
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={**self.headers, "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read(1000)
        except urllib.error.HTTPError as error:
            detail = _reply(error.code, error.read(200) or error.reason)
            if error.code in (408, 429):
                return Result(Outcome.TEMPORARY, detail)
            if 400 <= error.code < 500:
                return Result(Outcome.REFUSED, detail)
            return Result(Outcome.UNCERTAIN, detail)
        except urllib.error.URLError as error:
            # urllib raises URLError only while connecting and writing the request (TLS, refused,
            # unknown host, a connect timeout): the gateway never had a whole request, nothing
            # was sent, and the run stops this channel instead of marking everyone uncertain
            return Result(Outcome.UNAVAILABLE, str(error.reason)[:300])
        except (OSError, TimeoutError) as error:
            return Result(Outcome.UNCERTAIN, str(error)[:300] or error.__class__.__name__)
        return Result(Outcome.SENT)

    def close(self) -> None:
        pass
