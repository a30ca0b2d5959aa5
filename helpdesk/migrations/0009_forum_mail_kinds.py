# The forum's digest mail (community.services.digests) is one more outbox kind. The choices
# also carry `account_exists` (sign-in lockout work), which reached the model without a
# migration of its own; choices live only in Django's state, so this changes no table.
# Numbered 0009 as planned, but after 0010_outbox_lease, which was written first and also
# follows 0008: one line of migrations, no merge needed.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0010_outbox_lease"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("ticket_received", "Request received (to the requester)"),
                    ("details_needed", "Details needed (to the requester)"),
                    ("team_new_ticket", "New ticket (to the team)"),
                    ("ticket_reopened", "Ticket reopened by the customer (to the team)"),
                    ("agent_reply", "Agent reply (to the requester)"),
                    ("customer_reply", "Customer reply (to the assignee)"),
                    ("satisfaction_survey", "Satisfaction survey (to the requester)"),
                    ("sla_warning", "SLA warning (to agents)"),
                    ("sla_breach", "SLA breach (to agents)"),
                    ("account_activation", "Account activation"),
                    ("account_invitation", "Invitation to the portal"),
                    ("account_exists", "Someone tried to register with an existing address (to its owner)"),
                    ("password_reset", "Password reset"),
                    ("forum_digest", "Forum digest: replies and mentions (to members)"),
                ],
                db_index=True,
                max_length=40,
                verbose_name="kind",
            ),
        ),
    ]
