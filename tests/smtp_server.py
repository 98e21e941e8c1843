"""A real SMTP server for tests (aiosmtpd on a free local port) that records what it
accepted by Message-ID, and can be told to misbehave the ways real relays do."""

from __future__ import annotations

import email
import logging
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Recorder:
    """The handler. ``mode``: ``accept``; ``refuse`` (451 to DATA: not delivered);
    ``reject_rcpt`` (550 to RCPT: never deliverable); ``drop`` (keep the message, then
    close the connection without the final reply: delivered, but the client cannot
    know)."""

    mode: str = "accept"
    message_ids: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject_rcpt":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "refuse":
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(message["Message-ID"])
            self.subjects.append(message["Subject"])
        if self.mode == "drop":
            server.transport.close()
            return "250 OK"  # never reaches the client
        return "250 OK"

    def forget(self, message_ids: set[str]) -> None:
        """Leave these out of later counts (mail a drill does not count)."""
        with self.lock:
            self.message_ids = [m for m in self.message_ids if m not in message_ids]

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(self.message_ids)


class SmtpServer:
    """``start()``/``stop()`` on a fixed port: stopped means "connection refused"."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = Recorder()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP verb
        self._controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailer_settings(self, timeout: float = 5) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": timeout},
            }
        }
