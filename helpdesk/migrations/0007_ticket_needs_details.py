from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0006_submissionattempt_to_portal")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="needs_details",
            field=models.BooleanField(
                default=False,
                help_text="The description was incomplete; the requester was asked to complete it.",
                verbose_name="needs details",
            ),
        ),
    ]
