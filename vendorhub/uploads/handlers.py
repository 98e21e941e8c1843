"""Keep an oversized upload off the disk while still telling the user its real size.

Django writes every uploaded file to memory or a temporary file before any view runs,
whatever its size. This handler, first in ``FILE_UPLOAD_HANDLERS``, passes bytes on
only up to ``UPLOAD_MAX_BYTES`` + 1; past that it swallows them and, at the end, hands
the view an empty stand-in that reports the full size, which the upload check refuses
with "the file is 1.2 GB; the limit is 20 MB".
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from .checks import max_upload_bytes


class OversizedUpload(SimpleUploadedFile):
    """What the view gets for a file over the limit: its name and real size, no bytes."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        super().__init__(name, b"", content_type)
        self.size = size


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = max_upload_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit + 1:
            return None  # the next handlers never see bytes past the limit
        return raw_data

    def file_complete(self, file_size: int) -> OversizedUpload | None:
        if self.received > self.limit + 1:
            return OversizedUpload(self.file_name, self.received, self.content_type)
        return None  # within the limit: the next handler's file is used
