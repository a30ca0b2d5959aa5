"""An index for every list of the agents' queue: the filtered column, then (updated_at, id),
the list's order read backwards; the single-column indexes those lead with go.

The old (x, -updated_at) indexes left the tie-breaker (-id) to a sort. The single-column
indexes of the foreign keys and of updated_at go with a plain DROP INDEX (RunPython below)
while the state records `db_index=False`: an AlterField would make SQLite copy the whole
ticket table once per field. The new indexes are created before the old ones go, and
ANALYZE runs after every migrate (core.db_stats), so the planner knows them at once.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SHADOWED = ["assignee", "category", "organization", "requester", "team", "updated_at"]


def _single_column_indexes(schema_editor, model, column: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def drop_shadowed_indexes(apps, schema_editor):
    model = apps.get_model("helpdesk", "Ticket")
    for name in SHADOWED:
        column = model._meta.get_field(name).column
        for index in _single_column_indexes(schema_editor, model, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(index)}")


def restore_shadowed_indexes(apps, schema_editor):
    model = apps.get_model("helpdesk", "Ticket")
    for name in SHADOWED:
        field = model._meta.get_field(name)
        if not _single_column_indexes(schema_editor, model, field.column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ('helpdesk', '0015_report_rollups'),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["updated_at", "id"], name="ticket_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["status", "updated_at", "id"], name="ticket_status_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["priority", "updated_at", "id"], name="ticket_priority_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["channel", "updated_at", "id"], name="ticket_channel_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["team", "updated_at", "id"], name="ticket_team_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["assignee", "updated_at", "id"], name="ticket_assignee_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["organization", "updated_at", "id"], name="ticket_org_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["category", "updated_at", "id"], name="ticket_category_recent"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["needs_details", "updated_at", "id"], name="ticket_needs_details_recent"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["requester", "updated_at", "id"], name="ticket_requester_recent"),
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_status_updated",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_priority",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_channel",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_requester_updated",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        limit_choices_to={"is_staff": True},
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_tickets",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assignee",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="helpdesk.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="helpdesk.organization",
                        verbose_name="organization",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="requester",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requested_tickets",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requester",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="helpdesk.team",
                        verbose_name="team",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="updated_at",
                    field=models.DateTimeField(verbose_name="updated"),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_shadowed_indexes, restore_shadowed_indexes),
            ],
        ),
    ]
