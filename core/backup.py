"""Online backup and checked restore of the embedded deployment: SQLite database plus media.

A plain copy of `kuaixiang.sqlite3` under load is not a backup. In WAL mode the recent
commits live in `kuaixiang.sqlite3-wal` until a checkpoint, and copying the two files at
slightly different moments gives a database that lacks committed rows or is corrupt.
`backup()` instead uses SQLite's online backup API in a single step: it reads every page
inside one read transaction, so it copies exactly the database as of one commit while the
web and worker processes keep writing (in WAL mode readers do not block writers).

The database is copied first and the media second. Attachment files are written before
the transaction that records them commits, so every file the copied database names already
exists when the media copy starts; files that arrive later are copied too and are simply
not referenced. `backup()` checks this in the copy it made: each file a `FileField` of the
copied database names must be in the copied media.

On PostgreSQL the database is backed up with `pg_dump` (a consistent snapshot of its own);
`backup()` then copies the media only and says so.

Layout of a backup directory::

    manifest.json      what was copied, with sizes and SHA-256 sums, and the migrations
    db.sqlite3         the database (SQLite only), a single file in rollback-journal mode
    media/...          MEDIA_ROOT
"""

import hashlib
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.loader import MigrationLoader

from core.clock import resolve_now

FORMAT = 1
MANIFEST = "manifest.json"
DB_FILE = "db.sqlite3"
MEDIA_DIR = "media"
PG_DUMP_HINT = (
    "The database is {vendor}: back it up with its own tool, e.g. "
    '`pg_dump --format=custom --file=kuaixiang.dump "$DATABASE_URL"`, and keep the dump with this '
    "directory. Only the media files were backed up here."
)
PG_RESTORE_HINT = (
    "The database is {vendor}: restore it with its own tool, e.g. "
    '`pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" kuaixiang.dump`. '
    "Only the media files are restored here."
)


class BackupError(Exception):
    """A backup that cannot be made, or one that fails its checks and must not be restored."""


@dataclass
class Report:
    """What a backup or restore did, for the command to print."""

    path: Path
    database: str  # "copied", "restored", or the hint for a database we do not copy
    media_files: int = 0
    media_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _connection(alias: str):
    connection = connections[alias]
    connection.ensure_connection()
    return connection


def _integrity(path: Path) -> str:
    """ "ok", or what SQLite's integrity check found wrong."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:  # too damaged to be checked at all
        return str(exc)
    finally:
        db.close()
    return "; ".join(str(row[0]) for row in rows[:5])


def _snapshot_sqlite(alias: str, target: Path, *, patience: float = 60.0) -> None:
    """Copy the live database into `target` as of one commit (SQLite's backup API)."""
    source = _connection(alias).connection
    copy = sqlite3.connect(target)
    deadline = time.monotonic() + patience

    def progress(status: int, remaining: int, total: int) -> None:
        # sqlite3 retries a busy source forever; in WAL mode only an open write transaction
        # on this very connection can block us, which waiting would never end.
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(f"the database stayed locked for {patience:.0f} s; nothing was copied")

    try:
        # pages=-1: one step, one read transaction. Stepwise copying would restart whenever
        # another process commits, and under steady writes it might never finish.
        source.backup(copy, pages=-1, progress=progress, sleep=0.1)
        # A self-contained file: no -wal beside it to forget when moving the backup around.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _applied_migrations(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT app, name FROM django_migrations ORDER BY app, id").fetchall()
    db.close()
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField in the installed models."""
    columns = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                columns.append((model._meta.db_table, model_field.column))
    return columns


def referenced_files(db_path: Path) -> set[str]:
    """The media paths that the FileFields in a copied SQLite database name."""
    names: set[str] = set()
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, column in _file_columns():
            if table not in tables:  # a model whose migration this copy has not got yet
                continue
            query = f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" != \'\''
            names.update(row[0] for row in db.execute(query))
    db.close()
    return names


def _copy_media(source: Path, target: Path) -> dict[str, dict]:
    files: dict[str, dict] = {}
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return files
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(source).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, destination)
        except FileNotFoundError:  # deleted while we walked, e.g. a swept staging folder
            continue
        files[relative] = {"bytes": destination.stat().st_size, "sha256": _sha256(destination)}
    return files


def backup(*, dest: Path, alias: str = DEFAULT_DB_ALIAS, now: datetime | None = None) -> Report:
    """Write a backup into `dest`, which must not exist yet or be empty."""
    now = resolve_now(now)
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty directory; choose a new one")
    dest.mkdir(parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    manifest: dict = {"format": FORMAT, "created_at": now.isoformat(), "vendor": vendor}
    report = Report(path=dest, database="copied")

    if vendor == "sqlite":
        db_path = dest / DB_FILE
        _snapshot_sqlite(alias, db_path)
        integrity = _integrity(db_path)
        if integrity != "ok":
            raise BackupError(f"the copy failed SQLite's integrity check: {integrity}")
        manifest["database"] = {
            "file": DB_FILE,
            "bytes": db_path.stat().st_size,
            "sha256": _sha256(db_path),
            "migrations": _applied_migrations(db_path),
        }
    else:
        report.database = PG_DUMP_HINT.format(vendor=vendor)
        manifest["database"] = None

    files = _copy_media(Path(settings.MEDIA_ROOT), dest / MEDIA_DIR)
    manifest["media"] = {"dir": MEDIA_DIR, "files": files}
    report.media_files = len(files)
    report.media_bytes = sum(entry["bytes"] for entry in files.values())
    if vendor == "sqlite":
        missing = sorted(referenced_files(dest / DB_FILE) - set(files))
        manifest["missing_media"] = missing
        if missing:
            report.notes.append(
                f"{len(missing)} file(s) named in the database were not in MEDIA_ROOT, e.g. {missing[0]}"
            )
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def read_manifest(src: Path) -> dict:
    try:
        manifest = json.loads((Path(src) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{src} is not a backup: it has no {MANIFEST}") from exc
    except json.JSONDecodeError as exc:
        raise BackupError(f"{src}/{MANIFEST} is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} has backup format {manifest.get('format')!r}; this code reads {FORMAT}")
    return manifest


def verify(src: Path) -> dict:
    """Check a backup before anything is overwritten: checksums, SQLite's integrity check,
    and that every file the database names is there. Returns the manifest."""
    src = Path(src)
    manifest = read_manifest(src)
    problems = []
    database = manifest.get("database")
    if database:
        db_path = src / database["file"]
        if not db_path.is_file():
            raise BackupError(f"{db_path} is missing")
        if _sha256(db_path) != database["sha256"]:
            problems.append(f"{database['file']} does not match its checksum")
        else:
            integrity = _integrity(db_path)
            if integrity != "ok":
                problems.append(f"{database['file']} fails SQLite's integrity check: {integrity}")
    media = src / manifest["media"]["dir"]
    for relative, entry in manifest["media"]["files"].items():
        path = media / relative
        if not path.is_file():
            problems.append(f"media file {relative} is missing")
        elif path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            problems.append(f"media file {relative} does not match its checksum")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise BackupError(f"{src} failed its checks, nothing was restored: {shown}")
    return manifest


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}" for app, names in applied.items() for name in names if (app, name) not in known
    )


def restore(
    *,
    src: Path,
    alias: str = DEFAULT_DB_ALIAS,
    now: datetime | None = None,
    allow_unknown_migrations: bool = False,
    on_step: Callable[[str], None] = lambda message: None,
) -> Report:
    """Replace the database and MEDIA_ROOT with the backup in `src`, after `verify(src)`.

    What is replaced is kept beside it as `<name>.pre-restore-<time>`, so a restore can be
    undone. The processes using the database must be stopped first.
    """
    now = resolve_now(now)
    src = Path(src)
    manifest = verify(src)
    on_step(f"{src}: checksums and integrity check passed")
    stamp = now.strftime("%Y%m%dT%H%M%S")
    vendor = connections[alias].vendor
    report = Report(path=src, database="restored")
    database = manifest.get("database")

    if vendor != "sqlite":
        report.database = PG_RESTORE_HINT.format(vendor=vendor)
        if database:
            report.notes.append(
                f"the backup's SQLite database ({database['file']}) was not loaded into {vendor}"
            )
    elif not database:
        raise BackupError(
            f"{src} holds no database (it was taken on {manifest['vendor']}); restore that with its own tool"
        )
    else:
        unknown = _unknown_migrations(database["migrations"])
        if unknown and not allow_unknown_migrations:
            raise BackupError(
                f"the backup was made by newer code (unknown migrations: {', '.join(unknown[:3])}); "
                "deploy that code first"
            )
        live = _connection(alias)
        name = str(live.settings_dict["NAME"])
        live_path = Path(name)
        has_tables = live.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables and live_path.is_file():
            aside = live_path.with_name(f"{live_path.name}.pre-restore-{stamp}")
            _snapshot_sqlite(alias, aside)
            report.notes.append(f"the previous database is kept as {aside}")
        with sqlite3.connect(f"file:{src / database['file']}?mode=ro", uri=True) as backup_db:
            # Through SQLite into the live file, never a file copy: a copy would leave the
            # live -wal and -shm files describing a database that is no longer there.
            backup_db.backup(live.connection, pages=-1)
        backup_db.close()
        live.connection.execute("PRAGMA journal_mode=WAL")
        on_step(f"database restored into {name}")

    media_root = Path(settings.MEDIA_ROOT)
    incoming = media_root.with_name(f"{media_root.name}.restoring-{stamp}")
    shutil.copytree(src / manifest["media"]["dir"], incoming)
    if media_root.exists():
        aside = media_root.with_name(f"{media_root.name}.pre-restore-{stamp}")
        media_root.rename(aside)
        report.notes.append(f"the previous media files are kept in {aside}")
    incoming.rename(media_root)
    report.media_files = len(manifest["media"]["files"])
    report.media_bytes = sum(entry["bytes"] for entry in manifest["media"]["files"].values())
    on_step(f"{report.media_files} media file(s) restored into {media_root}")
    return report
