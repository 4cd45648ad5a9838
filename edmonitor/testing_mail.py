"""A real SMTP server for tests (aiosmtpd, on a free port of 127.0.0.1) and the mailbox it fills.

The e-mail tests (edmonitor/core/tests/test_email.py) and the browser tests (e2e/) send through
it, so what edmonitor hands to SMTP is what a person would receive.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps what it receives: (sender, recipients, message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []
        self.port = 0  # the SMTP server's, once start_smtp has started it
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        with self._arrived:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, recipient: str, *, after: int = 0, timeout: float = 15) -> Message:
        """The first message to ``recipient`` among those received after the first ``after`` ones."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for _sender, to, message in self.messages[after:]:
                    if recipient in to:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail to {recipient} within {timeout} s")
                self._arrived.wait(left)


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes), "a plain-text mail"
    return payload.decode(message.get_content_charset() or "utf-8")


def link_in(message: Message) -> str:
    """The first web address in a plain-text mail."""
    found = re.search(r"https?://\S+", body_of(message))
    assert found, body_of(message)
    return found.group(0)


def start_smtp(inbox: Inbox, **options) -> tuple[Controller, int]:
    """Start an SMTP server on a free port that delivers into ``inbox``; stop it with ``controller.stop()``."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    inbox.port = port
    return controller, port
