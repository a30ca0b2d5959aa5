"""A column per language for names and descriptions; today's bilingual values split into them."""

from django.db import migrations, models

from core.bilingual import fill_translation_columns


def split_bilingual_values(apps, schema_editor):
    fill_translation_columns(apps.get_model("community", "Board"), ("name", "description"))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="board",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="board",
            name="description_zh_hans",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="board",
            name="name_en",
            field=models.CharField(max_length=80, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="board",
            name="name_zh_hans",
            field=models.CharField(max_length=80, null=True, verbose_name="name"),
        ),
        migrations.RunPython(split_bilingual_values, migrations.RunPython.noop),
    ]
