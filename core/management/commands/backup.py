"""manage.py backup DEST: a consistent online copy of the SQLite database and the media files."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the database (SQLite, online, while the site runs) and MEDIA_ROOT into the new "
        "directory DEST. On PostgreSQL only the media are copied: use pg_dump for the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="A directory that does not exist yet (or is empty).")

    def handle(self, *args, dest: str, **options):
        try:
            report = backup(dest=dest)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if report.database != "copied":
            self.stdout.write(self.style.WARNING(report.database))
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        what = "database and " if report.database == "copied" else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"backup: {what}{report.media_files} media file(s) ({report.media_bytes} bytes) in {report.path}"
            )
        )
