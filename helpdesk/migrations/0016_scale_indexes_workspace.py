"""The agent's index: (assignee, status, due) and (assignee, status, updated_at, id) for its
panels, read one status at a time (helpdesk/selectors/workspace.py); they lead with
(assignee, status), so that index goes, after they exist."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('helpdesk', '0016_scale_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['assignee', 'status', 'first_response_due_at'], name='ticket_assignee_status_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['assignee', 'status', 'updated_at', 'id'], name='ticket_assignee_status_recent'),
        ),
        migrations.RemoveIndex(
            model_name='ticket',
            name='ticket_assignee_status',
        ),
    ]
