"""manage.py import_kb DIR — migrate a documentation folder into the knowledge base."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledgebase.services.importer import import_directory


class Command(BaseCommand):
    help = "Import Markdown files with front matter from DIR; re-running updates by slug."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        report = import_directory(directory)
        for name, line, message in report.errors:
            self.stderr.write(f"{name}:{line}: {message} — skipped")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, {len(report.errors)} skipped"
            )
        )
