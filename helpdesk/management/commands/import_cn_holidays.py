"""manage.py import_cn_holidays --year 2026 [--calendar NAME]"""

from django.core.management.base import BaseCommand, CommandError

from helpdesk.services.calendars import HolidayImportError, import_cn_holidays


class Command(BaseCommand):
    help = (
        "Fill China's statutory holidays and adjusted working days of a year (from the "
        "chinesecalendar package) into calendars that follow them, then queue the recompute of "
        "the due times of their open tickets (a background task). Safe to run again; rows "
        "edited in the admin are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--calendar", default=None, help="Only this calendar (its exact name).")

    def handle(self, *args, year: int, calendar: str | None, **options):
        try:
            results = import_cn_holidays(year=year, calendar_name=calendar)
        except HolidayImportError as error:
            raise CommandError(str(error)) from error
        if not results:
            self.stdout.write("No calendar follows China's holidays; nothing imported.")
        for r in results:
            line = (
                f"{r.calendar} {year}: {r.created} created, {r.updated} updated, "
                f"{r.unchanged} unchanged, {r.removed} removed, {r.kept_manual} kept (edited in admin)"
            )
            if r.recompute_queued:
                line += "; due times of its open tickets are being recomputed in the background"
            self.stdout.write(line)
