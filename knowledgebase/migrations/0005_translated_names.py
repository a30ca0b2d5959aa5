"""A column per language for names and descriptions; today's bilingual values split into them."""

from django.db import migrations, models

from core.bilingual import fill_translation_columns


def split_bilingual_values(apps, schema_editor):
    fill_translation_columns(apps.get_model("knowledgebase", "Category"), ("name", "description"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledgebase", "0004_markdown_bounds"),
    ]

    operations = [
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
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(
                fields=("parent", "name_zh_hans"), name="kb_category_unique_name_in_parent-zh-hans"
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(
                fields=("parent", "name_en"), name="kb_category_unique_name_in_parent-en"
            ),
        ),
        migrations.RunPython(split_bilingual_values, migrations.RunPython.noop),
    ]
