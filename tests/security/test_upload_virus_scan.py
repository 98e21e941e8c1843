"""The optional virus scan, against a tiny fake clamd speaking the INSTREAM protocol.

Unset (the default in every other test): no scan. Set: every accepted upload is
scanned first; a finding or a scanner that cannot answer refuses the upload, because
accepting a file unscanned is what the scan exists to prevent.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes.models import DisputeEvent
from tests.security.corpus import EICAR, make_pdf

pytestmark = pytest.mark.django_db


class FakeClamd:
    """Answers ``FOUND`` when the stream contains the EICAR test string, else ``OK``.

    ``mode``: ``"scan"`` (a real answer), ``"hang"`` (reads, never answers), ``"close"``
    (hangs up without a word).
    """

    def __init__(self, server: socket.socket, mode: str = "scan") -> None:
        self.server = server
        self.mode = mode
        self.scanned: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.stopping = threading.Event()

    def serve(self) -> None:
        self.server.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        if self.mode == "close":
            return
        command = b""
        while not command.endswith(b"\0"):
            command += conn.recv(1)
        self.commands.append(command)
        data = b""
        while True:
            (length,) = struct.unpack("!L", self.read(conn, 4))
            if length == 0:
                break
            data += self.read(conn, length)
        self.scanned.append(data)
        if self.mode == "hang":
            self.stopping.wait(10)
            return
        verdict = b"Eicar-Test-Signature FOUND" if EICAR in data else b"OK"
        conn.sendall(b"stream: " + verdict + b"\0")

    @staticmethod
    def read(conn: socket.socket, size: int) -> bytes:
        out = b""
        while len(out) < size:
            part = conn.recv(size - len(out))
            if not part:
                raise ConnectionError("client went away")
            out += part
        return out


@contextmanager
def fake_clamd(settings, tmp_path, *, mode: str = "scan", tcp: bool = False) -> Iterator[FakeClamd]:
    if tcp:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(("127.0.0.1", 0))
        settings.CLAMD_HOST, settings.CLAMD_PORT = server.getsockname()
        settings.CLAMD_SOCKET = ""
    else:
        path = str(tmp_path / "clamd.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        settings.CLAMD_SOCKET = path
    server.listen(4)
    fake = FakeClamd(server, mode)
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.close()
        fake.thread.join(timeout=5)


def attach(api, dispute, name: str, data: bytes):
    return api.post(
        f"/api/v1/disputes/{dispute.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data), "body": "evidence"},
        format="multipart",
    )


def test_a_clean_file_is_scanned_then_stored(settings, tmp_path, dispute_a, partner_a, api_for):
    with fake_clamd(settings, tmp_path) as clamd:
        response = attach(api_for(partner_a), dispute_a, "roster.pdf", make_pdf())
    assert response.status_code == 201, response.content
    stored = DisputeEvent.objects.get(kind="attachment").attachment.read()
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.scanned == [stored]  # exactly the bytes that are kept


def test_a_file_the_scanner_flags_is_refused(
    settings, tmp_path, dispute_a, partner_a, api_for, client_for, contract_a, manager
):
    with fake_clamd(settings, tmp_path) as clamd:
        api = attach(api_for(partner_a), dispute_a, "eicar.txt", EICAR)
        page = client_for(manager).post(
            f"/contracts/{contract_a.pk}/documents/new/",
            {"title": "x", "file": SimpleUploadedFile("msa.pdf", make_pdf() + b"")},
        )
    assert api.status_code == 400
    assert api.json()["attachment"] == [
        "The virus scanner flagged this file (Eicar-Test-Signature); it was not accepted."
    ]
    assert not DisputeEvent.objects.filter(kind="attachment").exists()
    assert page.status_code == 302  # the clean contract document went through the scan
    assert len(clamd.scanned) == 2


def test_an_unreachable_scanner_refuses_uploads_rather_than_skipping_the_scan(
    settings, tmp_path, dispute_a, partner_a, api_for
):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    response = attach(api_for(partner_a), dispute_a, "roster.pdf", make_pdf())
    assert response.status_code == 400
    assert "The virus scanner is unavailable" in response.json()["attachment"][0]
    assert not DisputeEvent.objects.filter(kind="attachment").exists()


@pytest.mark.parametrize("mode", ["hang", "close"])
def test_a_scanner_that_hangs_or_hangs_up_refuses_the_upload(
    mode, settings, tmp_path, dispute_a, partner_a, api_for
):
    settings.CLAMD_TIMEOUT = 0.5
    with fake_clamd(settings, tmp_path, mode=mode):
        response = attach(api_for(partner_a), dispute_a, "roster.pdf", make_pdf())
    assert response.status_code == 400
    assert "The virus scanner is unavailable" in response.json()["attachment"][0]
    assert not DisputeEvent.objects.filter(kind="attachment").exists()


def test_clamd_over_tcp(settings, tmp_path, dispute_a, partner_a, api_for):
    with fake_clamd(settings, tmp_path, tcp=True) as clamd:
        assert attach(api_for(partner_a), dispute_a, "roster.pdf", make_pdf()).status_code == 201
        assert attach(api_for(partner_a), dispute_a, "e.txt", EICAR).status_code == 400
    assert len(clamd.scanned) == 2


def test_without_a_scanner_configured_nothing_is_contacted(settings, dispute_a, partner_a, api_for):
    assert settings.CLAMD_SOCKET == "" and settings.CLAMD_HOST == ""
    assert attach(api_for(partner_a), dispute_a, "roster.pdf", make_pdf()).status_code == 201
