"""manage.py restore SRC: check a backup made by `manage.py backup`, then put it in place."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Check the backup in SRC (checksums, SQLite integrity, referenced files) and replace "
        "the database and MEDIA_ROOT with it; what is replaced is kept as *.pre-restore-*. "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", help="A directory written by `manage.py backup`.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )
        parser.add_argument("--check", action="store_true", help="Only check the backup; change nothing.")
        parser.add_argument(
            "--allow-unknown-migrations",
            action="store_true",
            help="Restore even though the backup has migrations this code does not know.",
        )

    def handle(
        self, *args, src: str, interactive: bool, check: bool, allow_unknown_migrations: bool, **options
    ):
        try:
            if check:
                manifest = verify(src)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{src}: passed its checks (taken {manifest['created_at']} on {manifest['vendor']}, "
                        f"{len(manifest['media']['files'])} media file(s))"
                    )
                )
                return
            if interactive:
                answer = input(
                    "This replaces the database and the media files with the backup. "
                    "Are the web and worker processes stopped? Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("restore cancelled")
            report = restore(
                src=src, allow_unknown_migrations=allow_unknown_migrations, on_step=self.stdout.write
            )
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if report.database != "restored":
            self.stdout.write(self.style.WARNING(report.database))
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS("restore: done. Run `manage.py migrate`, then start the processes again.")
        )
