"""SubmissionAttempt now belongs to the portal (portal 0001 took over its state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0005_roles"),
        ("portal", "0001_submissionattempt_from_helpdesk"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SubmissionAttempt")],
            database_operations=[],
        ),
    ]
