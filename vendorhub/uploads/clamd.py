"""Optional virus scan through a ClamAV daemon (clamd), speaking its INSTREAM protocol.

Configured by ``CLAMD_SOCKET`` (a Unix socket path) or ``CLAMD_HOST``/``CLAMD_PORT``
(TCP), with ``CLAMD_TIMEOUT`` seconds per scan. Unset: no scan. Set but unreachable,
slow or answering nonsense: the upload is refused (``ScannerUnavailable``), because a
file accepted unscanned is exactly what the scan is there to prevent.

Protocol: ``zINSTREAM\\0``, then chunks each prefixed with its length as a 4-byte
big-endian integer, then a zero length; clamd answers ``stream: OK`` or
``stream: <signature> FOUND`` (or ``... ERROR``), terminated by ``\\0``.
"""

from __future__ import annotations

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScannerUnavailable(Exception):
    """clamd is configured but could not give a verdict."""


def scanner_configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", ""))


def scan_bytes(data: bytes) -> str | None:
    """The signature name if clamd finds something, None if clean.

    Raises ScannerUnavailable when it cannot tell.
    """
    reply = _instream(data)
    if reply.endswith("OK") and "FOUND" not in reply:
        return None
    if reply.endswith("FOUND"):
        verdict = reply.removeprefix("stream:").strip()
        return verdict.removesuffix("FOUND").strip() or "unknown"
    raise ScannerUnavailable(f"unexpected answer from clamd: {reply[:200]!r}")


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", 30))
    path = getattr(settings, "CLAMD_SOCKET", "")
    try:
        if path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
            return sock
        return socket.create_connection(
            (settings.CLAMD_HOST, int(getattr(settings, "CLAMD_PORT", 3310))), timeout=timeout
        )
    except OSError as exc:
        raise ScannerUnavailable(f"cannot reach clamd: {exc}") from exc


def _instream(data: bytes) -> str:
    with _connect() as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < MAX_REPLY:
                part = sock.recv(1024)
                if not part:
                    break
                reply += part
        except OSError as exc:  # includes timeouts and a daemon closing mid-stream
            raise ScannerUnavailable(f"clamd failed during the scan: {exc}") from exc
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
