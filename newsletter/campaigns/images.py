"""Pictures for newsletters: checked, resized and stored by the app (no third party)."""

import io
import uuid
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from core.db import SessionLike
from newsletter.campaigns.models import Image

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Checked from the header, before anything is decoded: 40 megapixels is more than any
# camera picture for a newsletter, and decodes to at most ~160 MB.
MAX_PIXELS = 40_000_000
MAX_WIDTH = 1200  # twice the mail's width, for sharp pictures on retina screens
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "jpg"}


class ImageError(Exception):
    """The upload is not a picture we can use; the message says why."""


def _too_many_pixels() -> ImageError:
    return ImageError(
        str(
            _l(
                "The picture has too many pixels; at most 40 million "
                "(for example 8000 × 5000) are taken."
            )
        )
    )


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def store_image(session: SessionLike, content: bytes, region_id: int | None) -> Image:
    """Check, shrink if needed and store a picture; returns its row."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImageError(str(_l("The picture is larger than 5 MB.")))
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit: refuse those too.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            probe = PILImage.open(io.BytesIO(content))
        with probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_many_pixels()
            probe.verify()
        picture: PILImage.Image = PILImage.open(io.BytesIO(content))
        picture.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ImageError(
            str(_l("This file is not a picture. Please upload a JPEG, PNG or GIF."))
        ) from None
    kind = FORMATS.get(picture.format or "")
    if kind is None:
        raise ImageError(str(_l("Please upload a JPEG, PNG or GIF.")))
    if picture.width > MAX_WIDTH:
        height = max(1, round(picture.height * MAX_WIDTH / picture.width))
        picture = picture.resize((MAX_WIDTH, height), PILImage.Resampling.LANCZOS)
    if kind == "jpg" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    filename = f"{uuid.uuid4().hex}.{kind}"
    media_dir().mkdir(parents=True, exist_ok=True)
    save_format = {"jpg": "JPEG", "png": "PNG", "gif": "GIF"}[kind]
    # Re-encoding drops metadata (EXIF with locations) and anything hidden in the file.
    picture.save(media_dir() / filename, save_format, optimize=True)
    image = Image(
        filename=filename,
        width=picture.width,
        height=picture.height,
        region_id=region_id,
    )
    session.add(image)
    session.flush()
    return image
