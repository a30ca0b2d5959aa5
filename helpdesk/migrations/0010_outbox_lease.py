# The outbox lease: a "sending" row whose worker died is claimed again once claimed_until passes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0008_enum_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed until"),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="claim_token",
            field=models.CharField(blank=True, max_length=32, verbose_name="claim token"),
        ),
    ]
