"""Seed the built-in vocabulary of everyday phrasing (卡住了 → 超时, 不见了 → 缺失 …) as
Synonym rows editors can change. Idempotent: a group whose terms are all already in one
existing group is left alone, so re-running (or an editor's own copy) never doubles it."""

from django.db import migrations


def _terms(text: str) -> set[str]:
    return {t.strip().lower() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()}


def seed(apps, schema_editor):
    from search.vocabulary import EVERYDAY_SYNONYMS

    Synonym = apps.get_model("search", "Synonym")
    existing = [_terms(s.terms) for s in Synonym.objects.all()]
    for group in EVERYDAY_SYNONYMS:
        terms = _terms(group)
        if not any(terms <= other for other in existing):
            Synonym.objects.create(terms=group)
            existing.append(terms)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_ranked_search")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
