"""Seed the default business calendars, SLA plans and targets (editable rows afterwards)."""

from django.db import migrations


def install(apps, schema_editor):
    from helpdesk.sla.defaults import install_defaults

    install_defaults(
        Calendar=apps.get_model("helpdesk", "BusinessCalendar"),
        Hours=apps.get_model("helpdesk", "BusinessHours"),
        Override=apps.get_model("helpdesk", "CalendarOverride"),
        Plan=apps.get_model("helpdesk", "SLAPlan"),
        Target=apps.get_model("helpdesk", "SLATarget"),
    )


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
