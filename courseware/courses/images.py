"""Images uploaded into a course's media: recognised by their content, decoded in full and written
again by Pillow, so that a malformed file is refused and nothing but the pixels survives.

An image from the browser is untrusted: its name and extension say nothing, an SVG can carry
script, and metadata (EXIF with a place, text chunks) can carry anything. Only PNG, JPEG, GIF and
WebP are taken, at most MAX_BYTES, and what is stored is Pillow's re-encoding of the decoded
pixels, never the bytes sent. Nothing here touches Flask or the database.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image


MAX_BYTES = 5 * 1024 * 1024
# Far more than any lesson illustration needs; a small file that inflates to more is a "bomb".
MAX_PIXELS = 40_000_000
# Pillow's format → (file extension, content type).
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
# What a media file's extension says it is: the only files a course's media serves.
EXTENSION_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
# The few facts of an image's info that are part of its picture, not metadata about it.
KEPT_INFO = {
    "PNG": ("transparency",),
    "GIF": ("transparency", "duration", "loop", "background", "disposal"),
    "WEBP": ("duration", "loop", "background"),
    "JPEG": (),
}


class ImageRefused(ValueError):
    """An upload that is not taken. `reason` is one of: empty, too_large, svg, not_image,
    damaged, too_many_pixels; `filename` is the name the file was sent with."""

    def __init__(self, reason: str, filename: str, **params):
        super().__init__(f"{filename}: {reason}")
        self.reason = reason
        self.filename = filename
        self.params = params


@dataclass(frozen=True)
class CleanImage:
    """An image as it will be stored: Pillow's re-encoding, and what it is."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    sha256: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<svg" in data[:4096].lower() or head.startswith(b"<?xml"))


def _open(data: bytes, filename: str) -> Image.Image:
    # Pillow is imported where an image is read, so that web workers load it only for an upload.
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own limit; both mean "too many pixels" here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageRefused("too_many_pixels", filename) from None
        except UnidentifiedImageError:
            reason = "svg" if _looks_like_svg(data) else "not_image"
            raise ImageRefused(reason, filename) from None
        except (OSError, ValueError, SyntaxError):
            raise ImageRefused("damaged", filename) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise ImageRefused("too_many_pixels", filename, width=width, height=height)
    return image


def _frames(image: Image.Image, filename: str) -> list[Image.Image]:
    """Every frame decoded in full; a file cut short or corrupt fails here."""
    from PIL import ImageSequence

    try:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
        for frame in frames:
            frame.load()
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ImageRefused("damaged", filename) from None
    return frames


def _encode(image: Image.Image, frames: list[Image.Image], fmt: str) -> bytes:
    from PIL import ImageOps

    kept = {key: image.info[key] for key in KEPT_INFO[fmt] if key in image.info}
    out = io.BytesIO()
    first = frames[0]
    if fmt == "JPEG":
        # A phone's photo is stored sideways with an EXIF note to turn it; turn it before the
        # note is dropped.
        first = ImageOps.exif_transpose(first)
        if first.mode not in ("RGB", "L", "CMYK"):
            first = first.convert("RGB")
    first.info = {}
    options: dict = {"format": fmt, **kept}
    if fmt == "JPEG":
        options["quality"] = 90
    if fmt == "WEBP":
        options["quality"] = 90
    if len(frames) > 1 and fmt in ("GIF", "WEBP"):
        rest = frames[1:]
        for frame in rest:
            frame.info = {}
        options.update(save_all=True, append_images=rest)
    first.save(out, **options)
    return out.getvalue()


def clean_image(data: bytes, filename: str) -> CleanImage:
    """Check an uploaded image and return Pillow's re-encoding of it; ImageRefused says why not."""
    if not data:
        raise ImageRefused("empty", filename)
    if len(data) > MAX_BYTES:
        raise ImageRefused("too_large", filename, size=len(data))
    image = _open(data, filename)
    with image:
        fmt = image.format
        if fmt not in FORMATS:  # Image.open was told the formats; this is a second lock
            raise ImageRefused("not_image", filename)
        frames = _frames(image, filename)
        try:
            encoded = _encode(image, frames, fmt)
        except (OSError, ValueError):
            raise ImageRefused("damaged", filename) from None
    extension, content_type = FORMATS[fmt]
    return CleanImage(encoded, extension, content_type, image.width, image.height)


def media_name(filename: str, image: CleanImage) -> str:
    """A media file name from the name sent and the content: letters, digits and hyphens, then a
    short fingerprint (so two different images never share a name), then the real extension."""
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60].strip("-") or "image"
    return f"{stem}-{image.sha256[:8]}.{image.extension}"
