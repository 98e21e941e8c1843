"""PNG and JPEG screenshots: decoded and re-encoded with Pillow, or refused.

Only the pixels survive: the re-encoded file has no metadata (EXIF with GPS, comments,
colour profiles), no trailing data (the tail of a polyglot) and no extra chunks. The
pixel count is checked from the header before anything is decoded, so a tiny file
declaring a gigantic image (a decompression bomb) is refused without allocating it.
"""

from __future__ import annotations

import io
import logging
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from .types import JPEG, PNG, FileType

log = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PIL_FORMAT = {PNG: "PNG", JPEG: "JPEG"}


def max_pixels() -> int:
    return int(getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", 50_000_000))


def sniff_image(data: bytes) -> FileType | None:
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    return None


def reencode_image(data: bytes, file_type: FileType) -> bytes:
    """The image's pixels in a fresh file of the same format, else ValidationError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(data, file_type)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception as exc:  # hostile bytes may fail anywhere in a decoder
        log.info("Image refused: %s: %s", exc.__class__.__name__, exc)
        raise ValidationError(
            f"This file is not a readable {file_type.label}.", code="bad_image"
        ) from None


def _reencode(data: bytes, file_type: FileType) -> bytes:
    with Image.open(io.BytesIO(data), formats=[PIL_FORMAT[file_type]]) as image:
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels():
            raise _too_many_pixels(width, height)
        image.load()  # decodes every pixel: truncated or corrupt data fails here
        image = ImageOps.exif_transpose(image)  # keep photos upright once EXIF is gone
        # Encoders copy some of ``info`` (ICC profile, EXIF) into the new file: keep
        # only what the pixels need.
        image.info = {k: v for k, v in image.info.items() if k == "transparency"}
        out = io.BytesIO()
        if file_type is PNG:
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                image = image.convert("RGBA")
            image.save(out, format="PNG", optimize=False)
        else:
            if image.mode not in ("L", "RGB"):
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    size = f" is {width}×{height} pixels;" if width is not None else " has too many pixels;"
    return ValidationError(
        f"This image{size} at most {max_pixels():,} pixels are accepted.",
        code="image_too_large",
    )
