"""SubmissionAttempt moves from helpdesk to the portal: state only, the table stays."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("helpdesk", "0005_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SubmissionAttempt",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("summary", models.CharField(blank=True, max_length=200, verbose_name="summary")),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("started", "Started"),
                                    ("continued", "Continued past suggestions"),
                                    ("deflected", "Solved by a suggestion"),
                                    ("submitted", "Ticket submitted"),
                                ],
                                default="started",
                                max_length=10,
                                verbose_name="outcome",
                            ),
                        ),
                        ("solved_by_url", models.CharField(blank=True, max_length=300, verbose_name="solved by")),
                        (
                            "solved_by_title",
                            models.CharField(blank=True, max_length=200, verbose_name="solved by (title)"),
                        ),
                        ("started_at", models.DateTimeField(db_index=True, verbose_name="started")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="submission_attempts",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                        (
                            "ticket",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="submission_attempt",
                                to="helpdesk.ticket",
                                verbose_name="ticket",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "submission attempt",
                        "verbose_name_plural": "submission attempts",
                        "ordering": ["-started_at"],
                        "db_table": "helpdesk_submissionattempt",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
