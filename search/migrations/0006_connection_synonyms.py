"""Seed the everyday words for a connection that fails (连不上 → 无法连接, 连接失败) as an
editable Synonym row. The group is written out here, not read from search.vocabulary, so this
migration seeds the same row whatever the vocabulary later becomes. Idempotent like 0003: a
group whose terms are all in one existing group (0003 on a new database, an editor's copy) is
left alone."""

from django.db import migrations

GROUPS = ("连不上, 连接不上, 无法连接, 连接失败",)


def _terms(text: str) -> set[str]:
    return {t.strip().lower() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()}


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    existing = [_terms(s.terms) for s in Synonym.objects.all()]
    for group in GROUPS:
        terms = _terms(group)
        if not any(terms <= other for other in existing):
            Synonym.objects.create(terms=group)
            existing.append(terms)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_collections")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
