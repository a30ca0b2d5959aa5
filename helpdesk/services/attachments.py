"""Checked storage of uploaded files: size and type limits, generated names, checksums."""

import hashlib
import mimetypes
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from helpdesk.models import Attachment, Ticket, TicketMessage, User

# Extension -> the content type we store and serve. The browser's claimed type is ignored:
# it is whatever the client says.
ALLOWED_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".zip": "application/zip",
}
# Magic numbers for the binary types, so a renamed .html cannot pose as a .png.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF",),
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}
ACCEPT_ATTRIBUTE = ",".join(sorted(ALLOWED_TYPES))


# A screenshot of an 8K screen is 33 megapixels; an image claiming more is a decompression
# bomb (a few KB that unpack to gigabytes when anything decodes it).
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def _check_image(upload: UploadedFile, *, name: str, extension: str) -> None:
    """Read only the header: the format must match the extension, the size be sane."""
    try:
        with Image.open(upload) as image:
            width, height = image.size
            kind = image.format
    except Image.DecompressionBombError:
        width = height = MAX_IMAGE_PIXELS  # more than the limit, whatever it claimed
        kind = None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(
            _("“%(name)s” does not look like a %(ext)s file."),
            params={"name": name, "ext": extension},
            code="file_content",
        ) from None
    finally:
        upload.seek(0)
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("“%(name)s” is too large an image (at most %(limit)s megapixels)."),
            params={"name": name, "limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_size",
        )
    if kind is not None and IMAGE_FORMATS.get(kind) != ALLOWED_TYPES[extension]:
        raise ValidationError(
            _("“%(name)s” does not look like a %(ext)s file."),
            params={"name": name, "ext": extension},
            code="file_content",
        )


IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def validate_upload(upload: UploadedFile) -> str:
    """Return the content type to store, or raise ValidationError with a translated reason."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s”: this file type is not accepted. Allowed: %(allowed)s."),
            params={"name": name, "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="file_type",
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s."),
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), params={"name": name}, code="file_empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signatures = SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            _("“%(name)s” does not look like a %(ext)s file."),
            params={"name": name, "ext": extension},
            code="file_content",
        )
    if extension in IMAGE_EXTENSIONS:
        _check_image(upload, name=name, extension=extension)
    if extension in {".txt", ".log", ".csv"} and b"\x00" in head:
        raise ValidationError(
            _("“%(name)s” does not look like a text file."), params={"name": name}, code="file_content"
        )
    return ALLOWED_TYPES[extension]


def store_attachment(
    *,
    ticket: Ticket,
    upload: UploadedFile,
    uploaded_by: User | None,
    message: TicketMessage | None = None,
    is_internal: bool = False,
) -> Attachment:
    """Validate and save one upload; the caller holds the transaction."""
    content_type = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        stored_key=secrets.token_hex(16),
        original_name=PurePath(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=uploaded_by,
        is_internal=is_internal,
    )
    attachment.file.save(attachment.stored_key, upload, save=False)
    attachment.save()
    return attachment


def guess_type(name: str) -> str:
    return ALLOWED_TYPES.get(PurePath(name).suffix.lower()) or mimetypes.guess_type(name)[0] or ""
