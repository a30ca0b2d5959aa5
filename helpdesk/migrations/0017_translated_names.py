"""A column per language for names and descriptions; today's bilingual values split into them."""

from django.db import migrations, models

from core.bilingual import fill_translation_columns


def split_bilingual_values(apps, schema_editor):
    fill_translation_columns(apps.get_model("helpdesk", "Category"), ("name", "description"))
    fill_translation_columns(apps.get_model("helpdesk", "SLAPlan"), ("name", "description"))
    fill_translation_columns(apps.get_model("helpdesk", "Team"), ("name",))
    fill_translation_columns(apps.get_model("helpdesk", "CannedResponse"), ("title", "body"))


class Migration(migrations.Migration):
    dependencies = [
        ('helpdesk', '0016_scale_indexes_workspace'),
    ]

    operations = [
        migrations.AddField(
            model_name="cannedresponse",
            name="body_en",
            field=models.TextField(null=True, verbose_name="text"),
        ),
        migrations.AddField(
            model_name="cannedresponse",
            name="body_zh_hans",
            field=models.TextField(null=True, verbose_name="text"),
        ),
        migrations.AddField(
            model_name="cannedresponse",
            name="title_en",
            field=models.CharField(max_length=120, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="cannedresponse",
            name="title_zh_hans",
            field=models.CharField(max_length=120, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="category",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="category",
            name="description_zh_hans",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="category",
            name="name_en",
            field=models.CharField(max_length=120, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="category",
            name="name_zh_hans",
            field=models.CharField(max_length=120, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="slaplan",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description shown to customers"),
        ),
        migrations.AddField(
            model_name="slaplan",
            name="description_zh_hans",
            field=models.TextField(blank=True, null=True, verbose_name="description shown to customers"),
        ),
        migrations.AddField(
            model_name="slaplan",
            name="name_en",
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="slaplan",
            name="name_zh_hans",
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="team",
            name="name_en",
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="team",
            name="name_zh_hans",
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name="name"),
        ),
        migrations.RunPython(split_bilingual_values, migrations.RunPython.noop),
    ]
