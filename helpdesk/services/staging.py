"""Uploads kept across a form's re-display, so a user never has to pick their files again.

Validated files wait in a per-user staging folder under MEDIA_ROOT, named by a random token
the form carries in a hidden input. The user id is part of the path, so a token copied into
someone else's form names nothing. A form hands the services a `StagedUploads` reference;
the intake and conversation services open the files, store them with the ticket or message
and remove the folder once their transaction has committed (a failure keeps the files for
the next try). Abandoned folders are purged after STAGING_MAX_AGE by a background task.
"""

import json
import re
import secrets
import shutil
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import now

from .attachments import validate_upload

STAGING_DIR = "portal-staging"
STAGING_MAX_AGE_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class StagedUploads:
    """The files a user kept in one form (their staging folder), handed to a service."""

    user_id: int
    token: str | None


@dataclass(frozen=True)
class StagedFile:
    """One kept upload: its key in the folder, the user's file name, size and type."""

    key: str
    name: str
    size: int
    content_type: str


def new_token() -> str:
    return secrets.token_urlsafe(18)


def valid_token(token: str | None) -> str | None:
    """The token if it is well-formed, else None (a forged value never becomes a path)."""
    return token if token and TOKEN_RE.match(token) else None


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING_DIR


def _folder(user_id: int, token: str) -> Path:
    if not valid_token(token):
        raise ValueError("invalid staging token")
    return _root() / str(int(user_id)) / token


def _read_manifest(folder: Path) -> list[StagedFile]:
    try:
        rows = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [StagedFile(**row) for row in rows if (folder / row["key"]).is_file()]


def _write_manifest(folder: Path, files: list[StagedFile]) -> None:
    (folder / MANIFEST).write_text(json.dumps([asdict(f) for f in files], ensure_ascii=False), "utf-8")


def list_staged(*, user_id: int, token: str | None) -> list[StagedFile]:
    if not valid_token(token):
        return []
    return _read_manifest(_folder(user_id, token))


def stage_uploads(
    *, user_id: int, token: str, uploads: Iterable[UploadedFile], limit: int | None = None
) -> tuple[list[StagedFile], list[ValidationError]]:
    """Validate and keep each upload; return (all staged files, errors for refused ones).

    Valid files are kept even when others in the same batch are refused. `limit` caps the
    number of files kept in all.
    """
    limit = settings.ATTACHMENT_MAX_PER_MESSAGE if limit is None else limit
    folder = _folder(user_id, token)
    staged = _read_manifest(folder)
    errors: list[ValidationError] = []
    for upload in uploads:
        if len(staged) >= limit:
            errors.append(
                ValidationError(
                    _("“%(name)s” was not added: at most %(limit)s files per request."),
                    params={"name": PurePath(upload.name or "").name, "limit": limit},
                    code="too_many",
                )
            )
            continue
        try:
            content_type = validate_upload(upload)
        except ValidationError as exc:
            errors.append(exc)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(8)
        with (folder / key).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        name = PurePath(upload.name or key).name[:255]
        staged.append(StagedFile(key=key, name=name, size=upload.size, content_type=content_type))
    if staged:
        _write_manifest(folder, staged)
    return staged, errors


def remove_staged(*, user_id: int, token: str | None, keys: Iterable[str]) -> list[StagedFile]:
    """Drop the named files; return what is left."""
    if not valid_token(token):
        return []
    folder = _folder(user_id, token)
    keys = set(keys)
    kept = []
    for staged in _read_manifest(folder):
        if staged.key in keys:
            (folder / staged.key).unlink(missing_ok=True)
        else:
            kept.append(staged)
    if folder.exists():
        _write_manifest(folder, kept)
    return kept


@contextmanager
def opened_staged(*, user_id: int, token: str | None):
    """The kept files as UploadedFile objects, closed again afterwards."""
    files: list[UploadedFile] = []
    try:
        if valid_token(token):
            folder = _folder(user_id, token)
            for staged in _read_manifest(folder):
                handle = (folder / staged.key).open("rb")
                files.append(
                    UploadedFile(
                        file=handle, name=staged.name, content_type=staged.content_type, size=staged.size
                    )
                )
        yield files
    finally:
        for upload in files:
            upload.close()


@contextmanager
def opened(attachments: "Iterable[UploadedFile] | StagedUploads"):
    """The files to store as a list of UploadedFile, whether uploaded now or kept in a form.

    Staged files are removed once the surrounding transaction commits (at once when there is
    none), never when it rolls back.
    """
    if not isinstance(attachments, StagedUploads):
        yield list(attachments)
        return
    with opened_staged(user_id=attachments.user_id, token=attachments.token) as files:
        yield files
    if files:
        transaction.on_commit(lambda: clear_staged(user_id=attachments.user_id, token=attachments.token))
        # Abandoned forms leave folders behind; each use of one sweeps the stale ones, in
        # the background, so no scheduler is needed and no request waits for the disk.
        transaction.on_commit(_enqueue_purge)


def _enqueue_purge() -> None:
    from helpdesk.tasks import purge_staging  # tasks import the services

    purge_staging.enqueue()


def clear_staged(*, user_id: int, token: str | None) -> None:
    if valid_token(token):
        shutil.rmtree(_folder(user_id, token), ignore_errors=True)


def purge_stale(*, max_age_seconds: int = STAGING_MAX_AGE_SECONDS, now_ts: float | None = None) -> int:
    """Remove staging folders untouched for max_age_seconds; return how many went."""
    now_ts = now().timestamp() if now_ts is None else now_ts
    removed = 0
    root = _root()
    if not root.exists():
        return 0
    for user_dir in root.iterdir():
        for folder in user_dir.iterdir() if user_dir.is_dir() else ():
            try:
                if now_ts - folder.stat().st_mtime > max_age_seconds:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
            except OSError:
                continue
    return removed
