"""A real SMTP server (aiosmtpd) and a small SMS gateway (HTTP) in the test process, on
127.0.0.1, that record what they received and can refuse or break on demand."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailRecorder:
    """The SMTP handler: keeps every accepted mail. `refuse`: recipients answered 550;
    `temporary_after`: after that many mails, answer 451 to the data; `drop_after`: store the
    next mail after that many, then cut the connection before answering (once)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.temporary_after: int | None = None
        self.drop_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.temporary_after is not None and len(self.messages) >= self.temporary_after:
            return "451 4.3.0 Try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        if self.drop_after is not None and len(self.messages) > self.drop_after:
            self.drop_after = None
            server.transport.abort()
            return "250 OK"
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    def __init__(self) -> None:
        self.recorder = MailRecorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class SmsGateway:
    """Records each POST (its form or JSON fields and Authorization header); answers 200, or the
    status in `status_for[recipient]`."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status_for: dict[str, int] = {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    fields = json.loads(body)
                else:
                    fields = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                status = gateway.status_for.get(fields.get("recipient"), 200)
                if status == 200:
                    gateway.posts.append(
                        {**fields, "authorization": self.headers.get("Authorization")}
                    )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                reply = b'{"status": "queued"}' if status == 200 else b'{"error": "invalid"}'
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> SmsGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, number: str) -> list[dict]:
        return [p for p in self.posts if p["recipient"] == number]
