"""Files on posts, under the same rules as ticket attachments (type, size, content)."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from helpdesk.services.attachments import validate_upload

from ..models import ForumAttachment, Post


def upload_errors(files: Iterable[UploadedFile]) -> list[ValidationError]:
    """Every reason the files cannot be stored (too many, wrong type, too big, …)."""
    files = list(files)
    errors: list[ValidationError] = []
    limit = settings.ATTACHMENT_MAX_PER_MESSAGE
    if len(files) > limit:
        errors.append(ValidationError(_("At most %(limit)d files per post.") % {"limit": limit}))
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as error:
            errors.append(error)
    return errors


def store(*, post: Post, upload: UploadedFile, now: datetime) -> ForumAttachment:
    """Check and save one upload; the caller holds the transaction."""
    content_type = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = ForumAttachment(
        post=post,
        stored_key=secrets.token_hex(16),
        original_name=PurePath(upload.name or "file").name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        created_at=now,
    )
    attachment.file.save(attachment.stored_key, upload, save=False)
    attachment.save()
    return attachment
