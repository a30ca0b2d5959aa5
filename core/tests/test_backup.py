"""manage.py backup / restore: a consistent copy while writers run, checked before it is restored."""

import hashlib
import io
import json
import sqlite3
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.tests.subprocesses import PYTHON, ROOT, manage, migrated_database, process_env, stop, wait_for

WRITERS = 3

# One writer process: like an attachment upload, it stores a file and then commits the row
# that names it, and only after the commit notes the row as committed in its own log.
WRITER = """
import os, sys, time
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, connection, transaction

writer, stop_file, log_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seq = 0
with open(log_path, "a") as log:
    while not os.path.exists(stop_file):
        seq += 1
        name = default_storage.save(f"probe/{writer}/{seq}.txt", ContentFile(f"{writer}:{seq}".encode()))
        while True:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO backup_probe (writer, seq, file) VALUES (%s, %s, %s)", [writer, seq, name]
                    )
                break
            except OperationalError:  # lost the write lock to another writer: try again
                time.sleep(0.01)
        log.write(f"{seq}\\n")
        log.flush()
"""


def committed(log: Path) -> int:
    """The last sequence number a writer has logged as committed."""
    lines = log.read_text().split() if log.exists() else []
    return int(lines[-1]) if lines else 0


def probe_rows(db: Path) -> list[tuple[int, int, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as reader:
        rows = reader.execute("SELECT writer, seq, file FROM backup_probe ORDER BY writer, seq").fetchall()
    reader.close()
    return rows


def test_a_backup_taken_while_three_processes_write_restores_every_row_committed_before_it(tmp_path):
    live, fresh, copy = tmp_path / "live", tmp_path / "fresh", tmp_path / "backup"
    env = process_env(live)
    migrated_database(live / "kuaixiang.sqlite3")
    with sqlite3.connect(live / "kuaixiang.sqlite3") as setup:
        setup.execute(
            "CREATE TABLE backup_probe (id INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER NOT NULL, "
            "seq INTEGER NOT NULL, file TEXT NOT NULL, UNIQUE (writer, seq))"
        )
    stop_file = tmp_path / "stop-writing"
    logs = [tmp_path / f"writer-{n}.log" for n in range(WRITERS)]
    writers = [
        subprocess.Popen([PYTHON, "-c", WRITER, str(n), str(stop_file), str(logs[n])], cwd=ROOT, env=env)
        for n in range(WRITERS)
    ]
    try:
        wait_for(
            lambda: all(committed(log) >= 20 for log in logs), timeout=60, what="the writers to get going"
        )
        before = [committed(log) for log in logs]
        manage("backup", str(copy), env=env)
        during = [committed(log) - b for log, b in zip(logs, before, strict=True)]
        wait_for(
            lambda: all(committed(log) > b + d for log, b, d in zip(logs, before, during, strict=True)),
            timeout=30,
            what="writes after the backup",
        )
    finally:
        stop_file.touch()
        exits = []
        for writer in writers:
            try:
                exits.append(writer.wait(timeout=30))
            finally:
                stop(writer)
    assert exits == [0] * WRITERS
    assert sum(during) > 0, "nobody wrote while the backup ran"

    backed_up = probe_rows(copy / "db.sqlite3")
    for n in range(WRITERS):
        seqs = [seq for writer, seq, _ in backed_up if writer == n]
        # One moment's snapshot: each writer's rows up to some point, no gaps, nothing torn,
        # and everything it had committed before the backup started.
        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) >= before[n]
    for _, _, name in backed_up:
        assert (copy / "media" / name).is_file()
    manifest = json.loads((copy / "manifest.json").read_text())
    assert manifest["missing_media"] == []

    out = manage("restore", "--noinput", str(copy), env=process_env(fresh)).stdout
    assert "checksums and integrity check passed" in out
    restored = fresh / "kuaixiang.sqlite3"
    assert probe_rows(restored) == backed_up
    with sqlite3.connect(restored) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for writer, seq, name in backed_up:
        assert (fresh / "media" / name).read_text() == f"{writer}:{seq}"
    # The live database kept every row its writers logged as committed.
    live_rows = probe_rows(live / "kuaixiang.sqlite3")
    for n in range(WRITERS):
        assert len([1 for writer, _, _ in live_rows if writer == n]) >= committed(logs[n])


# --- In-process: the checks, and PostgreSQL -------------------------------------------------

pytestmark_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="copies a SQLite database")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "凭证.png").write_bytes(b"\x89PNG fake")
    return settings.MEDIA_ROOT


@pytestmark_sqlite
@pytest.mark.django_db(transaction=True)  # the backup API cannot read past an open write transaction
def test_backup_writes_a_checked_copy_and_restore_check_accepts_it(media, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)

    assert "backup: database and 1 media file(s)" in out.getvalue()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert list(manifest["media"]["files"]) == ["attachments/凭证.png"]
    assert "helpdesk" in manifest["database"]["migrations"]
    check = io.StringIO()
    call_command("restore", "--check", str(tmp_path / "b"), stdout=check)
    assert "passed its checks" in check.getvalue()


@pytestmark_sqlite
@pytest.mark.django_db(transaction=True)  # the backup API cannot read past an open write transaction
def test_restore_refuses_a_backup_whose_files_do_not_match_their_checksums(media, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    (tmp_path / "b" / "media" / "attachments" / "凭证.png").write_bytes(b"changed")
    with (tmp_path / "b" / "db.sqlite3").open("r+b") as db:
        db.seek(5000)
        db.write(b"\xff" * 64)

    with pytest.raises(CommandError, match="failed its checks, nothing was restored") as refused:
        call_command("restore", "--noinput", str(tmp_path / "b"))

    assert "db.sqlite3 does not match its checksum" in str(refused.value)
    assert "media file attachments/凭证.png does not match its checksum" in str(refused.value)
    assert (media / "attachments" / "凭证.png").read_bytes() == b"\x89PNG fake"  # untouched


@pytestmark_sqlite
@pytest.mark.django_db(transaction=True)  # the backup API cannot read past an open write transaction
def test_restore_refuses_a_backup_made_by_newer_code(media, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database"]["migrations"]["helpdesk"].append("9999_from_the_future")
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(
        CommandError, match=r"newer code \(unknown migrations: helpdesk.9999_from_the_future\)"
    ):
        call_command("restore", "--noinput", str(tmp_path / "b"))


@pytest.mark.django_db
def test_backup_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "file").write_text("x")
    with pytest.raises(CommandError, match="is not an empty directory"):
        call_command("backup", str(tmp_path / "old"))


@pytest.mark.django_db
def test_on_postgresql_backup_copies_the_media_and_says_to_use_pg_dump(media, settings, tmp_path):
    out = io.StringIO()
    with mock.patch.object(connection, "vendor", "postgresql"):
        call_command("backup", str(tmp_path / "b"), stdout=out)

    assert "pg_dump" in out.getvalue()
    assert "backup: 1 media file(s)" in out.getvalue()
    assert not (tmp_path / "b" / "db.sqlite3").exists()
    assert (tmp_path / "b" / "media" / "attachments" / "凭证.png").read_bytes() == b"\x89PNG fake"

    settings.MEDIA_ROOT = media.parent / "restored-media"
    restored = io.StringIO()
    with mock.patch.object(connection, "vendor", "postgresql"):
        call_command("restore", "--noinput", str(tmp_path / "b"), stdout=restored)
    assert "pg_restore" in restored.getvalue()
    assert (settings.MEDIA_ROOT / "attachments" / "凭证.png").read_bytes() == b"\x89PNG fake"


@pytestmark_sqlite
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_fails_the_integrity_check_even_with_a_matching_checksum(
    media, tmp_path
):
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    db_path = tmp_path / "b" / "db.sqlite3"
    with db_path.open("r+b") as db:  # scribble over the b-tree pages after the header page
        db.seek(4096)
        db.write(b"\xff" * 4096 * 4)
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database"]["sha256"] = hashlib.sha256(db_path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="db.sqlite3 fails SQLite's integrity check"):
        call_command("restore", "--noinput", str(tmp_path / "b"))
